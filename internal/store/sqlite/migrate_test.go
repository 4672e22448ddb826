package sqlite

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// embeddedVersions lists the versions of the embedded migrations, in the
// order Open applies them.
func embeddedVersions(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(names) == 0 {
		t.Fatalf("embedded migrations: %v, %d files", err, len(names))
	}
	for i, n := range names {
		names[i] = strings.TrimSuffix(filepath.Base(n), ".sql")
	}
	return names
}

// TestMigrationsIdempotent opens one file three times: every embedded
// migration is recorded exactly once, with the time of its first run.
func TestMigrationsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	raw := rawDB(t, path)
	var first string
	for i := range 3 {
		openClose(t, path)
		got := queryString(t, raw, "SELECT group_concat(version, ',') FROM (SELECT version FROM schema_migrations ORDER BY version)")
		if want := strings.Join(embeddedVersions(t), ","); got != want {
			t.Fatalf("open #%d: schema_migrations = %s, want %s", i+1, got, want)
		}
		if _, err := raw.Exec("UPDATE schema_migrations SET applied_at = applied_at - 1000 WHERE ? = 0", i); err != nil {
			t.Fatal(err)
		}
		stamps := queryString(t, raw, "SELECT group_concat(applied_at, ',') FROM (SELECT applied_at FROM schema_migrations ORDER BY version)")
		if i == 0 {
			first = stamps
		} else if stamps != first {
			t.Errorf("open #%d: applied_at = %s, want %s (re-applied)", i+1, stamps, first)
		}
	}
}

// TestPendingMigrationApplied undoes the last migration by hand, as on a
// database from an older release, and checks that Open applies it again.
func TestPendingMigrationApplied(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	openClose(t, path)
	raw := rawDB(t, path)
	if _, err := raw.Exec(`CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
		DELETE FROM schema_migrations WHERE version = '0002_drop_token_session_index'`); err != nil {
		t.Fatal(err)
	}
	openClose(t, path)
	if n := queryString(t, raw, "SELECT count(*) FROM sqlite_master WHERE name = 'refresh_tokens_session'"); n != "0" {
		t.Errorf("index refresh_tokens_session after reopening: %s found, want 0 (0002 applied again)", n)
	}
	if n := queryString(t, raw, "SELECT count(*) FROM schema_migrations WHERE version = '0002_drop_token_session_index'"); n != "1" {
		t.Errorf("0002 recorded %s times, want 1", n)
	}
}

// TestRecordedMigrationSkipped changes the schema behind a recorded
// migration's back and checks that Open does not run it again.
func TestRecordedMigrationSkipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	openClose(t, path)
	raw := rawDB(t, path)
	if _, err := raw.Exec("CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id)"); err != nil {
		t.Fatal(err)
	}
	openClose(t, path)
	if n := queryString(t, raw, "SELECT count(*) FROM sqlite_master WHERE name = 'refresh_tokens_session'"); n != "1" {
		t.Errorf("index refresh_tokens_session: %s found, want 1 (a recorded migration must not run again)", n)
	}
}

package sqlite

import (
	"context"
	"database/sql"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store/storetest"
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

// TestMigrateKeepsData builds a database as the release before browser
// sign-in left it (every migration before 0003_browsers), with a tenant,
// a user, a client, a session and its token in the stored format, then
// opens it: 0003 applies, every row reads back as before, the new fields
// read as empty, and the refresh path still works on the old session.
func TestMigrateKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	raw := rawDB(t, path)
	ctx := context.Background()
	migrateBefore(t, raw, "0003_browsers")
	us := t0.UnixMicro()
	if _, err := raw.ExecContext(ctx, `
		INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('ten', 'acme', 'Acme', 7, $1);
		INSERT INTO users(id, tenant_id, login, seq, created_at, updated_at) VALUES ('usr', 'ten', 'alice', 1, $1, $1);
		INSERT INTO clients(id, tenant_id, name, redirect_uris, grants, alg, access_ttl, idle_ttl, absolute_ttl, grace, created_at)
			VALUES ('cli', 'ten', 'old', '["https://old.example/cb"]', '["password","refresh_token"]', 'ES256', 60000000000, 3600000000000, 86400000000000, 0, $1);
		INSERT INTO sessions(id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at, ip)
			VALUES ('ses', 'ten', 'usr', 'cli', 'openid', 1, $1, $1, $1 + 3600000000, $1 + 86400000000, '192.0.2.1');
		INSERT INTO refresh_tokens(hash, session_id, generation, created_at) VALUES (X'0102', 'ses', 1, $1);`, us); err != nil {
		t.Fatal(err)
	}
	db := openAt(t, path)
	if n := queryString(t, raw, "SELECT count(*) FROM schema_migrations WHERE version = '0003_browsers'"); n != "1" {
		t.Fatalf("0003_browsers recorded %s times, want 1", n)
	}
	storetest.CheckMigrated(t, db, t0)
}

// migrateBefore applies, and records, the embedded migrations older than
// version to raw, as the release before version left its databases.
func migrateBefore(t *testing.T, raw *sql.DB, version string) {
	t.Helper()
	ctx := context.Background()
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, v := range embeddedVersions(t) {
		if v >= version {
			break
		}
		body, err := migrations.ReadFile("migrations/" + v + ".sql")
		must(t, err)
		if _, err := raw.ExecContext(ctx, string(body)); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		if _, err := raw.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (?, 1)", v); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrateNamesSuccessors builds a database as the release before
// 0013_token_child left it, with a session rotated once (its used first
// token, found by the successor's parent_hash then), and opens it: the
// used token now names its successor, so a grace replay still finds it.
func TestMigrateNamesSuccessors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	raw := rawDB(t, path)
	migrateBefore(t, raw, "0013_token_child")
	storetest.SeedRotatedSession(t, raw, "?", t0.UnixMicro(), t0.Add(24*time.Hour).UnixMicro())
	storetest.CheckSuccessorsMigrated(t, openAt(t, path))
}

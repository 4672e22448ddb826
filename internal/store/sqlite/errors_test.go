package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/renova-auth/renova/internal/store"
)

// realError runs q on raw and returns the driver's error, failing the
// test when there is none.
func realError(t *testing.T, raw *sql.DB, q string) error {
	t.Helper()
	_, err := raw.Exec(q)
	if err == nil {
		t.Fatalf("%s succeeded, want a driver error", q)
	}
	return err
}

// TestTranslate maps real driver errors, provoked on a real file, onto the
// store's sentinels; errors it does not know pass through unchanged.
func TestTranslate(t *testing.T) {
	db, path := openTemp(t)
	seed(t, db)
	raw := rawDB(t, path)
	if _, err := raw.Exec("PRAGMA foreign_keys = ON"); err != nil {
		t.Fatal(err)
	}
	unique := realError(t, raw, "INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('x', 'acme', 'n', 99, 0)")
	primary := realError(t, raw, "INSERT INTO signing_keys(id, alg, state, public_jwk, private_key, created_at) VALUES ('k', 'a', 's', x'', x'', 0), ('k', 'a', 's', x'', x'', 0)")
	foreign := realError(t, raw, "INSERT INTO users(id, tenant_id, login, seq, created_at, updated_at) VALUES ('u2', 'nope', 'bob', 1, 0, 0)")
	syntax := realError(t, raw, "SELEKT 1")
	release := holdWriteLock(t, path)
	busy := realError(t, rawDB(t, path), "INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('y', 'y', 'n', 98, 0)")
	release()
	cases := []struct {
		name string
		err  error
		want error // nil: none of the sentinels, and err passes through
	}{
		{"no rows", sql.ErrNoRows, store.ErrNotFound},
		{"wrapped no rows", fmt.Errorf("scan: %w", sql.ErrNoRows), store.ErrNotFound},
		{"unique", unique, store.ErrConflict},
		{"primary key", primary, store.ErrConflict},
		{"busy", busy, store.ErrUnavailable},
		{"deadline", fmt.Errorf("exec: %w", context.DeadlineExceeded), store.ErrUnavailable},
		{"canceled", context.Canceled, store.ErrUnavailable},
		{"foreign key", foreign, nil},
		{"syntax", syntax, nil},
	}
	sentinels := []error{store.ErrNotFound, store.ErrConflict, store.ErrUnavailable, store.ErrNotClaimed}
	for _, tc := range cases {
		got := translate(tc.err)
		for _, s := range sentinels {
			if errors.Is(got, s) != (s == tc.want) {
				t.Errorf("translate(%s: %v) = %v; errors.Is(%v) = %v", tc.name, tc.err, got, s, !(s == tc.want))
			}
		}
		if tc.want != store.ErrNotFound && !errors.Is(got, tc.err) {
			t.Errorf("translate(%s) = %v, lost the cause", tc.name, got)
		}
	}
	if translate(nil) != nil {
		t.Error("translate(nil) != nil")
	}
}

// TestBusyIsUnavailable holds the write lock from another connection, as
// the renova CLI or a backup would: writes that cannot get it within their
// deadline fail with ErrUnavailable (the server's 503), reads still work,
// and everything works again once the lock is released.
func TestBusyIsUnavailable(t *testing.T) {
	db, path := openTemp(t)
	_, h := seed(t, db)
	release := holdWriteLock(t, path)
	writes := []struct {
		name string
		fn   func(ctx context.Context) error
	}{
		{"CreateTenant", func(ctx context.Context) error {
			return db.CreateTenant(ctx, &store.Tenant{ID: "t2", Slug: "t2", Name: "n", Code: 2, CreatedAt: t0})
		}},
		{"Rotate", func(ctx context.Context) error {
			_, err := db.Rotate(ctx, rotateParams(h, []byte("next")))
			return err
		}},
		{"RevokeSession", func(ctx context.Context) error { return db.RevokeSession(ctx, "ses", "logout", t0) }},
		{"AppendAudit", func(ctx context.Context) error {
			return db.AppendAudit(ctx, &store.AuditEvent{Time: t0, Action: "test"})
		}},
	}
	for _, w := range writes {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		err := w.fn(ctx)
		cancel()
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s while another process holds the write lock = %v, want ErrUnavailable", w.name, err)
		}
	}
	if _, err := db.RefreshState(context.Background(), h); err != nil {
		t.Errorf("RefreshState while the write lock is held = %v, want success", err)
	}
	release()
	if _, err := db.Rotate(context.Background(), rotateParams(h, []byte("next"))); err != nil {
		t.Errorf("Rotate after the lock is released = %v, want success (nothing claimed before)", err)
	}
}

// TestCanceledContext checks that a request whose context is gone fails
// with ErrUnavailable before touching the database.
func TestCanceledContext(t *testing.T) {
	db, _ := openTemp(t)
	_, h := seed(t, db)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Rotate(ctx, rotateParams(h, []byte("next"))); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Rotate(canceled) = %v, want ErrUnavailable", err)
	}
	if _, err := db.RefreshState(ctx, h); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("RefreshState(canceled) = %v, want ErrUnavailable", err)
	}
	st, err := db.RefreshState(context.Background(), h)
	must(t, err)
	if st.Token.Used() {
		t.Error("a canceled Rotate claimed the token")
	}
}

// TestStorageFaultsAreUnavailable provokes the storage faults a running
// server meets on real files (a full database, a read-only one, a file
// that cannot be opened, one moved away under the server) and checks that
// each is ErrUnavailable, the 503 to retry, with the driver's error kept.
func TestStorageFaultsAreUnavailable(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.db")
	raw := rawDB(t, path)
	for _, q := range []string{"PRAGMA journal_mode=WAL", "CREATE TABLE t(b BLOB)", "INSERT INTO t VALUES (x'00')"} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// max_page_count is a per-connection ceiling: the file reports full at
	// it exactly as a full disk does (SQLITE_FULL, 13).
	conn, err := raw.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "PRAGMA max_page_count = 3"); err != nil {
		t.Fatal(err)
	}
	_, full := conn.ExecContext(t.Context(), "INSERT INTO t VALUES (zeroblob(100000))")

	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	readonly := realError(t, ro, "INSERT INTO t VALUES (x'01')")

	missing, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "gone", "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	cantopen := realError(t, missing, "CREATE TABLE t(a)")

	moved := filepath.Join(dir, "m.db")
	mdb := rawDB(t, moved)
	if _, err := mdb.Exec("CREATE TABLE t(a)"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(moved, moved+".old"); err != nil {
		t.Fatal(err)
	}
	dbmoved := realError(t, mdb, "INSERT INTO t VALUES (1)") // SQLITE_READONLY_DBMOVED, 1032

	for name, want := range map[string]struct {
		err  error
		code int
	}{
		"full": {full, sqlite3.SQLITE_FULL}, "readonly": {readonly, sqlite3.SQLITE_READONLY},
		"cantopen": {cantopen, sqlite3.SQLITE_CANTOPEN}, "dbmoved": {dbmoved, sqlite3.SQLITE_READONLY_DBMOVED},
	} {
		var se *sqlite.Error
		if !errors.As(want.err, &se) || se.Code() != want.code {
			t.Errorf("%s: provoked %v, want SQLite code %d", name, want.err, want.code)
			continue
		}
		got := translate(want.err)
		if !errors.Is(got, store.ErrUnavailable) || !errors.Is(got, want.err) {
			t.Errorf("translate(%s: %v) = %v, want ErrUnavailable wrapping the cause", name, want.err, got)
		}
	}
}

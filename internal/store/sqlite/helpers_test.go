package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// t0 is the tests' clock origin, a whole number of microseconds so that it
// survives the store's microsecond precision unchanged.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 8000, time.UTC)

// openAt opens a store on path and closes it when the test ends.
func openAt(t testing.TB, path string) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openClose opens the file at path, which applies the migrations, and
// closes it again. (Close is not idempotent, so this is not openAt+Close.)
func openClose(t testing.TB, path string) {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	must(t, db.Close())
}

// openTemp opens a store on a fresh file in t.TempDir and returns it with
// the file's path.
func openTemp(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "renova.db")
	return openAt(t, path), path
}

// rawDB opens a second, independent handle on the file at path, as another
// process (the renova CLI, sqlite3) would. busy_timeout(0) makes it fail at
// once instead of waiting for a lock the test holds.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return raw
}

// holdWriteLock takes the file's write lock from a second connection and
// keeps it until release is called or the test ends: a transaction begun
// with _txlock=immediate is BEGIN IMMEDIATE, which takes the lock at once.
func holdWriteLock(t testing.TB, path string) (release func()) {
	t.Helper()
	other, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	tx, err := other.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatalf("BEGIN IMMEDIATE from a second connection: %v", err)
	}
	release = func() { _ = tx.Rollback() } // a second Rollback is a no-op error
	t.Cleanup(release)
	return release
}

// queryString runs q on db and returns its one text value.
func queryString(t testing.TB, db *sql.DB, q string, args ...any) string {
	t.Helper()
	var s string
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// seed stores a tenant, a user, a client and a session with its first
// token, all at t0, and returns the session and the token's hash.
func seed(t testing.TB, db *DB) (*store.Session, []byte) {
	t.Helper()
	ctx := context.Background()
	must(t, db.CreateTenant(ctx, &store.Tenant{ID: "ten", Slug: "acme", Name: "Acme", Code: 7, CreatedAt: t0}))
	must(t, db.CreateUser(ctx, &store.User{ID: "usr", TenantID: "ten", Login: "alice", CreatedAt: t0, UpdatedAt: t0}))
	must(t, db.CreateClient(ctx, &store.Client{ID: "cli", TenantID: "ten", Alg: "ES256", IdleTTL: time.Hour,
		AbsoluteTTL: 24 * time.Hour, CreatedAt: t0}))
	s := &store.Session{ID: "ses", TenantID: "ten", UserID: "usr", ClientID: "cli", Generation: 1, CreatedAt: t0,
		LastUsedAt: t0, IdleExpiresAt: t0.Add(time.Hour), ExpiresAt: t0.Add(24 * time.Hour)}
	h := []byte("first-token-hash-0123456789abcde")
	must(t, db.CreateSession(ctx, s, &store.RefreshToken{Hash: h, SessionID: s.ID, Generation: 1, CreatedAt: t0}))
	return s, h
}

// rotateParams rotates h at t0 plus a minute into next.
func rotateParams(h, next []byte) store.RotateParams {
	at := t0.Add(time.Minute)
	return store.RotateParams{Hash: h, ClientID: "cli", Now: at, IdleUntil: at.Add(time.Hour), NextHash: next}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

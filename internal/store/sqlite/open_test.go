package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// TestPragmas checks that both pools run with the settings of pragmas:
// every connection SQLite opens for us gets them, not only the first.
func TestPragmas(t *testing.T) {
	db, _ := openTemp(t)
	want := map[string]string{
		"journal_mode":       "wal",
		"synchronous":        "1", // NORMAL
		"busy_timeout":       "5000",
		"foreign_keys":       "1",
		"wal_autocheckpoint": "0",
	}
	pools := []struct {
		name string
		db   *sql.DB
	}{{"writer", db.w}, {"reader", db.r}}
	for _, p := range pools {
		for name, v := range want {
			if got := queryString(t, p.db, "PRAGMA "+name); got != v {
				t.Errorf("%s: PRAGMA %s = %q, want %q", p.name, name, got, v)
			}
		}
	}
}

// TestPoolSizes checks the single writer and the read pool: SQLite has one
// writer anyway, and queueing writers in process beats busy_timeout.
func TestPoolSizes(t *testing.T) {
	db, _ := openTemp(t)
	if n := db.w.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("writer MaxOpenConnections = %d, want 1", n)
	}
	if n := db.r.Stats().MaxOpenConnections; n != 4 {
		t.Errorf("reader MaxOpenConnections = %d, want 4", n)
	}
}

// TestWriterTransactionsAreImmediate checks _txlock=immediate: a writer
// transaction takes the write lock at BEGIN, before it writes anything, so
// Rotate never upgrades a read lock midway (which would fail with
// SQLITE_BUSY instead of waiting).
func TestWriterTransactionsAreImmediate(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := rawDB(t, path)
	_, err = other.ExecContext(ctx, "BEGIN IMMEDIATE; ROLLBACK")
	if !errors.Is(translate(err), store.ErrUnavailable) {
		t.Errorf("BEGIN IMMEDIATE elsewhere while a writer tx is open = %v, want busy", err)
	}
	must(t, tx.Rollback())
	if _, err := other.ExecContext(ctx, "BEGIN IMMEDIATE; ROLLBACK"); err != nil {
		t.Errorf("BEGIN IMMEDIATE elsewhere after rollback = %v, want success", err)
	}
}

// TestReadsDoNotWaitForTheWriter holds a write transaction open and reads
// through the store: WAL readers see the last commit and never wait.
func TestReadsDoNotWaitForTheWriter(t *testing.T) {
	db, _ := openTemp(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('t', 's', 'n', 1, 0)"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetTenant(ctx, "t"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetTenant of an uncommitted row = %v, want ErrNotFound at once", err)
	}
	must(t, tx.Commit())
	if _, err := db.GetTenant(ctx, "t"); err != nil {
		t.Errorf("GetTenant after commit = %v", err)
	}
}

// TestWritersQueue fires concurrent writes at the single writer: they
// queue in process, so none of them sees SQLITE_BUSY.
func TestWritersQueue(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			ten := &store.Tenant{ID: fmt.Sprint("t", i), Slug: fmt.Sprint("s", i), Name: "n", Code: int64(i + 1), CreatedAt: t0} // 0 would ask the store for a code
			if err := db.CreateTenant(ctx, ten); err != nil {
				t.Errorf("CreateTenant(%d) = %v", i, err)
			}
		})
	}
	wg.Wait()
	list, err := db.ListTenants(ctx)
	must(t, err)
	if len(list) != n {
		t.Errorf("ListTenants = %d tenants, want %d", len(list), n)
	}
}

// TestOpenFails checks that a path that cannot hold a database is an error
// from Open, not a panic or a store that fails later.
func TestOpenFails(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	must(t, os.WriteFile(garbage, []byte("this is not an SQLite database, not even close to one....................................................................."), 0o600))
	cases := []struct{ name, path string }{
		{"missing directory", filepath.Join(dir, "missing", "renova.db")},
		{"a directory", dir},
		{"not a database", garbage},
	}
	for _, tc := range cases {
		db, err := Open(context.Background(), tc.path)
		if err == nil {
			db.Close()
			t.Errorf("Open(%s) = nil error, want failure", tc.name)
		}
	}
}

// TestCloseCheckpoints checks that Close stops the checkpointer and leaves
// everything in the database file: the last connection to close copies
// the WAL back and removes it.
func TestCloseCheckpoints(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("WAL file while open: %v, want it to exist (journal_mode=WAL)", err)
	}
	must(t, db.Close())
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("WAL file after Close: %v, want it removed", err)
	}
	raw := rawDB(t, path)
	if got := queryString(t, raw, "SELECT id FROM sessions"); got != "ses" {
		t.Errorf("session after Close = %q, want ses", got)
	}
	if err := db.Ping(context.Background()); err == nil {
		t.Error("Ping after Close = nil, want an error")
	}
}

// TestReopenKeepsSessions checks that a token rotated before a restart
// stays rotated after it.
func TestReopenKeepsSessions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "renova.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	_, h := seed(t, db)
	next := []byte("second-token-hash-0123456789abcd")
	if _, err := db.Rotate(context.Background(), rotateParams(h, next)); err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())
	db = openAt(t, path)
	st, err := db.RefreshState(context.Background(), h)
	must(t, err)
	if !st.Token.Used() || st.Child == nil || string(st.Child.Hash) != string(next) || st.Session.Generation != 2 {
		t.Errorf("RefreshState after reopen = token used %v, child %v, generation %d; want used, %q, 2",
			st.Token.Used(), st.Child, st.Session.Generation, next)
	}
}

// TestCloseTwice: a second Close (an explicit one followed by a deferred
// one) returns the first's result; it used to panic closing the
// checkpointer's channel again.
func TestCloseTwice(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "renova.db"))
	if err != nil {
		t.Fatal(err)
	}
	first := db.Close()
	if first != nil {
		t.Fatalf("first Close = %v", first)
	}
	if second := db.Close(); second != first {
		t.Errorf("second Close = %v, want the first's result %v", second, first)
	}
}

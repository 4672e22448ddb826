package apptest

import (
	"context"
	"database/sql"
	"testing"

	_ "modernc.org/sqlite" // the driver of the second connection
)

// HoldWriteLock takes SQLite's write lock from a second connection, as
// another process would, so that the server's writes wait until release
// is called (or the test ends). It shows what a busy database does to a
// request without a mock.
func (e *Env) HoldWriteLock(t testing.TB) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+e.App.Cfg.SQLitePath())
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	done := false
	release = func() {
		if done {
			return
		}
		done = true
		if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
			t.Error(err)
		}
		conn.Close()
		db.Close()
	}
	t.Cleanup(release)
	return release
}

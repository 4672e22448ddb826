package icredit_test

import (
	"context"
	"database/sql"
	"net/http"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestBusyStoreAnswers503 checks that a refresh the database cannot take
// within the store timeout (another connection holds SQLite's write lock)
// answers 503 with Retry-After in the NestJS shape — never 401, never 500
// (PRODUCT.md §2) — and that the token still works once the lock is gone.
func TestBusyStoreAnswers503(t *testing.T) {
	f := start(t, apptest.Options{StoreTimeout: 300 * time.Millisecond})
	f.newUser(t, "ana")
	p := f.login(t, "ana", password)

	other, err := sql.Open("sqlite", "file:"+f.env.App.Cfg.SQLitePath())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	resp := f.refresh(t, p.RefreshToken)
	wantError(t, "refresh while the database is locked", resp, http.StatusServiceUnavailable, "")
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("refresh while the database is locked: no Retry-After header")
	}
	if _, err := conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	wantPair(t, "refresh once the database is free", f.refresh(t, p.RefreshToken))
}

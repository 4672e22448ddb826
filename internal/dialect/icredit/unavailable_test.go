package icredit_test

import (
	"net/http"
	"testing"
	"time"

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

	release := f.env.HoldWriteLock(t)
	resp := f.refresh(t, p.RefreshToken)
	wantError(t, "refresh while the database is locked", resp, http.StatusServiceUnavailable, "")
	if resp.Header.Get("Retry-After") == "" {
		t.Errorf("refresh while the database is locked: no Retry-After header")
	}
	release()
	wantPair(t, "refresh once the database is free", f.refresh(t, p.RefreshToken))
}

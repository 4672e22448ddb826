package standard_test

import (
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestBusyStoreAnswers503: when the database cannot take the rotation
// within the store timeout (here another process holds SQLite's write
// lock), the refresh answers 503 with Retry-After — never invalid_grant,
// never 500 — and the token still works once the database is free.
func TestBusyStoreAnswers503(t *testing.T) {
	env := apptest.Start(t, apptest.Options{StoreTimeout: 300 * time.Millisecond})
	g := login(t, env)
	release := env.HoldWriteLock(t)
	r := post(t, env, "/oauth2/token", formRefresh(g.RefreshToken), true)
	v := decode(t, r)
	if r.Status != 503 || v.Error != "temporarily_unavailable" || r.Header.Get("Retry-After") == "" {
		t.Errorf("refresh while the database is locked = %d %s (Retry-After %q); want 503 temporarily_unavailable with Retry-After",
			r.Status, r.Body, r.Header.Get("Retry-After"))
	}
	release()
	if code, v := refresh(t, env, g.RefreshToken); code != 200 {
		t.Errorf("refresh once the database is free = %d %+v, want 200", code, v)
	}
}

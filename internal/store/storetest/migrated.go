package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// CheckMigrated checks, on a backend just migrated from a database whose
// rows predate migration 0003 (tenant "ten", client "cli", user "alice"
// with id "usr", session "ses" with token 0x0102, all created at t0),
// that those rows read back unchanged with the new fields empty, and that
// the old session still rotates. Both backends' migration tests build
// that fixture with their own SQL and share this check.
func CheckMigrated(t *testing.T, s store.Store, t0 time.Time) {
	t.Helper()
	ctx := context.Background()
	c, err := s.GetClient(ctx, "cli")
	must(t, err)
	want := &store.Client{ID: "cli", TenantID: "ten", Name: "old", RedirectURIs: []string{"https://old.example/cb"},
		Grants: []string{"password", "refresh_token"}, Alg: "ES256", AccessTTL: time.Minute, IdleTTL: time.Hour,
		AbsoluteTTL: 24 * time.Hour, CreatedAt: t0}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("client after migrating = %+v\nwant %+v", c, want)
	}
	sess, err := s.GetSession(ctx, "ses")
	must(t, err)
	wantS := &store.Session{ID: "ses", TenantID: "ten", UserID: "usr", ClientID: "cli", Scope: "openid", Generation: 1,
		CreatedAt: t0, LastUsedAt: t0, IdleExpiresAt: t0.Add(time.Hour), ExpiresAt: t0.Add(24 * time.Hour), IP: "192.0.2.1"}
	if !reflect.DeepEqual(sess, wantS) {
		t.Errorf("session after migrating = %+v\nwant %+v", sess, wantS)
	}
	if u, err := s.UserByLogin(ctx, "ten", "alice"); err != nil || u.ID != "usr" {
		t.Errorf("UserByLogin after migrating = %v, %v", u, err)
	}
	at := t0.Add(time.Minute)
	if _, err := s.Rotate(ctx, store.RotateParams{Hash: []byte{1, 2}, ClientID: "cli", Now: at, IdleUntil: at.Add(time.Hour), NextHash: []byte{3, 4}}); err != nil {
		t.Errorf("Rotate of a session from before the migration = %v", err)
	}
}

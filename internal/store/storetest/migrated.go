package storetest

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
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

// SeedRotatedSession stores, with raw SQL on a database migrated up to
// before the successor column (migration 0013), a tenant, a client and a
// session "ses" rotated once: token 0x01 used, its successor 0x02 live,
// linked only by parent_hash. mark is the backend's placeholder prefix
// ("?" or "$"); at and until are times in the backend's stored form, the
// rotation's and the session's expiry.
func SeedRotatedSession(t *testing.T, raw *sql.DB, mark string, at, until any) {
	t.Helper()
	q := `INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('ten', 'acme', 'Acme', 7, @1);
		INSERT INTO clients(id, tenant_id, name, redirect_uris, grants, alg, access_ttl, idle_ttl, absolute_ttl, grace, created_at)
			VALUES ('cli', 'ten', 'old', '[]', '["password","refresh_token"]', 'ES256', 60000000000, 3600000000000, 86400000000000, 30000000000, @1);
		INSERT INTO sessions(id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at)
			VALUES ('ses', 'ten', '', 'cli', 'openid', 2, @1, @1, @2, @2);
		INSERT INTO refresh_tokens(hash, session_id, generation, created_at, used_at) VALUES (@x01, 'ses', 1, @1, @1);
		INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at) VALUES (@x02, 'ses', @x01, 2, @1);`
	blob := map[string][2]string{"?": {"X'01'", "X'02'"}, "$": {`'\x01'::bytea`, `'\x02'::bytea`}}[mark]
	q = strings.NewReplacer("@x01", blob[0], "@x02", blob[1], "@1", mark+"1", "@2", mark+"2").Replace(q)
	for _, stmt := range strings.Split(q, ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		var args []any
		if strings.Contains(stmt, mark+"1") {
			args = append(args, at)
		}
		if strings.Contains(stmt, mark+"2") {
			args = append(args, until)
		}
		if _, err := raw.ExecContext(context.Background(), stmt, args...); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

// CheckSuccessorsMigrated checks the session SeedRotatedSession stored
// after migrating: the used token's state names its successor, and the
// successor still rotates.
func CheckSuccessorsMigrated(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := s.RefreshState(ctx, []byte{1})
	must(t, err)
	if !st.Token.Used() || st.Child == nil || string(st.Child.Hash) != "\x02" || st.Child.Used() {
		t.Fatalf("RefreshState(used token) after migrating: used %v, child %+v; want its live successor 0x02", st.Token.Used(), st.Child)
	}
	at := st.Token.UsedAt.Add(time.Second)
	if _, err := s.Rotate(ctx, store.RotateParams{Hash: []byte{2}, ClientID: "cli", Now: at, IdleUntil: at.Add(time.Hour), NextHash: []byte{3}}); err != nil {
		t.Fatalf("Rotate(successor) after migrating = %v", err)
	}
	st, err = s.RefreshState(ctx, []byte{2})
	must(t, err)
	if st.Child == nil || string(st.Child.Hash) != "\x03" {
		t.Errorf("RefreshState(rotated successor): child %+v, want 0x03", st.Child)
	}
}

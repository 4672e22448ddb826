package postgres

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// t0 is a whole number of microseconds, the precision of timestamptz.
var t0 = time.Date(2026, 3, 4, 5, 6, 7, 8000, time.UTC)

// TestStoredFormat pins how records sit in the database, as they are
// today: native types (timestamptz, text[], jsonb, boolean, bytea),
// NULL only for a zero time, empty lists '{}' and empty maps {} rather
// than NULL, durations as bigint nanoseconds.
func TestStoredFormat(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	ctx := context.Background()
	c := fixture(t, db)
	session(t, db, c, "ses", t0)
	must(t, db.CreateUser(ctx, &store.User{ID: "u2", TenantID: c.TenantID, Login: "bob", Roles: []string{"a", "b"},
		Attributes: map[string]string{"cpf": "1"}, External: true, CreatedAt: t0, UpdatedAt: t0}))
	must(t, db.CreateClient(ctx, &store.Client{ID: "c2", TenantID: c.TenantID, Public: true, Grants: []string{"password"},
		Alg: "EdDSA", AccessTTL: time.Minute, Grace: 10 * time.Second, CreatedAt: t0}))
	must(t, db.CreateKey(ctx, &store.Key{ID: "k", Alg: "ES256", State: store.KeyNext, Public: []byte("{}"), Private: []byte{1}, CreatedAt: t0}))
	cases := []struct{ name, query, want string }{
		{"user without roles", "SELECT roles FROM users WHERE id = 'usr'", "text[]:{}"},
		{"user without attributes", "SELECT attributes FROM users WHERE id = 'usr'", "jsonb:{}"},
		{"user roles", "SELECT roles FROM users WHERE id = 'u2'", "text[]:{a,b}"},
		{"user attributes", "SELECT attributes FROM users WHERE id = 'u2'", `jsonb:{"cpf": "1"}`},
		{"user external", "SELECT external FROM users WHERE id = 'u2'", "boolean:true"},
		{"user seq", "SELECT seq FROM users WHERE id = 'u2'", "bigint:2"},
		{"client public", "SELECT public FROM clients WHERE id = 'c2'", "boolean:true"},
		{"client without redirect URIs", "SELECT redirect_uris FROM clients WHERE id = 'c2'", "text[]:{}"},
		{"client grace", "SELECT grace FROM clients WHERE id = 'c2'", "bigint:10000000000"},
		{"session created_at", "SELECT created_at AT TIME ZONE 'UTC' FROM sessions", "timestamp without time zone:2026-03-04 05:06:07.000008"},
		{"session revoked_at", "SELECT revoked_at FROM sessions", "timestamp with time zone:NULL"},
		{"token parent", "SELECT parent_hash FROM refresh_tokens", "bytea:NULL"},
		{"key activated_at", "SELECT activated_at FROM signing_keys", "timestamp with time zone:NULL"},
		{"key public", "SELECT public_jwk FROM signing_keys", `bytea:\x7b7d`},
	}
	for _, tc := range cases {
		var got string
		q := "WITH x(v) AS (" + tc.query + ") SELECT pg_typeof(v)::text || ':' || coalesce(v::text, 'NULL') FROM x"
		if err := db.pool.QueryRow(ctx, q).Scan(&got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: %s = %s, want %s", tc.name, tc.query, got, tc.want)
		}
	}
}

// TestReadFormat writes rows by hand and reads them through the store:
// NULL times are zero, empty arrays and objects are nil (as in SQLite),
// and times come back in UTC whatever the session's time zone.
func TestReadFormat(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	ctx := context.Background()
	if _, err := db.pool.Exec(ctx, `SET TIME ZONE 'America/Sao_Paulo';
		INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('ten', 'acme', 'Acme', 7, '2026-03-04 05:06:07.000008Z');
		INSERT INTO users(id, tenant_id, login, seq, roles, attributes, created_at, updated_at)
			VALUES ('u1', 'ten', 'alice', 3, '{}', '{}', '2026-03-04 05:06:07.000008Z', '2026-03-04 05:06:07.000008Z');
		INSERT INTO clients(id, tenant_id, alg, grants, access_ttl, idle_ttl, absolute_ttl, grace, created_at)
			VALUES ('c', 'ten', 'ES256', '{a,b}', 60000000000, 3600000000000, 86400000000000, 0, '2026-03-04 05:06:07.000008Z');`); err != nil {
		t.Fatal(err)
	}
	u, err := db.GetUser(ctx, "u1")
	must(t, err)
	wantU := &store.User{ID: "u1", TenantID: "ten", Login: "alice", Seq: 3, CreatedAt: t0, UpdatedAt: t0}
	if !reflect.DeepEqual(u, wantU) {
		t.Errorf("GetUser = %+v\nwant %+v", u, wantU)
	}
	c, err := db.GetClient(ctx, "c")
	must(t, err)
	wantC := &store.Client{ID: "c", TenantID: "ten", Alg: "ES256", Grants: []string{"a", "b"}, AccessTTL: time.Minute,
		IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, CreatedAt: t0}
	if !reflect.DeepEqual(c, wantC) {
		t.Errorf("GetClient = %+v\nwant %+v", c, wantC)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package sqlite

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// TestStoredFormat pins how records sit in the file, as they are today, so
// that a refactoring of the codecs cannot silently change the format of
// existing databases: times are unix microseconds (NULL when zero), lists
// and maps JSON text (never NULL), booleans 0/1, durations nanoseconds.
func TestStoredFormat(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	seed(t, db)
	must(t, db.CreateUser(ctx, &store.User{ID: "u2", TenantID: "ten", Login: "bob", Roles: []string{"a", "b"},
		Attributes: map[string]string{"cpf": "1"}, External: true, CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}))
	must(t, db.CreateClient(ctx, &store.Client{ID: "c2", TenantID: "ten", Public: true, Grants: []string{"password"},
		Alg: "EdDSA", AccessTTL: time.Minute, Grace: 10 * time.Second, CreatedAt: t0}))
	must(t, db.CreateKey(ctx, &store.Key{ID: "k", Alg: "ES256", State: store.KeyNext, Public: []byte("{}"), Private: []byte{1}, CreatedAt: t0}))
	must(t, db.AppendAudit(ctx, &store.AuditEvent{Time: t0, Action: "login"}))
	micros := "integer:1772600767000008"
	cases := []struct{ name, query, want string }{
		{"tenant created_at", "SELECT created_at FROM tenants", micros},
		{"user without roles", "SELECT roles FROM users WHERE id = 'usr'", "text:'[]'"},
		{"user without attributes", "SELECT attributes FROM users WHERE id = 'usr'", "text:'{}'"},
		{"user roles", "SELECT roles FROM users WHERE id = 'u2'", `text:'["a","b"]'`},
		{"user attributes", "SELECT attributes FROM users WHERE id = 'u2'", `text:'{"cpf":"1"}'`},
		{"user external", "SELECT external FROM users WHERE id = 'u2'", "integer:1"},
		{"user disabled", "SELECT disabled FROM users WHERE id = 'u2'", "integer:0"},
		{"user seq", "SELECT seq FROM users WHERE id = 'u2'", "integer:2"},
		{"user updated_at", "SELECT updated_at FROM users WHERE id = 'u2'", "integer:1772600768000008"},
		{"client public", "SELECT public FROM clients WHERE id = 'c2'", "integer:1"},
		{"client grants", "SELECT grants FROM clients WHERE id = 'c2'", `text:'["password"]'`},
		{"client without redirect URIs", "SELECT redirect_uris FROM clients WHERE id = 'c2'", "text:'[]'"},
		{"client without post-logout URIs", "SELECT post_logout_uris FROM clients WHERE id = 'c2'", "text:'[]'"},
		{"client without origins", "SELECT origins FROM clients WHERE id = 'c2'", "text:'[]'"},
		{"client access_ttl", "SELECT access_ttl FROM clients WHERE id = 'c2'", "integer:60000000000"},
		{"client grace", "SELECT grace FROM clients WHERE id = 'c2'", "integer:10000000000"},
		{"session revoked_at", "SELECT revoked_at FROM sessions", "null:NULL"},
		{"session without a browser", "SELECT browser_id FROM sessions", "text:''"},
		{"session without auth_time", "SELECT auth_time FROM sessions", "null:NULL"},
		{"session expires_at", "SELECT expires_at FROM sessions", "integer:1772687167000008"},
		{"token hash", "SELECT hash FROM refresh_tokens", "blob:X'66697273742D746F6B656E2D686173682D303132333435363738396162636465'"},
		{"token parent", "SELECT parent_hash FROM refresh_tokens", "null:NULL"},
		{"token used_at", "SELECT used_at FROM refresh_tokens", "null:NULL"},
		{"key activated_at", "SELECT activated_at FROM signing_keys", "null:NULL"},
		{"key public", "SELECT public_jwk FROM signing_keys", "blob:X'7B7D'"},
		{"audit time", "SELECT time FROM audit_events", micros},
	}
	raw := rawDB(t, path)
	for _, tc := range cases {
		var got string
		if err := raw.QueryRow("WITH x(v) AS (" + tc.query + ") SELECT typeof(v) || ':' || quote(v) FROM x").Scan(&got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: %s = %s, want %s", tc.name, tc.query, got, tc.want)
		}
	}
}

// TestReadFormat writes rows by hand in the stored format and reads them
// through the store: NULL times are zero, empty JSON lists and maps are
// nil, any non-zero integer is true, and times come back in UTC.
func TestReadFormat(t *testing.T) {
	db, path := openTemp(t)
	ctx := context.Background()
	raw := rawDB(t, path)
	if _, err := raw.Exec(`
		INSERT INTO tenants(id, slug, name, type, code, created_at) VALUES ('ten', 'acme', 'Acme', 'matriz', 7, 1772600767000008);
		INSERT INTO users(id, tenant_id, login, seq, roles, external, attributes, disabled, created_at, updated_at)
			VALUES ('u1', 'ten', 'alice', 3, '[]', 2, '{}', 0, 1772600767000008, 1772600767000008),
			       ('u2', 'ten', 'bob', 4, '["x"]', 0, '{"k":"v"}', 1, 1772600767000008, 1772600767000008);
		INSERT INTO clients(id, tenant_id, alg, grants, access_ttl, idle_ttl, absolute_ttl, grace, created_at)
			VALUES ('c', 'ten', 'ES256', '["a","b"]', 60000000000, 3600000000000, 86400000000000, 0, 1772600767000008);
		INSERT INTO signing_keys(id, alg, state, public_jwk, private_key, created_at, activated_at)
			VALUES ('k', 'ES256', 'current', x'7b7d', x'01', 1772600767000008, 1772600768000008);`); err != nil {
		t.Fatal(err)
	}
	u1, err := db.GetUser(ctx, "u1")
	must(t, err)
	want1 := &store.User{ID: "u1", TenantID: "ten", Login: "alice", Seq: 3, External: true, CreatedAt: t0, UpdatedAt: t0}
	if !reflect.DeepEqual(u1, want1) {
		t.Errorf("GetUser(u1) = %+v\nwant %+v", u1, want1)
	}
	u2, err := db.GetUser(ctx, "u2")
	must(t, err)
	if !reflect.DeepEqual(u2.Roles, []string{"x"}) || u2.Attributes["k"] != "v" || !u2.Disabled || u2.External {
		t.Errorf("GetUser(u2) = %+v, want roles [x], k=v, disabled, not external", u2)
	}
	c, err := db.GetClient(ctx, "c")
	must(t, err)
	wantC := &store.Client{ID: "c", TenantID: "ten", Alg: "ES256", Grants: []string{"a", "b"}, AccessTTL: time.Minute,
		IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, CreatedAt: t0}
	if !reflect.DeepEqual(c, wantC) {
		t.Errorf("GetClient = %+v\nwant %+v", c, wantC)
	}
	keys, err := db.ListKeys(ctx)
	must(t, err)
	wantK := []*store.Key{{ID: "k", Alg: "ES256", State: "current", Public: []byte("{}"), Private: []byte{1},
		CreatedAt: t0, ActivatedAt: t0.Add(time.Second)}}
	if !reflect.DeepEqual(keys, wantK) {
		t.Errorf("ListKeys = %+v\nwant %+v", keys, wantK)
	}
	if loc := u1.CreatedAt.Location(); loc != time.UTC {
		t.Errorf("CreatedAt location = %v, want UTC", loc)
	}
}

// TestTimePrecision stores a time with nanoseconds in a non-UTC zone: it
// comes back truncated to the microsecond, in UTC, and equal as an instant.
func TestTimePrecision(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 4, 2, 6, 7, 8999, time.FixedZone("BRT", -3*3600))
	must(t, db.CreateTenant(ctx, &store.Tenant{ID: "t", Slug: "t", Name: "n", Code: 1, CreatedAt: at}))
	got, err := db.GetTenant(ctx, "t")
	must(t, err)
	if want := at.Truncate(time.Microsecond).UTC(); got.CreatedAt != want {
		t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, want)
	}
}

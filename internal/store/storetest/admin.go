package storetest

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// adminCases are the conformance cases of the administration verbs
// (issue 13); Run runs them with the others.
var adminCases = []struct {
	name string
	fn   func(*testing.T, store.Store)
}{
	{"TenantCodes", testTenantCodes},
	{"ConflictNamesField", testConflictField},
	{"UpdateTenant", testUpdateTenant},
	{"FindUsers", testFindUsers},
	{"UpdateDeleteUser", testUpdateDeleteUser},
	{"UpdateDeleteClient", testUpdateDeleteClient},
	{"AuditFilter", testAuditFilter},
}

// testTenantCodes checks that a zero code is allocated by the store, one
// above the highest, and that creations racing each other still get
// distinct codes (PostgreSQL's concurrent inserts read the same max).
func testTenantCodes(t *testing.T, s store.Store) {
	first := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "a", Code: 41, CreatedAt: t0}
	must(t, s.CreateTenant(ctx(t), first))
	next := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "b", CreatedAt: t0}
	must(t, s.CreateTenant(ctx(t), next))
	if next.Code != 42 {
		t.Errorf("CreateTenant(code 0) after code 41 set code %d, want 42", next.Code)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	got := make([]int64, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tn := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "c", CreatedAt: t0}
			errs[i] = s.CreateTenant(ctx(t), tn)
			got[i] = tn.Code
		}()
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i := range n {
		if errs[i] != nil || seen[got[i]] {
			t.Errorf("concurrent CreateTenant #%d = code %d, %v; want a fresh code", i, got[i], errs[i])
		}
		seen[got[i]] = true
	}
}

// testConflictField checks that a uniqueness conflict names the field in
// plain words on every backend, is ErrConflict, and does not quote the
// driver.
func testConflictField(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	cases := []struct {
		name  string
		err   error
		field string
	}{
		{"slug", s.CreateTenant(ctx(t), &store.Tenant{ID: id("ten"), Slug: f.tenant.Slug, Name: "x", Code: nextCode(), CreatedAt: t0}), "slug"},
		{"code", s.CreateTenant(ctx(t), &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "x", Code: f.tenant.Code, CreatedAt: t0}), "code"},
		{"login", s.CreateUser(ctx(t), &store.User{ID: id("usr"), TenantID: f.tenant.ID, Login: "ALICE", CreatedAt: t0, UpdatedAt: t0}), "login"},
		{"client id", s.CreateClient(ctx(t), &store.Client{ID: f.client.ID, TenantID: f.tenant.ID, Alg: "ES256", CreatedAt: t0}), "client_id"},
	}
	for _, tc := range cases {
		var ce *store.ConflictError
		if !errors.Is(tc.err, store.ErrConflict) || !errors.As(tc.err, &ce) || ce.Field != tc.field {
			t.Errorf("%s: error %v, want a ConflictError naming %q", tc.name, tc.err, tc.field)
			continue
		}
		if want := tc.field + " is already taken"; tc.err.Error() != want {
			t.Errorf("%s: message %q, want %q", tc.name, tc.err.Error(), want)
		}
	}
}

// testUpdateTenant checks that name and type change, slug and code do
// not, and an unknown id is ErrNotFound.
func testUpdateTenant(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	up := *f.tenant
	up.Name, up.Type, up.Slug, up.Code = "New name", "filial", "changed", 999999
	must(t, s.UpdateTenant(ctx(t), &up))
	got, err := s.GetTenant(ctx(t), f.tenant.ID)
	must(t, err)
	want := *f.tenant
	want.Name, want.Type = "New name", "filial"
	if *got != want {
		t.Errorf("GetTenant after UpdateTenant = %+v, want %+v", got, want)
	}
	if err := s.UpdateTenant(ctx(t), &store.Tenant{ID: "nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateTenant(unknown) = %v, want ErrNotFound", err)
	}
}

// testFindUsers checks the filter (substring of login, e-mail or name in
// any case, LIKE wildcards taken literally, disabled) and paging by
// sequence number.
func testFindUsers(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	for _, l := range []string{"bob", "carol", "dave_x", "erin"} {
		must(t, s.CreateUser(ctx(t), &store.User{ID: id("usr"), TenantID: f.tenant.ID, Login: l, Name: "N " + l, CreatedAt: t0, UpdatedAt: t0}))
	}
	carol, err := s.UserByLogin(ctx(t), f.tenant.ID, "carol")
	must(t, err)
	must(t, s.SetDisabled(ctx(t), carol.ID, true, t0))
	yes, no := true, false
	cases := []struct {
		name string
		f    store.UserFilter
		want []string
	}{
		{"all", store.UserFilter{}, []string{"Alice", "bob", "carol", "dave_x", "erin"}},
		{"page 1", store.UserFilter{Limit: 2}, []string{"Alice", "bob"}},
		{"page 2", store.UserFilter{Limit: 2, AfterSeq: 2}, []string{"carol", "dave_x"}},
		{"query login any case", store.UserFilter{Query: "ER"}, []string{"erin"}},
		{"query email", store.UserFilter{Query: "example.com"}, []string{"Alice"}},
		{"query name", store.UserFilter{Query: "n bo"}, []string{"bob"}},
		{"wildcard literal", store.UserFilter{Query: "_"}, []string{"dave_x"}},
		{"percent literal", store.UserFilter{Query: "%"}, nil},
		{"disabled", store.UserFilter{Disabled: &yes}, []string{"carol"}},
		{"enabled", store.UserFilter{Disabled: &no, Query: "a"}, []string{"Alice", "dave_x"}},
	}
	for _, tc := range cases {
		tc.f.TenantID = f.tenant.ID
		us, err := s.FindUsers(ctx(t), tc.f)
		must(t, err)
		var got []string
		for _, u := range us {
			got = append(got, u.Login)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindUsers(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// testUpdateDeleteUser checks that UpdateUser changes the profile, roles
// and attributes only (never the login or password hash), and DeleteUser
// revokes the user's sessions and browser sessions and removes the user;
// both report an unknown id as ErrNotFound.
func testUpdateDeleteUser(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	up := *f.user
	up.Email, up.Name, up.Code, up.PermissionRole = "a2@example.com", "Alice B", "C1", "ops"
	up.Roles, up.Attributes = []string{"x", "y"}, map[string]string{"k": "v"}
	up.Login, up.PasswordHash, up.UpdatedAt = "mallory", "other", t0.Add(time.Hour)
	must(t, s.UpdateUser(ctx(t), &up))
	got, err := s.GetUser(ctx(t), f.user.ID)
	must(t, err)
	want := up
	want.Login, want.PasswordHash = f.user.Login, f.user.PasswordHash
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("GetUser after UpdateUser = %+v\nwant %+v", got, &want)
	}
	if err := s.UpdateUser(ctx(t), &store.User{ID: "nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateUser(unknown) = %v, want ErrNotFound", err)
	}
	sess, _ := newSession(t, s, f)
	b := newBrowser(t, s, f, f.user.ID)
	at := t0.Add(2 * time.Hour)
	must(t, s.DeleteUser(ctx(t), f.user.ID, at))
	if _, err := s.GetUser(ctx(t), f.user.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetUser after DeleteUser = %v, want ErrNotFound", err)
	}
	if got, err := s.GetSession(ctx(t), sess.ID); err != nil || !got.RevokedAt.Equal(at) || got.RevokeReason != "user_deleted" {
		t.Errorf("the deleted user's session = %+v, %v; want revoked at %v for user_deleted", got, err, at)
	}
	if got, err := s.BrowserSessionByHash(ctx(t), b.Hash); err != nil || !got.RevokedAt.Equal(at) {
		t.Errorf("the deleted user's browser session = %+v, %v; want revoked at %v", got, err, at)
	}
	if err := s.DeleteUser(ctx(t), f.user.ID, at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteUser twice = %v, want ErrNotFound", err)
	}
}

// testUpdateDeleteClient checks UpdateClient (settings change; id,
// tenant, kind and secrets do not), SetClientSecret and DeleteClient.
func testUpdateDeleteClient(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	up := *f.client
	up.Name, up.AppCode, up.Alg, up.Grants, up.Scopes = "web2", "app", "RS256", []string{"client_credentials"}, []string{"a"}
	up.RedirectURIs, up.PostLogoutURIs, up.Origins, up.Dialects = []string{"https://x/cb"}, []string{"https://x/out"}, []string{"https://x"}, []string{"hdi"}
	up.AccessTTL, up.IdleTTL, up.AbsoluteTTL, up.Grace = time.Minute, 2*time.Minute, 3*time.Minute, 0
	up.Public, up.SecretHash = true, "changed"
	must(t, s.UpdateClient(ctx(t), &up))
	got, err := s.GetClient(ctx(t), f.client.ID)
	must(t, err)
	want := up
	want.Public, want.SecretHash = f.client.Public, f.client.SecretHash
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("GetClient after UpdateClient = %+v\nwant %+v", got, &want)
	}
	rot := store.SecretRotation{Hash: "new", PrevHash: "old", PrevUntil: t0.Add(time.Hour)}
	must(t, s.SetClientSecret(ctx(t), f.client.ID, rot))
	got, err = s.GetClient(ctx(t), f.client.ID)
	must(t, err)
	if got.SecretHash != "new" || got.PrevSecretHash != "old" || !got.PrevSecretUntil.Equal(rot.PrevUntil) {
		t.Errorf("GetClient after SetClientSecret = %q, %q, %v; want new, old, %v", got.SecretHash, got.PrevSecretHash, got.PrevSecretUntil, rot.PrevUntil)
	}
	for name, err := range map[string]error{
		"UpdateClient":    s.UpdateClient(ctx(t), &store.Client{ID: "nope"}),
		"SetClientSecret": s.SetClientSecret(ctx(t), "nope", rot),
	} {
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s(unknown) = %v, want ErrNotFound", name, err)
		}
	}
	sess, _ := newSession(t, s, f)
	at := t0.Add(2 * time.Hour)
	must(t, s.DeleteClient(ctx(t), f.client.ID, at))
	if _, err := s.GetClient(ctx(t), f.client.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetClient after DeleteClient = %v, want ErrNotFound", err)
	}
	if got, err := s.GetSession(ctx(t), sess.ID); err != nil || !got.RevokedAt.Equal(at) || got.RevokeReason != "client_deleted" {
		t.Errorf("the deleted client's session = %+v, %v; want revoked at %v for client_deleted", got, err, at)
	}
	if err := s.DeleteClient(ctx(t), f.client.ID, at); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteClient twice = %v, want ErrNotFound", err)
	}
}

// testAuditFilter checks every audit filter field, newest first, and the
// BeforeID cursor.
func testAuditFilter(t *testing.T, s store.Store) {
	ev := func(min int, tenant, user, client, sess, action string) *store.AuditEvent {
		return &store.AuditEvent{Time: t0.Add(time.Duration(min) * time.Minute), TenantID: tenant, UserID: user,
			ClientID: client, SessionID: sess, Action: action, Outcome: "success"}
	}
	must(t, s.AppendAudit(ctx(t),
		ev(0, "t1", "u1", "c1", "s1", "login"), ev(1, "t1", "u1", "c1", "s1", "refresh.rotated"),
		ev(2, "t1", "u2", "c2", "s2", "login"), ev(3, "t2", "u3", "c3", "s3", "login"),
		ev(4, "t1", "", "c1", "", "admin.client.updated")))
	actions := func(f store.AuditFilter) []string {
		es, err := s.ListAudit(ctx(t), f)
		must(t, err)
		var out []string
		for _, e := range es {
			out = append(out, e.Time.Sub(t0).String())
		}
		return out
	}
	all := actions(store.AuditFilter{})
	if len(all) != 5 || all[0] != "4m0s" || all[4] != "0s" {
		t.Fatalf("ListAudit() = %v, want 5 events newest first", all)
	}
	es, err := s.ListAudit(ctx(t), store.AuditFilter{Limit: 2})
	must(t, err)
	cases := []struct {
		name string
		f    store.AuditFilter
		want []string
	}{
		{"tenant", store.AuditFilter{TenantID: "t2"}, []string{"3m0s"}},
		{"user", store.AuditFilter{UserID: "u1"}, []string{"1m0s", "0s"}},
		{"client", store.AuditFilter{ClientID: "c1"}, []string{"4m0s", "1m0s", "0s"}},
		{"session", store.AuditFilter{SessionID: "s2"}, []string{"2m0s"}},
		{"action", store.AuditFilter{Action: "login", TenantID: "t1"}, []string{"2m0s", "0s"}},
		{"since until", store.AuditFilter{Since: t0.Add(time.Minute), Until: t0.Add(3 * time.Minute)}, []string{"2m0s", "1m0s"}},
		{"next page", store.AuditFilter{BeforeID: es[1].ID, Limit: 2}, []string{"2m0s", "1m0s"}},
	}
	for _, tc := range cases {
		if got := actions(tc.f); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ListAudit(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

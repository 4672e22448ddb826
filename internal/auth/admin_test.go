package auth_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestRotateClientSecret: during the overlap both secrets authenticate,
// after it only the new one, and the client's refresh tokens keep
// rotating throughout, authenticated by whichever secret (issue 13,
// acceptance 3). A second rotation ends the first secret at once.
func TestRotateClientSecret(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	old := f.secret
	rt := f.login(t, f.conf).RefreshToken
	// The overlap stays inside the fixture's one-hour idle timeout, so
	// the session outlives it.
	r, err := f.svc.RotateClientSecret(ctx, auth.CLI, f.tenant.ID, f.conf.ID, 30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Secret, "rn_cs_") || !r.PreviousUntil.Equal(f.clock.Now().Add(30*time.Minute)) {
		t.Fatalf("RotateClientSecret = %.8s…, until %v", r.Secret, r.PreviousUntil)
	}
	refreshWith := func(when, secret string) {
		t.Helper()
		c, err := f.svc.AuthenticateClient(ctx, f.conf.ID, secret, true)
		if err != nil {
			t.Fatalf("%s: AuthenticateClient = %v", when, err)
		}
		g, err := f.svc.Refresh(ctx, auth.RefreshRequest{Client: c, Token: rt})
		if err != nil {
			t.Fatalf("%s: Refresh = %v", when, err)
		}
		rt = g.RefreshToken
	}
	refreshWith("overlap, old secret", old)
	refreshWith("overlap, new secret", r.Secret)
	f.clock.Advance(30 * time.Minute)
	if _, err := f.svc.AuthenticateClient(ctx, f.conf.ID, old, true); err == nil {
		t.Error("AuthenticateClient(old secret) after the overlap = nil, want invalid_client")
	}
	refreshWith("after overlap, new secret", r.Secret)

	// A rotation during an overlap keeps only the secret it replaces.
	r2, err := f.svc.RotateClientSecret(ctx, auth.CLI, f.tenant.ID, f.conf.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	r3, err := f.svc.RotateClientSecret(ctx, auth.CLI, f.tenant.ID, f.conf.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{r.Secret, r2.Secret} {
		if _, err := f.svc.AuthenticateClient(ctx, f.conf.ID, s, true); err == nil {
			t.Errorf("AuthenticateClient(%.8s…) after a rotation with overlap 0 = nil, want invalid_client", s)
		}
	}
	refreshWith("after the third rotation", r3.Secret)
	_, err = f.svc.RotateClientSecret(ctx, auth.CLI, f.tenant.ID, f.pub.ID, time.Hour)
	wantError(t, "RotateClientSecret(public client)", err, auth.InvalidRequest, "")
	_, err = f.svc.RotateClientSecret(ctx, auth.CLI, f.tenant.ID, f.conf.ID, 31*24*time.Hour)
	wantError(t, "RotateClientSecret(overlap 31 days)", err, auth.InvalidRequest, "")
}

// TestAdminTenantScope: an actor limited to one tenant gets not_found for
// every record of another tenant (never forbidden, so tenants cannot be
// enumerated), cannot create tenants, and cannot grant renova:admin:all.
func TestAdminTenantScope(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	other := f.newTenant(t, "other", 2)
	a := auth.Actor{ID: "tenant-admin", Tenant: other.ID}
	_, err := f.svc.GetUser(ctx, a, f.tenant.ID, f.user.ID)
	wantError(t, "GetUser(other tenant)", err, auth.NotFound, "")
	_, err = f.svc.GetUser(ctx, a, other.ID, f.user.ID) // the right tenant in the path, a user of another
	wantError(t, "GetUser(user of another tenant)", err, auth.NotFound, "")
	_, err = f.svc.GetClient(ctx, a, other.ID, f.conf.ID)
	wantError(t, "GetClient(client of another tenant)", err, auth.NotFound, "")
	_, err = f.svc.AdminTenant(ctx, a, f.tenant.Slug)
	wantError(t, "AdminTenant(other tenant)", err, auth.NotFound, "")
	err = f.svc.CreateTenant(ctx, a, &store.Tenant{Slug: "new"})
	wantError(t, "CreateTenant(tenant admin)", err, auth.InsufficientScope, "")
	_, err = f.svc.CreateClient(ctx, a, other.ID, &store.Client{Scopes: []string{auth.ScopeAdminAll}, Grants: []string{"client_credentials"}})
	wantError(t, "CreateClient(renova:admin:all by a tenant admin)", err, auth.InsufficientScope, "")
	ts, err := f.svc.ListTenants(ctx, a)
	if err != nil || len(ts) != 1 || ts[0].ID != other.ID {
		t.Errorf("ListTenants(tenant admin) = %v, %v; want only its own tenant", ts, err)
	}
}

// TestAdminCursors: pages chain through their cursors, and a cursor
// tampered with, or used on another listing, is refused naming the
// field.
func TestAdminCursors(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	for _, l := range []string{"bob", "carol", "dave"} {
		f.newUser(t, f.tenant.ID, l, "a long enough passphrase")
	}
	var logins []string
	q := auth.UserQuery{Limit: 3}
	for range 3 {
		p, err := f.svc.ListUsers(ctx, auth.CLI, f.tenant.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range p.Users {
			logins = append(logins, u.Login)
		}
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if strings.Join(logins, ",") != "alice,bob,carol,dave" {
		t.Errorf("paged ListUsers = %v, want alice..dave once each", logins)
	}
	p, err := f.svc.ListUsers(ctx, auth.CLI, f.tenant.ID, auth.UserQuery{Limit: 1})
	if err != nil || p.Next == "" {
		t.Fatalf("ListUsers(limit 1) = %v, %v", p, err)
	}
	other := f.newTenant(t, "other", 2)
	enc, mac, _ := strings.Cut(p.Next, ".")
	bad := map[string]string{
		"garbage":        "xyz",
		"flipped mac":    enc + "." + strings.ToUpper(mac[:1]) + mac[1:],
		"forged payload": "dXNlcnN8dGVuX2RlbW98OTk." + mac,
	}
	for name, c := range bad {
		_, err := f.svc.ListUsers(ctx, auth.CLI, f.tenant.ID, auth.UserQuery{Cursor: c})
		if ae := wantError(t, "ListUsers(cursor "+name+")", err, auth.InvalidRequest, ""); ae != nil && ae.Field != "cursor" {
			t.Errorf("ListUsers(cursor %s) field = %q, want cursor", name, ae.Field)
		}
	}
	_, err = f.svc.ListUsers(ctx, auth.CLI, other.ID, auth.UserQuery{Cursor: p.Next})
	wantError(t, "ListUsers(cursor of another tenant)", err, auth.InvalidRequest, "")
	_, err = f.svc.QueryAudit(ctx, auth.CLI, auth.AuditQuery{TenantID: f.tenant.ID, Cursor: p.Next})
	wantError(t, "QueryAudit(cursor of a user listing)", err, auth.InvalidRequest, "")
}

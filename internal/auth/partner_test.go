package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
)

// TestPartnerUser: issue 14. A partner gets its own external user for an
// unknown id, a local account's name and another partner's user alike;
// finds it again; may use an operator-made external user that belongs to
// no partner; is never handed a local account; and admit runs only
// before a creation.
func TestPartnerUser(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	admits := 0
	admit := func() error { admits++; return nil }
	get := func(partner, id string) *auth.User {
		t.Helper()
		u, err := f.svc.PartnerUser(ctx, f.tenant.ID, partner, id, admit)
		if err != nil {
			t.Fatalf("PartnerUser(%s, %s) = %v", partner, id, err)
		}
		return u
	}
	for _, id := range []string{"12345678900", userLogin} {
		u := get("p1", id)
		if !u.External || u.PasswordHash != "" || u.Login != auth.PartnerLogin("p1", id) ||
			u.Attributes[auth.AttrPartner] != "p1" || auth.ExternalID(u) != id || u.ID == f.user.ID {
			t.Errorf("PartnerUser(p1, %s) = %+v, want p1's own external user", id, *u)
		}
		if again := get("p1", id); again.ID != u.ID {
			t.Errorf("PartnerUser(p1, %s) again = %s, want %s", id, again.ID, u.ID)
		}
		if p2 := get("p2", id); p2.ID == u.ID {
			t.Errorf("PartnerUser(p2, %s) = p1's user, want one of p2's own", id)
		}
		if !auth.NamedBy(u, "p1", id) || auth.NamedBy(u, "p1", "someone-else") {
			t.Errorf("NamedBy(%s) wrong", id)
		}
	}
	if admits != 4 {
		t.Errorf("admit ran %d times, want 4 (once per creation)", admits)
	}

	shared := &auth.User{TenantID: f.tenant.ID, Login: "98765432100", External: true}
	if err := f.svc.NewUser(ctx, shared, ""); err != nil {
		t.Fatal(err)
	}
	if u := get("p1", "98765432100"); u.ID != shared.ID || auth.ExternalID(u) != "98765432100" {
		t.Errorf("PartnerUser of an operator-made external user = %+v, want it", *u)
	}

	full := errors.New("full")
	_, err := f.svc.PartnerUser(ctx, f.tenant.ID, "p3", "new", func() error { return full })
	if !errors.Is(err, full) {
		t.Errorf("PartnerUser with a refusing admit = %v, want its error", err)
	}

	squat := &auth.User{TenantID: f.tenant.ID, Login: auth.PartnerLogin("p1", "x")}
	if err := f.svc.NewUser(ctx, squat, ""); err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.PartnerUser(ctx, f.tenant.ID, "p1", "x", admit)
	wantError(t, "PartnerUser(local account in the partner's namespace)", err, auth.InvalidGrant, auth.ReasonCredentials)
}

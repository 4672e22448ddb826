package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestCheckPasswordPolicy: at least MinPasswordLen characters (runes, not
// bytes; default 10, issue 14), at most 1024 bytes, never the user's
// login name or e-mail in any case, never a common password.
func TestCheckPasswordPolicy(t *testing.T) {
	const login, email = "Alice.Smith", "alice.smith@example.test"
	cases := []struct {
		name   string
		minLen int // 0: the default
		pw     string
		ok     bool
	}{
		{"empty", 0, "", false},
		{"nine characters", 0, "123456789", false},
		{"ten characters", 0, "k3v9x2m7q1", true},
		{"nine runes in more than ten bytes", 0, "çãõéíóúâê", false},
		{"ten runes", 0, "çãõéíóúâêô", true},
		{"1024 bytes", 0, strings.Repeat("x", 1024), true},
		{"1025 bytes", 0, strings.Repeat("x", 1025), false},
		{"the login name", 0, login, false},
		{"the login name in other case", 0, "alice.SMITH", false},
		{"the e-mail", 0, strings.ToUpper(email), false},
		{"the login name and more", 0, login + "!", true},
		{"a common password", 0, "1234567890", false},
		{"a common password in other case", 0, "PassWord123", false},
		{"a lower minimum", 6, "k3v9x2", true},
		{"under a lower minimum", 6, "12345", false},
		{"a higher minimum", 16, "123456789012345", false},
	}
	base := newFixture(t, auth.Config{})
	for _, tc := range cases {
		f := base.with(auth.Config{MinPasswordLen: tc.minLen})
		err := f.svc.CheckPasswordPolicy(tc.pw, login, email)
		if tc.ok {
			if err != nil {
				t.Errorf("CheckPasswordPolicy(%s) = %v, want nil", tc.name, err)
			}
			continue
		}
		wantError(t, "CheckPasswordPolicy("+tc.name+")", err, auth.InvalidRequest, "")
	}
}

// TestNewUser: the login is trimmed, the password hashed, and a taken
// login or a weak password refused as the client's mistake.
func TestNewUser(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	u := &store.User{TenantID: f.tenant.ID, Login: "  dave  "}
	if err := f.svc.NewUser(ctx, u, "a good password"); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.ID, "usr_") || got.Login != "dave" || !strings.HasPrefix(got.PasswordHash, "$argon2id$") ||
		!got.CreatedAt.Equal(f.clock.Now()) || strings.Contains(got.PasswordHash, "a good password") {
		t.Errorf("stored user = %+v", *got)
	}
	// A taken login is a conflict (409 on the admin API, issue 13); a
	// weak password is the request's fault.
	cases := []struct {
		name string
		u    store.User
		pw   string
		code string
	}{
		{"login taken", store.User{TenantID: f.tenant.ID, Login: userLogin}, userPass, auth.Conflict},
		{"login taken, padded", store.User{TenantID: f.tenant.ID, Login: " dave"}, userPass, auth.Conflict},
		{"weak password", store.User{TenantID: f.tenant.ID, Login: "erin"}, "short", auth.InvalidRequest},
		{"password is the login name", store.User{TenantID: f.tenant.ID, Login: "frederica.p"}, "Frederica.P", auth.InvalidRequest},
	}
	for _, tc := range cases {
		err := f.svc.NewUser(ctx, &tc.u, tc.pw)
		wantError(t, "NewUser("+tc.name+")", err, tc.code, "")
	}
	if _, err := f.svc.User(ctx, "usr_unknown"); err == nil || auth.AsError(err) != nil {
		t.Errorf("User(unknown) = %v, want an internal not-found error", err)
	}
}

// TestChangePassword: the current password is checked, the new one must
// differ and pass the policy; on success every other session of the user
// is revoked and the kept one stays (PRODUCT.md §2.5).
func TestChangePassword(t *testing.T) {
	const next = "a brand new password"
	cases := []struct {
		name     string
		current  string
		next     string
		disabled bool
		code     string // "" for success
		reason   string
	}{
		{"success", userPass, next, false, "", ""},
		{"wrong current password", "wrong password", next, false, auth.InvalidGrant, auth.ReasonCredentials},
		{"same password", userPass, userPass, false, auth.InvalidRequest, ""},
		{"weak new password", userPass, "short", false, auth.InvalidRequest, ""},
		{"new password is the e-mail", userPass, userLogin + "@example.test", false, auth.InvalidRequest, ""},
		{"nine characters", userPass, "123456789", false, auth.InvalidRequest, ""},
		{"disabled user", userPass, next, true, auth.InvalidGrant, auth.ReasonCredentials},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, auth.Config{})
			ctx := context.Background()
			keep, other := f.login(t, f.conf), f.login(t, f.pub)
			if tc.disabled {
				if err := f.st.SetDisabled(ctx, f.user.ID, true, f.clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
			err := f.svc.ChangePassword(ctx, f.user.ID, tc.current, tc.next, keep.Session.ID, auth.Meta{})
			if tc.code != "" {
				wantError(t, "ChangePassword", err, tc.code, tc.reason)
				if f.session(t, other.Session.ID).Revoked() {
					t.Error("a refused password change revoked a session")
				}
				return
			}
			if err != nil {
				t.Fatalf("ChangePassword = %v", err)
			}
			if s := f.session(t, other.Session.ID); !s.Revoked() || s.RevokeReason != "password_changed" {
				t.Errorf("other session revoked = %v (%s), want password_changed", s.Revoked(), s.RevokeReason)
			}
			if f.session(t, keep.Session.ID).Revoked() {
				t.Error("the kept session was revoked")
			}
			_, _, err = f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: userLogin, Password: userPass})
			wantError(t, "Login(old password)", err, auth.InvalidGrant, auth.ReasonCredentials)
			if _, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: userLogin, Password: next}); err != nil {
				t.Errorf("Login(new password) = %v", err)
			}
		})
	}
}

// TestSetPasswordAndDisable: the admin paths revoke the user's sessions.
func TestSetPasswordAndDisable(t *testing.T) {
	cases := []struct {
		name   string
		act    func(f *fixture, keep string) error
		keep   bool // the first session is kept
		reason string
		login  string // password that logs in afterwards; "" for none
	}{
		{"set password, keep none", func(f *fixture, keep string) error {
			return f.svc.SetPassword(context.Background(), f.user.ID, "set by an admin", "", auth.Meta{})
		}, false, "password_changed", "set by an admin"},
		{"set password, keep one", func(f *fixture, keep string) error {
			return f.svc.SetPassword(context.Background(), f.user.ID, "set by an admin", keep, auth.Meta{})
		}, true, "password_changed", "set by an admin"},
		{"disable", func(f *fixture, keep string) error {
			return f.svc.DisableUser(context.Background(), f.user.ID, auth.Meta{})
		}, false, "user_disabled", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, auth.Config{})
			first, second := f.login(t, f.conf), f.login(t, f.pub)
			if err := tc.act(f, first.Session.ID); err != nil {
				t.Fatal(err)
			}
			for i, g := range []*auth.Grant{first, second} {
				s := f.session(t, g.Session.ID)
				if want := !(tc.keep && i == 0); s.Revoked() != want || (want && s.RevokeReason != tc.reason) {
					t.Errorf("session %d revoked = %v (%s), want %v (%s)", i, s.Revoked(), s.RevokeReason, want, tc.reason)
				}
			}
			for _, pw := range []string{userPass, "set by an admin"} {
				_, _, err := f.svc.Login(context.Background(), auth.LoginRequest{Client: f.conf, Username: userLogin, Password: pw})
				if pw == tc.login {
					if err != nil {
						t.Errorf("Login(%q) = %v", pw, err)
					}
					continue
				}
				wantError(t, "Login("+pw+")", err, auth.InvalidGrant, auth.ReasonCredentials)
			}
		})
	}
	f := newFixture(t, auth.Config{})
	err := f.svc.SetPassword(context.Background(), f.user.ID, "short", "", auth.Meta{})
	wantError(t, "SetPassword(weak)", err, auth.InvalidRequest, "")
}

// TestExternalUser: a partner-named user is created once, without a
// password, and found again; a local account of that name is refused
// like bad credentials (HDI).
func TestExternalUser(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	u, err := f.svc.ExternalUser(ctx, f.tenant.ID, "12345678900")
	if err != nil {
		t.Fatal(err)
	}
	if !u.External || u.PasswordHash != "" || u.Attributes["external_id"] != "12345678900" || u.TenantID != f.tenant.ID {
		t.Errorf("ExternalUser = %+v, want an external user without a password", *u)
	}
	again, err := f.svc.ExternalUser(ctx, f.tenant.ID, "12345678900")
	if err != nil || again.ID != u.ID {
		t.Errorf("ExternalUser again = %v, %v; want the same user %s", again, err, u.ID)
	}
	other := f.newTenant(t, "other", 2)
	elsewhere, err := f.svc.ExternalUser(ctx, other.ID, "12345678900")
	if err != nil || elsewhere.ID == u.ID {
		t.Errorf("ExternalUser in another tenant = %v, %v; want a user of its own", elsewhere, err)
	}
	_, err = f.svc.ExternalUser(ctx, f.tenant.ID, userLogin)
	wantError(t, "ExternalUser(local account)", err, auth.InvalidGrant, auth.ReasonCredentials)
}

// TestTenants: tenants are read by id (cached) and by slug; an unknown
// slug is store.ErrNotFound, for the surfaces to answer 404.
func TestTenants(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	got, err := f.svc.Tenant(ctx, f.tenant.ID)
	if err != nil || got.Slug != "demo" {
		t.Errorf("Tenant(%s) = %v, %v", f.tenant.ID, got, err)
	}
	got, err = f.svc.TenantBySlug(ctx, "demo")
	if err != nil || got.ID != f.tenant.ID {
		t.Errorf("TenantBySlug(demo) = %v, %v", got, err)
	}
	if _, err := f.svc.TenantBySlug(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TenantBySlug(nope) = %v, want store.ErrNotFound", err)
	}
	if _, err := f.svc.Tenant(ctx, "ten_nope"); err == nil {
		t.Error("Tenant(unknown) = nil error")
	}
	if f.svc.Issuer() != "https://renova.test" || !f.svc.Now().Equal(f.clock.Now()) {
		t.Errorf("Issuer, Now = %s, %v", f.svc.Issuer(), f.svc.Now())
	}
}

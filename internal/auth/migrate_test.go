package auth_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/store"
)

// loginVia logs name in on the confidential client at a mount with up.
func (f *fixture) loginVia(up *upstream, name, pw string) error {
	_, _, err := f.svc.Login(context.Background(), auth.LoginRequest{Client: f.conf, Username: name, Password: pw,
		Meta: auth.Meta{IP: "192.0.2.9"}, Legacy: &auth.Legacy{Upstream: up}})
	return err
}

// TestMigratePassword: an unknown user's login is checked once against
// the legacy system, then the user exists with an argon2id hash and the
// legacy system is never asked again; a user with a local hash is never
// sent there; a wrong password is the normal answer.
func TestMigratePassword(t *testing.T) {
	f := newFixture(t, auth.Config{})
	up := newUpstream()
	up.pws["carol"] = "old system password"
	up.user = &auth.LegacyUser{Login: "carol", Email: "carol@example.test", Name: "Carol", Tenant: "demo"}
	steps := []struct {
		name      string
		login, pw string
		fail      error
		code      string // "" means success
		wantCalls int32
	}{
		{"wrong password", "carol", "guess", nil, auth.InvalidGrant, 1},
		{"legacy down", "carol", "old system password", fmt.Errorf("%w: dial", legacy.ErrUnavailable), auth.TemporarilyUnavailable, 2},
		{"migrated", "carol", "old system password", nil, "", 3},
		{"local from now on", "carol", "old system password", legacy.ErrUnavailable, "", 3},
		{"wrong password stays local", "carol", "guess", nil, auth.InvalidGrant, 3},
		{"local user never sent", userLogin, "wrong", nil, auth.InvalidGrant, 3},
		{"local user logs in", userLogin, userPass, nil, "", 3},
	}
	for _, s := range steps {
		up.fail = s.fail
		err := f.loginVia(up, s.login, s.pw)
		code := ""
		if ae := auth.AsError(err); ae != nil {
			code = ae.Code
		} else if err != nil {
			code = err.Error()
		}
		if code != s.code || up.calls.Load() != s.wantCalls {
			t.Errorf("%s: Login = %v after %d calls; want %q after %d", s.name, err, up.calls.Load(), s.code, s.wantCalls)
		}
	}
	u, err := f.st.UserByLogin(context.Background(), f.tenant.ID, "carol")
	if err != nil || u.PasswordHash == "" || u.Name != "Carol" {
		t.Fatalf("migrated user = %+v, %v; want carol with a hash", u, err)
	}
	counts, _ := f.st.LegacyCounts(context.Background())
	if len(counts) != 1 || counts[0].Kind != store.LegacyPassword || counts[0].Count != 1 {
		t.Errorf("LegacyCounts = %v, want one password", counts)
	}
	f.log.Flush()
	if ev, _ := f.st.ListAudit(context.Background(), store.AuditFilter{Action: "password.migrated"}); len(ev) != 1 {
		t.Errorf("password.migrated events = %d, want 1", len(ev))
	}
}

// TestMigrateThrottled: once an account is throttled, its attempts never
// reach the legacy system.
func TestMigrateThrottled(t *testing.T) {
	f := newFixture(t, auth.Config{LoginAccountLimit: 3})
	up := newUpstream()
	for range 3 {
		if err := f.loginVia(up, "mallory", "guess"); auth.AsError(err) == nil || auth.AsError(err).Code != auth.InvalidGrant {
			t.Fatalf("Login(mallory) = %v, want invalid_grant", err)
		}
	}
	before := up.calls.Load()
	err := f.loginVia(up, "mallory", "guess")
	if ae := auth.AsError(err); ae == nil || ae.Reason != auth.ReasonThrottled || up.calls.Load() != before {
		t.Errorf("throttled Login = %v with %d more calls; want throttled with none", err, up.calls.Load()-before)
	}
}

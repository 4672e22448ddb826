package auth_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestErrorString: the message names the code, the reason, the safe
// description and the logged cause, each only when present.
func TestErrorString(t *testing.T) {
	cause := errors.New("disk on fire")
	cases := []struct {
		err  *auth.Error
		want string
	}{
		{&auth.Error{Code: auth.InvalidClient}, "invalid_client"},
		{&auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonReused}, "invalid_grant (reused)"},
		{&auth.Error{Code: auth.InvalidScope, Description: "no"}, "invalid_scope: no"},
		{&auth.Error{Code: auth.ServerError, Reason: "r", Description: "d", Cause: cause}, "server_error (r): d: disk on fire"},
	}
	for _, tc := range cases {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

// TestAsError: an *auth.Error is found through wrapping, and its cause
// through Unwrap; anything else is internal (nil).
func TestAsError(t *testing.T) {
	e := &auth.Error{Code: auth.TemporarilyUnavailable, Cause: store.ErrUnavailable}
	if got := auth.AsError(fmt.Errorf("refresh: %w", e)); got != e {
		t.Errorf("AsError(wrapped) = %v, want the *auth.Error", got)
	}
	if !errors.Is(e, store.ErrUnavailable) {
		t.Error("errors.Is does not reach the cause")
	}
	for _, err := range []error{nil, store.ErrNotFound, fmt.Errorf("x: %w", store.ErrConflict)} {
		if got := auth.AsError(err); got != nil {
			t.Errorf("AsError(%v) = %v, want nil", err, got)
		}
	}
}

// TestStoreUnavailable: when the store does not answer in time, every
// entry point answers temporarily_unavailable with a Retry-After, never
// invalid_grant or invalid_client, and a refresh token is not consumed
// (PRODUCT.md §2: a loser past the bound gets 503, never invalid_grant).
func TestStoreUnavailable(t *testing.T) {
	base := newFixture(t, auth.Config{})
	live := base.login(t, base.conf)
	f := base.with(auth.Config{}) // empty client and tenant caches
	late, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	cases := []struct {
		name string
		call func() error
	}{
		{"Refresh", func() error {
			_, err := f.svc.Refresh(late, auth.RefreshRequest{Client: f.conf, Token: live.RefreshToken})
			return err
		}},
		{"Refresh bound to a session", func() error {
			_, err := f.svc.Refresh(late, auth.RefreshRequest{Client: f.conf, Token: live.RefreshToken, RequireSession: live.Session.ID})
			return err
		}},
		{"Login", func() error {
			_, _, err := f.svc.Login(late, auth.LoginRequest{Client: f.conf, Username: userLogin, Password: userPass})
			return err
		}},
		{"AuthenticateClient", func() error {
			_, err := f.svc.AuthenticateClient(late, f.conf.ID, f.secret, true)
			return err
		}},
		{"Introspect a refresh token", func() error {
			_, err := f.svc.Introspect(late, f.conf, live.RefreshToken)
			return err
		}},
		{"Introspect an access token", func() error {
			_, err := f.svc.Introspect(late, f.conf, live.AccessToken)
			return err
		}},
		{"Revoke", func() error { return f.svc.Revoke(late, f.conf, live.RefreshToken, auth.Meta{}) }},
		{"Logout", func() error { return f.svc.Logout(late, live.Session.ID, auth.Meta{}) }},
	}
	for _, tc := range cases {
		ae := wantError(t, tc.name, tc.call(), auth.TemporarilyUnavailable, "")
		if ae.RetryAfter != time.Second || !errors.Is(ae, store.ErrUnavailable) {
			t.Errorf("%s: Retry-After %v, cause %v; want 1s and store.ErrUnavailable", tc.name, ae.RetryAfter, ae.Cause)
		}
	}
	if got := f.count(t, "renova_login_total", "failure"); got != 1 {
		t.Errorf("renova_login_total{failure} = %v, want 1", got)
	}
	if g := f.mustRefresh(t, live.RefreshToken); g.Replayed {
		t.Error("the token was consumed by a request that got 503")
	}
	if s := f.session(t, live.Session.ID); s.Revoked() {
		t.Error("a 503 revoked the session")
	}
}

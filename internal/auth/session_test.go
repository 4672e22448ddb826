package auth_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestRevoke: RFC 7009 revocation of a refresh or an access token revokes
// its whole session; a token of another client, an unknown token or
// garbage changes nothing and is still answered with success.
func TestRevoke(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	cases := []struct {
		name string
		// tok picks the token to revoke from a fresh session on the
		// confidential client (g, already rotated once into next).
		tok     func(g, next *auth.Grant) string
		by      *store.Client
		advance time.Duration
		revoked bool
	}{
		{"live refresh token", func(g, next *auth.Grant) string { return next.RefreshToken }, f.conf, 0, true},
		{"used refresh token of the session", func(g, next *auth.Grant) string { return g.RefreshToken }, f.conf, 0, true},
		{"access token", func(g, next *auth.Grant) string { return next.AccessToken }, f.conf, 0, true},
		{"expired access token of a live session", func(g, next *auth.Grant) string { return next.AccessToken }, f.conf, accessTTL + time.Minute, true},
		{"refresh token, by another client", func(g, next *auth.Grant) string { return next.RefreshToken }, f.pub, 0, false},
		{"access token, by another client", func(g, next *auth.Grant) string { return next.AccessToken }, f.pub, 0, false},
		{"refresh token never issued", func(g, next *auth.Grant) string { return forge(t) }, f.conf, 0, false},
		{"garbage", func(g, next *auth.Grant) string { return "not a token" }, f.conf, 0, false},
		{"access token without a session", func(g, next *auth.Grant) string { return clientToken(t, f) }, f.conf, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := f.login(t, f.conf)
			next := f.mustRefresh(t, g.RefreshToken)
			tok := tc.tok(g, next)
			f.clock.Advance(tc.advance)
			if err := f.svc.Revoke(ctx, tc.by, tok, auth.Meta{IP: "192.0.2.3"}); err != nil {
				t.Fatalf("Revoke = %v, want nil", err)
			}
			s := f.session(t, g.Session.ID)
			if s.Revoked() != tc.revoked {
				t.Fatalf("session revoked = %v, want %v", s.Revoked(), tc.revoked)
			}
			_, err := f.refresh(next.RefreshToken)
			if !tc.revoked {
				if err != nil {
					t.Errorf("Refresh after a refused revocation = %v", err)
				}
				return
			}
			wantError(t, "Refresh after Revoke", err, auth.InvalidGrant, auth.ReasonSessionRevoked)
			if s.RevokeReason != "revoked" || !s.RevokedAt.Equal(f.clock.Now()) {
				t.Errorf("session revoked at %v for %q, want now for %q", s.RevokedAt, s.RevokeReason, "revoked")
			}
			want := []string{"login/", "refresh.rotated/", "session.revoked/revoked", "refresh.rejected/session_revoked"}
			if got := f.audit(t, s.ID); !slices.Equal(got, want) {
				t.Errorf("audit = %v, want %v", got, want)
			}
		})
	}
}

// clientToken returns a client_credentials access token: no session.
func clientToken(t *testing.T, f *fixture) string {
	t.Helper()
	g, err := f.svc.ClientCredentials(context.Background(), f.conf, "")
	if err != nil {
		t.Fatal(err)
	}
	return g.AccessToken
}

// TestRevokeKeepsFirstReason: revoking a revoked session again keeps the
// first reason and time.
func TestRevokeKeepsFirstReason(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	g := f.login(t, f.conf)
	if err := f.svc.Logout(ctx, g.Session.ID, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	at := f.clock.Now()
	f.clock.Advance(time.Minute)
	if err := f.svc.Revoke(ctx, f.conf, g.RefreshToken, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	if s := f.session(t, g.Session.ID); s.RevokeReason != "logout" || !s.RevokedAt.Equal(at) {
		t.Errorf("session revoked at %v for %q, want %v for logout", s.RevokedAt, s.RevokeReason, at)
	}
	if err := f.svc.Logout(ctx, "ses_unknown", auth.Meta{}); err != nil {
		t.Errorf("Logout(unknown session) = %v, want nil", err)
	}
}

// TestRevokeUser: "log out everywhere" revokes every session of the user
// except the one kept, and no one else's (PRODUCT.md §2.5).
func TestRevokeUser(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	bob := f.newUser(t, f.tenant.ID, "bob", userPass)
	mine := []*auth.Grant{f.login(t, f.conf), f.login(t, f.conf), f.login(t, f.pub)}
	theirs, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: "bob", Password: userPass})
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.svc.RevokeUser(ctx, f.user.ID, mine[0].Session.ID, "logout_all", auth.Meta{})
	if err != nil || n != 2 {
		t.Fatalf("RevokeUser = %d, %v; want 2 sessions", n, err)
	}
	want := map[string]bool{mine[0].Session.ID: false, mine[1].Session.ID: true, mine[2].Session.ID: true, theirs.Session.ID: false}
	for id, revoked := range want {
		if s := f.session(t, id); s.Revoked() != revoked || (revoked && s.RevokeReason != "logout_all") {
			t.Errorf("session %s revoked = %v (%s), want %v", id, s.Revoked(), s.RevokeReason, revoked)
		}
	}
	if n, err := f.svc.RevokeUser(ctx, bob.ID, "", "logout_all", auth.Meta{}); err != nil || n != 1 {
		t.Errorf("RevokeUser(bob) = %d, %v; want 1", n, err)
	}
}

// TestIntrospect: RFC 7662. A token is active only while it could be
// used: a live access token of a live session, or the live refresh token;
// an inactive answer carries nothing else, and a client of another tenant
// learns nothing.
func TestIntrospect(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	other := f.newTenant(t, "other", 2)
	foreign, _ := f.newClient(t, &store.Client{ID: "foreign", TenantID: other.ID})
	cases := []struct {
		name string
		// tok returns the token asked about, from a fresh session rotated
		// once (g → next).
		tok     func(t *testing.T, g, next *auth.Grant) string
		by      *store.Client
		advance time.Duration
		want    string // token type when active; "" for inactive
	}{
		{"live access token", func(t *testing.T, g, next *auth.Grant) string { return next.AccessToken }, f.conf, 0, "access_token"},
		{"live access token, asked by another client of the tenant", func(t *testing.T, g, next *auth.Grant) string { return next.AccessToken }, f.pub, 0, "access_token"},
		{"access token of the parent, still unexpired", func(t *testing.T, g, next *auth.Grant) string { return g.AccessToken }, f.conf, 0, "access_token"},
		{"live refresh token", func(t *testing.T, g, next *auth.Grant) string { return next.RefreshToken }, f.conf, 0, "refresh_token"},
		{"client credentials token", func(t *testing.T, g, next *auth.Grant) string { return clientToken(t, f) }, f.conf, 0, "access_token"},
		{"used refresh token, inside the grace window", func(t *testing.T, g, next *auth.Grant) string { return g.RefreshToken }, f.conf, 0, ""},
		{"expired access token", func(t *testing.T, g, next *auth.Grant) string { return next.AccessToken }, f.conf, accessTTL, ""},
		{"refresh token past the idle timeout", func(t *testing.T, g, next *auth.Grant) string { return next.RefreshToken }, f.conf, idleTTL, ""},
		{"access token of a revoked session", func(t *testing.T, g, next *auth.Grant) string { return revoked(t, f, next).AccessToken }, f.conf, 0, ""},
		{"refresh token of a revoked session", func(t *testing.T, g, next *auth.Grant) string { return revoked(t, f, next).RefreshToken }, f.conf, 0, ""},
		{"access token, asked by another tenant", func(t *testing.T, g, next *auth.Grant) string { return next.AccessToken }, foreign, 0, ""},
		{"refresh token, asked by another tenant", func(t *testing.T, g, next *auth.Grant) string { return next.RefreshToken }, foreign, 0, ""},
		{"refresh token never issued", func(t *testing.T, g, next *auth.Grant) string { return forge(t) }, f.conf, 0, ""},
		{"garbage", func(t *testing.T, g, next *auth.Grant) string { return "eyJhbGciOiJub25lIn0.e30." }, f.conf, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := f.login(t, f.conf)
			f.clock.Advance(time.Second)
			next := f.mustRefresh(t, g.RefreshToken)
			tok := tc.tok(t, g, next)
			f.clock.Advance(tc.advance)
			in, err := f.svc.Introspect(ctx, tc.by, tok)
			if err != nil {
				t.Fatalf("Introspect = %v", err)
			}
			if tc.want == "" {
				if *in != (auth.Introspection{}) {
					t.Errorf("Introspect = %+v, want inactive and nothing else", *in)
				}
				return
			}
			checkActive(t, f, in, tc.want, next)
		})
	}
}

// revoked logs out the session of g and returns g.
func revoked(t *testing.T, f *fixture, g *auth.Grant) *auth.Grant {
	t.Helper()
	if err := f.svc.Logout(context.Background(), g.Session.ID, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	return g
}

// checkActive asserts an active answer about a token of next's session
// (or, for a session-less token, of the confidential client).
func checkActive(t *testing.T, f *fixture, in *auth.Introspection, typ string, next *auth.Grant) {
	t.Helper()
	if !in.Active || in.TokenType != typ || in.ClientID != f.conf.ID || in.Tenant != "demo" {
		t.Fatalf("Introspect = %+v, want an active %s of client %s in demo", *in, typ, f.conf.ID)
	}
	if in.SessionID == "" { // client credentials
		if in.Subject != f.conf.ID || in.Scope != "openid profile email" {
			t.Errorf("Introspect = %+v, want the client as subject", *in)
		}
		return
	}
	s := f.session(t, next.Session.ID)
	if in.SessionID != s.ID || in.Subject != f.user.ID || in.Scope != s.Scope {
		t.Errorf("Introspect = %+v, want session %s of %s", *in, s.ID, f.user.ID)
	}
	if typ == "refresh_token" && (!in.ExpiresAt.Equal(s.IdleExpiresAt) || !in.IssuedAt.Equal(s.LastUsedAt)) {
		t.Errorf("refresh token issued %v expires %v, want %v and the idle expiry %v", in.IssuedAt, in.ExpiresAt, s.LastUsedAt, s.IdleExpiresAt)
	}
	if typ == "access_token" && in.ExpiresAt.Sub(in.IssuedAt) != accessTTL {
		t.Errorf("access token issued %v expires %v, want %v apart", in.IssuedAt, in.ExpiresAt, accessTTL)
	}
}

// TestAuthenticate: a bearer access token works on the user endpoints of
// the client it was issued to, while its session is live.
func TestAuthenticate(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	cases := []struct {
		name    string
		tok     func(t *testing.T, g *auth.Grant) string
		by      *store.Client
		advance time.Duration
		ok      bool
	}{
		{"live token of the client", func(t *testing.T, g *auth.Grant) string { return g.AccessToken }, f.conf, accessTTL - time.Second, true},
		{"token of the previous generation, after a rotation", func(t *testing.T, g *auth.Grant) string {
			f.mustRefresh(t, g.RefreshToken) // refreshing must not invalidate the access token in flight
			return g.AccessToken
		}, f.conf, time.Minute, true},
		{"token of another client", func(t *testing.T, g *auth.Grant) string { return g.AccessToken }, f.pub, 0, false},
		{"expired token", func(t *testing.T, g *auth.Grant) string { return g.AccessToken }, f.conf, accessTTL, false},
		{"session revoked", func(t *testing.T, g *auth.Grant) string { return revoked(t, f, g).AccessToken }, f.conf, 0, false},
		{"session idle before the token expires", func(t *testing.T, g *auth.Grant) string { return shortSession(t, f).AccessToken }, f.conf, time.Minute, false},
		{"token without a session", func(t *testing.T, g *auth.Grant) string { return clientToken(t, f) }, f.conf, 0, false},
		{"a refresh token", func(t *testing.T, g *auth.Grant) string { return g.RefreshToken }, f.conf, 0, false},
		{"garbage", func(t *testing.T, g *auth.Grant) string { return "Bearer x" }, f.conf, 0, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := f.login(t, f.conf)
			tok := tc.tok(t, g)
			f.clock.Advance(tc.advance)
			claims, sess, err := f.svc.Authenticate(ctx, tc.by, tok)
			if !tc.ok {
				ae := wantError(t, "Authenticate", err, auth.InvalidToken, "")
				if claims != nil || sess != nil || ae.Description == "" {
					t.Errorf("Authenticate = %v, %v, %q; want nothing but the error", claims, sess, ae.Description)
				}
				return
			}
			if err != nil || claims.Subject != f.user.ID || sess.ID != g.Session.ID {
				t.Errorf("Authenticate = %v, %v, %v; want the user and session %s", claims, sess, err, g.Session.ID)
			}
		})
	}
}

// shortSession opens a session whose first token idles out after a
// minute, as HDI's codeToken does.
func shortSession(t *testing.T, f *fixture) *auth.Grant {
	t.Helper()
	g, err := f.svc.OpenSession(context.Background(), auth.OpenRequest{Client: f.conf, User: f.user, FirstIdle: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestOpenSessionFirstIdle: FirstIdle bounds only the first token; the
// rotation then applies the client's idle timeout (HDI's codeToken).
func TestOpenSessionFirstIdle(t *testing.T) {
	f := newFixture(t, auth.Config{})
	cases := []struct {
		name    string
		advance time.Duration
		want    string
	}{
		{"used inside the first idle", time.Minute - time.Second, ""},
		{"first idle passed", time.Minute, auth.ReasonExpiredIdle},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := shortSession(t, f)
			start := f.clock.Now()
			if s := f.session(t, g.Session.ID); !s.IdleExpiresAt.Equal(start.Add(time.Minute)) {
				t.Errorf("first idle expiry %v, want a minute from now", s.IdleExpiresAt)
			}
			f.clock.Advance(tc.advance)
			next, err := f.refresh(g.RefreshToken)
			if tc.want != "" {
				wantError(t, "Refresh", err, auth.InvalidGrant, tc.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkExpiry(t, f, next.Session.ID, start, f.clock.Now())
		})
	}
}

// TestOpenSessionRefusesDisabled: a session is never opened for a disabled
// user, whatever authenticated them.
func TestOpenSessionRefusesDisabled(t *testing.T) {
	f := newFixture(t, auth.Config{})
	u := *f.user
	u.Disabled = true
	g, err := f.svc.OpenSession(context.Background(), auth.OpenRequest{Client: f.conf, User: &u})
	wantError(t, "OpenSession(disabled)", err, auth.InvalidGrant, auth.ReasonCredentials)
	if g != nil {
		t.Error("OpenSession returned a grant with its error")
	}
	sessions, err := f.st.ListSessions(context.Background(), store.SessionFilter{UserID: u.ID})
	if err != nil || len(sessions) != 0 {
		t.Errorf("sessions of the disabled user = %d, %v; want none", len(sessions), err)
	}
}

// TestRefreshMetrics: every rotation outcome is a metric, so theft is
// visible (PRODUCT.md §2).
func TestRefreshMetrics(t *testing.T) {
	f := newFixture(t, auth.Config{})
	g := f.login(t, f.conf)
	next := f.mustRefresh(t, g.RefreshToken)
	if again := f.mustRefresh(t, g.RefreshToken); !again.Replayed {
		t.Fatal("the repeat inside the grace window was not a replay")
	}
	f.clock.Advance(idleTTL)
	_, err := f.refresh(next.RefreshToken)
	wantError(t, "Refresh(idle)", err, auth.InvalidGrant, auth.ReasonExpiredIdle)
	_, err = f.refresh("junk")
	wantError(t, "Refresh(junk)", err, auth.InvalidGrant, auth.ReasonMalformed)
	_, err = f.refresh(forge(t))
	wantError(t, "Refresh(forged)", err, auth.InvalidGrant, auth.ReasonUnknown)
	h := f.login(t, f.conf)
	f.mustRefresh(t, h.RefreshToken)
	f.clock.Advance(grace + time.Second)
	_, err = f.refresh(h.RefreshToken)
	wantError(t, "Refresh(reused)", err, auth.InvalidGrant, auth.ReasonReused)
	want := map[string]float64{"rotated": 2, "grace_replay": 1, auth.ReasonExpiredIdle: 1, auth.ReasonMalformed: 1,
		auth.ReasonUnknown: 1, auth.ReasonReused: 1, auth.ReasonSessionRevoked: 0}
	for outcome, n := range want {
		if got := f.count(t, "renova_refresh_total", outcome); got != n {
			t.Errorf("renova_refresh_total{%s} = %v, want %v", outcome, got, n)
		}
	}
	if !slices.Contains(f.audit(t, g.Session.ID), "refresh.grace_replay/") {
		t.Error("the grace replay was not audited")
	}
}

// TestRevokeSessionByID: an operator's revocation of one session by id
// ends it and is audited with the actor and reason; an unknown id is
// ErrNotFound.
func TestRevokeSessionByID(t *testing.T) {
	f := newFixture(t, auth.Config{})
	g := f.login(t, f.conf)
	if err := f.svc.RevokeSession(context.Background(), g.Session.ID, "admin", "cli", auth.Meta{}); err != nil {
		t.Fatalf("RevokeSession = %v", err)
	}
	if _, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: f.conf, Token: g.RefreshToken}); auth.AsError(err) == nil ||
		auth.AsError(err).Reason != auth.ReasonSessionRevoked {
		t.Errorf("refresh after RevokeSession = %v, want session_revoked", err)
	}
	if got := f.audit(t, g.Session.ID); !slices.Contains(got, "session.revoked/admin") {
		t.Errorf("audit = %v, want session.revoked/admin", got)
	}
	if err := f.svc.RevokeSession(context.Background(), "ses_nope", "admin", "cli", auth.Meta{}); !errors.Is(err, auth.ErrNotFound) {
		t.Errorf("RevokeSession(unknown) = %v, want ErrNotFound", err)
	}
}

// TestIntrospectEndedSession: an access token that is itself unexpired but
// whose session reached its absolute lifetime is inactive, as
// Authenticate already treats it (it was reported active).
func TestIntrospectEndedSession(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	g := f.login(t, f.conf)
	// Refresh inside the idle timeout up to 5 minutes before the session's
	// absolute end (3 h): its last access token lives 15 minutes, so it
	// outlives the session, which ends 6 minutes later.
	for _, step := range []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 25 * time.Minute} {
		f.clock.Advance(step)
		g = f.mustRefresh(t, g.RefreshToken)
	}
	f.clock.Advance(6 * time.Minute)
	if !f.clock.Now().Before(g.ExpiresAt) {
		t.Fatalf("test setup: the access token expired at %v, before the session (now %v)", g.ExpiresAt, f.clock.Now())
	}
	in, err := f.svc.Introspect(ctx, f.conf, g.AccessToken)
	if err != nil || in.Active {
		t.Errorf("Introspect(access token of an ended session) = %+v, %v; want inactive", in, err)
	}
	if _, _, err := f.svc.Authenticate(ctx, f.conf, g.AccessToken); err == nil {
		t.Errorf("Authenticate accepted the access token of an ended session")
	}
}

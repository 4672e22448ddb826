package auth_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// TestRefreshRotates: a live, unused token is claimed and replaced by
// exactly one successor in the same session, with a new access token
// (PRODUCT.md §2.1).
func TestRefreshRotates(t *testing.T) {
	f := newFixture(t, auth.Config{})
	first := f.login(t, f.conf)
	f.clock.Advance(time.Minute)
	g := f.mustRefresh(t, first.RefreshToken)
	if g.RefreshToken == first.RefreshToken || g.RefreshToken == "" {
		t.Fatalf("Refresh returned %.12s…, want a new refresh token", g.RefreshToken)
	}
	if g.Replayed {
		t.Error("Refresh of an unused token: Replayed = true, want false")
	}
	if g.Session.ID != first.Session.ID || g.Session.Generation != 2 {
		t.Errorf("Refresh session = %s gen %d, want %s gen 2", g.Session.ID, g.Session.Generation, first.Session.ID)
	}
	if g.ExpiresIn() != int64(accessTTL/time.Second) || !g.IssuedAt.Equal(f.clock.Now()) {
		t.Errorf("Refresh access token: issued %v, expires in %ds; want now and %v", g.IssuedAt, g.ExpiresIn(), accessTTL)
	}
	var claims token.Claims
	if err := f.svc.Verifier().Parse(g.AccessToken, &claims, token.Options{}); err != nil {
		t.Fatalf("the rotated access token does not verify: %v", err)
	}
	if claims.Subject != f.user.ID || claims.SessionID != first.Session.ID || claims.ClientID != f.conf.ID ||
		claims.Tenant != "demo" || claims.Scope != "openid profile email" {
		t.Errorf("access token claims = sub %s sid %s client %s tenant %s scope %q", claims.Subject, claims.SessionID,
			claims.ClientID, claims.Tenant, claims.Scope)
	}
	st, err := f.st.RefreshState(context.Background(), mustParse(t, first.RefreshToken).Hash())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Token.Used() || st.Child == nil || string(st.Child.Hash) != string(mustParse(t, g.RefreshToken).Hash()) {
		t.Errorf("store after rotation: parent used=%v, child %v; want used and the returned successor", st.Token.Used(), st.Child)
	}
	want := []string{"login/", "refresh.rotated/"}
	if got := f.audit(t, first.Session.ID); !slices.Equal(got, want) {
		t.Errorf("audit = %v, want %v", got, want)
	}
}

// TestRefreshSuccessorIsDerived: the successor is an HMAC of the parent
// under Config.SuccessorKey (PRODUCT.md §2.2): recoverable without being
// stored, and a different key gives a different one.
func TestRefreshSuccessorIsDerived(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	f := newFixture(t, auth.Config{SuccessorKey: key})
	first := f.login(t, f.conf)
	g := f.mustRefresh(t, first.RefreshToken)
	parent := mustParse(t, first.RefreshToken)
	if want := parent.Successor(key).String(); g.RefreshToken != want {
		t.Errorf("Refresh = %.12s…, want the successor derived under the configured key", g.RefreshToken)
	}
	if other := parent.Successor([]byte("another key, another successor!!")).String(); g.RefreshToken == other {
		t.Error("the successor does not depend on the key")
	}
}

// TestRefreshGrace covers the grace window and reuse (PRODUCT.md §2.2,
// §2.3): only the direct parent of the live token, presented again inside
// the client's window, gets the same successor; anything else revokes the
// whole session, and only that session.
func TestRefreshGrace(t *testing.T) {
	f := newFixture(t, auth.Config{})
	graceless, _ := f.newClient(t, &store.Client{ID: "graceless", TenantID: f.tenant.ID, Grace: -1})
	cases := []struct {
		name      string
		client    *store.Client
		rotations int           // the chain R0 → R1 → … → R(rotations)
		advance   time.Duration // after the last rotation
		present   int           // index of the token presented again
		noGrace   bool
		want      int // index of the successor a replay returns; -1: reuse
	}{
		{"direct parent at once", f.conf, 1, 0, 0, false, 1},
		{"direct parent at the end of the window", f.conf, 1, grace, 0, false, 1},
		{"direct parent just after the window", f.conf, 1, grace + time.Millisecond, 0, false, -1},
		{"direct parent long after", f.conf, 1, 30 * time.Minute, 0, false, -1},
		{"after the successor was used", f.conf, 2, 0, 0, false, -1},
		{"the next direct parent replays", f.conf, 2, time.Second, 1, false, 2},
		{"three generations old", f.conf, 3, 0, 0, false, -1},
		{"two generations old", f.conf, 3, 0, 1, false, -1},
		{"NoGrace turns the window off", f.conf, 1, 0, 0, true, -1},
		{"client without a grace window", graceless, 1, 0, 0, false, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			other := f.login(t, tc.client) // a second device of the same user
			chain := []string{f.login(t, tc.client).RefreshToken}
			for range tc.rotations {
				g, err := f.svc.Refresh(ctx, auth.RefreshRequest{Client: tc.client, Token: chain[len(chain)-1]})
				if err != nil {
					t.Fatalf("rotation %d: %v", len(chain), err)
				}
				chain = append(chain, g.RefreshToken)
			}
			sid := mustSession(t, f, chain[0])
			f.clock.Advance(tc.advance)
			g, err := f.svc.Refresh(ctx, auth.RefreshRequest{Client: tc.client, Token: chain[tc.present], NoGrace: tc.noGrace})
			if tc.want >= 0 {
				checkReplay(t, f, tc.client, g, err, chain[tc.want], int64(tc.rotations+1))
				return
			}
			checkReuse(t, f, tc.client, err, sid, chain)
			if _, err := f.svc.Refresh(ctx, auth.RefreshRequest{Client: tc.client, Token: other.RefreshToken}); err != nil {
				t.Errorf("the user's other session after a reuse: %v, want it untouched", err)
			}
		})
	}
}

// checkReplay asserts a grace replay: the same successor, flagged, no new
// rotation, and the successor still usable once.
func checkReplay(t *testing.T, f *fixture, c *store.Client, g *auth.Grant, err error, want string, gen int64) {
	t.Helper()
	if err != nil {
		t.Fatalf("Refresh = %v, want a grace replay", err)
	}
	if g.RefreshToken != want || !g.Replayed {
		t.Errorf("Refresh = %.12s… replayed=%v, want the existing successor %.12s…, replayed", g.RefreshToken, g.Replayed, want)
	}
	if g.AccessToken == "" {
		t.Error("a grace replay carries no access token")
	}
	if s := f.session(t, g.Session.ID); s.Generation != gen || s.Revoked() {
		t.Errorf("session after replay: generation %d revoked %v, want %d and live", s.Generation, s.Revoked(), gen)
	}
	if got := f.audit(t, g.Session.ID); got[len(got)-1] != "refresh.grace_replay/" {
		t.Errorf("last audit event = %s, want refresh.grace_replay/", got[len(got)-1])
	}
	if _, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: c, Token: want}); err != nil {
		t.Errorf("the replayed successor does not rotate: %v", err)
	}
}

// checkReuse asserts a detected reuse: invalid_grant (reused), the session
// revoked for that reason and audited, and every token of the family dead.
func checkReuse(t *testing.T, f *fixture, c *store.Client, err error, sid string, chain []string) {
	t.Helper()
	wantError(t, "Refresh", err, auth.InvalidGrant, auth.ReasonReused)
	s := f.session(t, sid)
	if !s.Revoked() || s.RevokeReason != auth.ReasonReused || !s.RevokedAt.Equal(f.clock.Now()) {
		t.Errorf("session after reuse: revoked at %v for %q, want now for %q", s.RevokedAt, s.RevokeReason, auth.ReasonReused)
	}
	if got := f.audit(t, sid); !slices.Contains(got, "refresh.reuse/reused") {
		t.Errorf("audit = %v, want a refresh.reuse/reused event", got)
	}
	for i, rt := range chain {
		_, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: c, Token: rt})
		wantError(t, fmt.Sprintf("Refresh(R%d after reuse)", i), err, auth.InvalidGrant, auth.ReasonSessionRevoked)
	}
}

// TestRefreshExpiry: a session expires at min(last use + idle, start +
// absolute); rotation moves the first, never the second (PRODUCT.md §2.4).
// Each step advances the clock and rotates the newest token.
func TestRefreshExpiry(t *testing.T) {
	f := newFixture(t, auth.Config{})
	cases := []struct {
		name  string
		steps []time.Duration
		want  string // reason of the last step; "" for success
	}{
		{"used inside the idle timeout", []time.Duration{idleTTL - time.Second}, ""},
		{"idle timeout reached", []time.Duration{idleTTL}, auth.ReasonExpiredIdle},
		{"idle timeout passed", []time.Duration{idleTTL + time.Minute}, auth.ReasonExpiredIdle},
		{"every rotation restarts the idle timeout", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute}, ""},
		{"idle counts from the last use", []time.Duration{50 * time.Minute, idleTTL}, auth.ReasonExpiredIdle},
		{"last second of the absolute lifetime", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 29*time.Minute + 59*time.Second}, ""},
		{"rotation never extends the absolute lifetime", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 30 * time.Minute}, auth.ReasonExpiredAbsolute},
		{"absolute lifetime long past", []time.Duration{50 * time.Minute, 50 * time.Minute, 50 * time.Minute, 4 * time.Hour}, auth.ReasonExpiredAbsolute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first := f.login(t, f.conf)
			start, rt := f.clock.Now(), first.RefreshToken
			var err error
			for i, d := range tc.steps {
				f.clock.Advance(d)
				var g *auth.Grant
				g, err = f.refresh(rt)
				if err != nil {
					if i < len(tc.steps)-1 {
						t.Fatalf("step %d: %v", i, err)
					}
					break
				}
				rt = g.RefreshToken
				checkExpiry(t, f, g.Session.ID, start, f.clock.Now())
			}
			if tc.want == "" {
				if err != nil {
					t.Errorf("Refresh = %v, want a successor", err)
				}
				return
			}
			wantError(t, "Refresh", err, auth.InvalidGrant, tc.want)
			if s := f.session(t, first.Session.ID); s.Revoked() {
				t.Errorf("an expired session was revoked (%s): expiry is not reuse", s.RevokeReason)
			}
			if got := f.audit(t, first.Session.ID); got[len(got)-1] != "refresh.rejected/"+tc.want {
				t.Errorf("last audit event = %s, want refresh.rejected/%s", got[len(got)-1], tc.want)
			}
		})
	}
}

// checkExpiry asserts the stored expiries of a session started at start
// and last used at used.
func checkExpiry(t *testing.T, f *fixture, sid string, start, used time.Time) {
	t.Helper()
	s := f.session(t, sid)
	abs := start.Add(absoluteTTL)
	idle := used.Add(idleTTL)
	if abs.Before(idle) {
		idle = abs
	}
	if !s.ExpiresAt.Equal(abs) || !s.IdleExpiresAt.Equal(idle) || !s.LastUsedAt.Equal(used) {
		t.Errorf("session expiries = idle %v absolute %v last use %v; want %v, %v, %v",
			s.IdleExpiresAt, s.ExpiresAt, s.LastUsedAt, idle, abs, used)
	}
}

// TestRefreshRejects: tokens that cannot be used get invalid_grant with a
// stable reason, or the client's mistake is named; none of them claims
// the token or revokes the session unless the rule says so.
func TestRefreshRejects(t *testing.T) {
	f := newFixture(t, auth.Config{})
	noRefresh, _ := f.newClient(t, &store.Client{ID: "cc-only", TenantID: f.tenant.ID, Grants: []string{"client_credentials"}})
	cases := []struct {
		name string
		// req builds the request from a fresh session on the confidential
		// client (g) and a second one on the public client (p).
		req        func(g, p *auth.Grant) auth.RefreshRequest
		code       string
		reason     string
		audit      string // last audit event of g's session; "" for none
		usableLate bool   // g's token still rotates afterwards
	}{
		{"malformed token", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.conf, Token: "rn_rt_not-a-token"}
		}, auth.InvalidGrant, auth.ReasonMalformed, "", true},
		{"empty token", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.conf}
		}, auth.InvalidGrant, auth.ReasonMalformed, "", true},
		{"well formed but never issued", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.conf, Token: forge(t)}
		}, auth.InvalidGrant, auth.ReasonUnknown, "", true},
		{"another client's token", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.pub, Token: g.RefreshToken}
		}, auth.InvalidGrant, auth.ReasonClientMismatch, "refresh.rejected/client_mismatch", true},
		{"client without the refresh grant", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: noRefresh, Token: g.RefreshToken}
		}, auth.UnauthorizedClient, "", "", true},
		{"scope the client may not ask for", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.conf, Token: g.RefreshToken, Scope: "openid admin"}
		}, auth.InvalidScope, "", "", true},
		{"another session than required", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.conf, Token: g.RefreshToken, RequireSession: p.Session.ID}
		}, auth.InvalidGrant, auth.ReasonSessionMismatch, "refresh.session_mismatch/session_mismatch", true},
		{"required session, unknown token", func(g, p *auth.Grant) auth.RefreshRequest {
			return auth.RefreshRequest{Client: f.conf, Token: forge(t), RequireSession: g.Session.ID}
		}, auth.InvalidGrant, auth.ReasonUnknown, "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			g, p := f.login(t, f.conf), f.login(t, f.pub)
			_, err := f.svc.Refresh(ctx, tc.req(g, p))
			ae := wantError(t, "Refresh", err, tc.code, tc.reason)
			if ae.Description == "" {
				t.Error("the error has no description")
			}
			got := f.audit(t, g.Session.ID)
			if last := got[len(got)-1]; tc.audit != "" && last != tc.audit {
				t.Errorf("last audit event = %s, want %s", last, tc.audit)
			}
			if tc.audit == "" && len(got) != 1 {
				t.Errorf("audit = %v, want only the login", got)
			}
			if _, err := f.refresh(g.RefreshToken); err != nil {
				t.Errorf("the token after the refused request: %v, want it unclaimed and live", err)
			}
		})
	}
}

// TestRefreshRequireSession: a token of the required session rotates as
// usual (FormulaCerta binds the refresh token to the access token's sid).
func TestRefreshRequireSession(t *testing.T) {
	f := newFixture(t, auth.Config{})
	g := f.login(t, f.conf)
	next, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: f.conf, Token: g.RefreshToken, RequireSession: g.Session.ID})
	if err != nil || next.Session.ID != g.Session.ID || next.Session.Generation != 2 {
		t.Fatalf("Refresh(RequireSession = own session) = %v, %v; want a rotation", next, err)
	}
}

// TestRefreshRevokedSession: a token of a revoked session is refused with
// session_revoked, whoever revoked it.
func TestRefreshRevokedSession(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	cases := []struct {
		name   string
		revoke func(g *auth.Grant) error
	}{
		{"logout", func(g *auth.Grant) error { return f.svc.Logout(ctx, g.Session.ID, auth.Meta{}) }},
		{"RFC 7009 revocation", func(g *auth.Grant) error { return f.svc.Revoke(ctx, f.conf, g.RefreshToken, auth.Meta{}) }},
		{"log out everywhere", func(g *auth.Grant) error {
			_, err := f.svc.RevokeUser(ctx, f.user.ID, "", "logout_all", auth.Meta{})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := f.login(t, f.conf)
			next := f.mustRefresh(t, g.RefreshToken)
			if err := tc.revoke(next); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			for _, rt := range []string{next.RefreshToken, g.RefreshToken} {
				_, err := f.refresh(rt)
				wantError(t, "Refresh after "+tc.name, err, auth.InvalidGrant, auth.ReasonSessionRevoked)
			}
		})
	}
}

// TestRefreshScope: a refresh may narrow the session's scope for one access
// token, never widen it (RFC 6749 §6), and the narrowing does not stick.
func TestRefreshScope(t *testing.T) {
	f := newFixture(t, auth.Config{})
	cases := []struct {
		name     string
		login    string // scope asked at login
		request  string // scope asked at refresh
		want     string
		wantNext string // scope of the next refresh without a scope
	}{
		{"all of the session", "", "", "openid profile email", "openid profile email"},
		{"narrowed", "", "openid", "openid", "openid profile email"},
		{"narrowed, in the order asked", "openid profile", "profile openid", "profile openid", "openid profile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			first, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: userLogin, Password: userPass, Scope: tc.login})
			if err != nil {
				t.Fatal(err)
			}
			g, err := f.svc.Refresh(ctx, auth.RefreshRequest{Client: f.conf, Token: first.RefreshToken, Scope: tc.request})
			if err != nil {
				t.Fatalf("Refresh(scope %q) = %v", tc.request, err)
			}
			var claims token.Claims
			if err := f.svc.Verifier().Parse(g.AccessToken, &claims, token.Options{}); err != nil {
				t.Fatal(err)
			}
			if g.Scope != tc.want || claims.Scope != tc.want {
				t.Errorf("Refresh(scope %q) on a session of %q = %q (token %q), want %q", tc.request, tc.login, g.Scope, claims.Scope, tc.want)
			}
			if next := f.mustRefresh(t, g.RefreshToken); next.Scope != tc.wantNext {
				t.Errorf("next Refresh = %q, want the session's %q", next.Scope, tc.wantNext)
			}
		})
	}
}

// TestRefreshScopeNeverWidens: asking a refresh for a scope the session
// was not granted is invalid_scope (RFC 6749 §6), answered before the
// claim, so the refresh token is still good afterwards.
func TestRefreshScopeNeverWidens(t *testing.T) {
	f := newFixture(t, auth.Config{})
	ctx := context.Background()
	for _, request := range []string{"openid profile", "email"} {
		first, _, err := f.svc.Login(ctx, auth.LoginRequest{Client: f.conf, Username: userLogin, Password: userPass, Scope: "openid"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Refresh(ctx, auth.RefreshRequest{Client: f.conf, Token: first.RefreshToken, Scope: request})
		wantError(t, "Refresh(scope "+request+") on an openid session", err, auth.InvalidScope, "")
		if next := f.mustRefresh(t, first.RefreshToken); next.Scope != "openid" {
			t.Errorf("refresh after the refusal = scope %q, want the session's openid", next.Scope)
		}
	}
}

// TestRefreshNoAccessToken: a surface that mints its own access token gets
// the rotation without one (HDI).
func TestRefreshNoAccessToken(t *testing.T) {
	f := newFixture(t, auth.Config{})
	first := f.login(t, f.conf)
	g, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: f.conf, Token: first.RefreshToken, NoAccessToken: true})
	if err != nil {
		t.Fatal(err)
	}
	if g.AccessToken != "" || g.RefreshToken == "" || g.Session == nil || g.Tenant.Slug != "demo" {
		t.Errorf("Refresh(NoAccessToken) = access %q refresh %q session %v tenant %v; want only the rotation",
			g.AccessToken, g.RefreshToken, g.Session, g.Tenant)
	}
	if g.ExpiresIn() != 0 {
		t.Errorf("ExpiresIn = %d, want 0 without an access token", g.ExpiresIn())
	}
}

// mustParse parses a refresh token.
func mustParse(t *testing.T, rt string) secret.Token {
	t.Helper()
	tok, err := secret.Parse(rt)
	if err != nil {
		t.Fatalf("Parse(%.12s…) = %v", rt, err)
	}
	return tok
}

// mustSession returns the session id of a refresh token.
func mustSession(t *testing.T, f *fixture, rt string) string {
	t.Helper()
	st, err := f.st.RefreshState(context.Background(), mustParse(t, rt).Hash())
	if err != nil {
		t.Fatal(err)
	}
	return st.Session.ID
}

// forge returns a well-formed refresh token that was never issued.
func forge(t *testing.T) string {
	tok, err := secret.New(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return tok.String()
}

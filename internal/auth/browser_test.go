package auth_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestSignIn checks that the login page's sign-in answers like the
// password grant (one error for unknown user, wrong password and disabled
// user) and opens a browser session found by its cookie only.
func TestSignIn(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	off := f.newUser(t, f.tenant.ID, "off", userPass)
	if err := f.svc.DisableUser(context.Background(), off.ID, auth.Meta{}); err != nil {
		t.Fatal(err)
	}
	a := f.mustAuthorize(t, pkceRequest("openid"))
	tests := []struct{ name, user, pass string }{
		{"unknown user", "nobody", userPass},
		{"wrong password", userLogin, "wrong password"},
		{"disabled user", "off", userPass},
		{"empty user", "", userPass},
	}
	for _, tc := range tests {
		b, cookie, err := f.svc.SignIn(context.Background(), a, tc.user, tc.pass, auth.Meta{IP: "192.0.2.5"})
		wantError(t, "SignIn("+tc.name+")", err, auth.InvalidGrant, auth.ReasonCredentials)
		if b != nil || cookie != "" {
			t.Errorf("SignIn(%s) = %v, %q; want no session", tc.name, b, cookie)
		}
	}
	b, cookie := f.signIn(t, a)
	if !strings.HasPrefix(cookie, "rn_bs_") || len(cookie) < 40 || strings.Contains(string(b.Hash), cookie) {
		t.Errorf("SignIn cookie = %q, want rn_bs_ and 256 random bits", cookie)
	}
	if b.UserID != f.user.ID || b.TenantID != f.tenant.ID || !b.AuthTime.Equal(f.clock.Now()) || b.ExpiresAt.Sub(b.CreatedAt) != auth.DefaultBrowserTTL {
		t.Errorf("SignIn session = %+v", b)
	}
	got, err := f.svc.Browser(context.Background(), cookie)
	if err != nil || got.ID != b.ID {
		t.Errorf("Browser(cookie) = %v, %v; want %s", got, err, b.ID)
	}
	if got := f.audit(t, b.ID); len(got) != 1 || got[0] != "browser.login/" {
		t.Errorf("audit of %s = %v, want browser.login", b.ID, got)
	}
}

// TestSignInThrottled checks that the login throttle of the password
// grant applies to the login page.
func TestSignInThrottled(t *testing.T) {
	f := newFixture(t, auth.Config{LoginAccountLimit: 2})
	newBrowserClients(t, f)
	a := f.mustAuthorize(t, pkceRequest("openid"))
	for range 2 {
		_, _, err := f.svc.SignIn(context.Background(), a, userLogin, "wrong password", auth.Meta{IP: "192.0.2.5"})
		wantError(t, "SignIn(wrong)", err, auth.InvalidGrant, auth.ReasonCredentials)
	}
	_, _, err := f.svc.SignIn(context.Background(), a, userLogin, userPass, auth.Meta{IP: "192.0.2.5"})
	wantError(t, "SignIn(after limit)", err, auth.TemporarilyUnavailable, auth.ReasonThrottled)
}

// TestBrowser checks that a cookie stops working when unknown, expired,
// revoked or when its user is disabled or changes password.
func TestBrowser(t *testing.T) {
	tests := []struct {
		name string
		end  func(f *fixture, b *auth.BrowserSession, cookie string) string // returns the cookie to present
	}{
		{"unknown", func(f *fixture, b *auth.BrowserSession, cookie string) string { return cookie + "x" }},
		{"not ours", func(f *fixture, b *auth.BrowserSession, cookie string) string { return "abc" }},
		{"expired", func(f *fixture, b *auth.BrowserSession, cookie string) string {
			f.clock.Advance(auth.DefaultBrowserTTL)
			return cookie
		}},
		{"user disabled", func(f *fixture, b *auth.BrowserSession, cookie string) string {
			if err := f.svc.DisableUser(context.Background(), f.user.ID, auth.Meta{}); err != nil {
				panic(err)
			}
			return cookie
		}},
		{"password changed", func(f *fixture, b *auth.BrowserSession, cookie string) string {
			if err := f.svc.SetPassword(context.Background(), f.user.ID, "another good password", "", auth.Meta{}); err != nil {
				panic(err)
			}
			return cookie
		}},
		{"logged out", func(f *fixture, b *auth.BrowserSession, cookie string) string {
			if _, err := f.svc.EndSession(context.Background(), auth.EndSessionRequest{Cookie: cookie}); err != nil {
				panic(err)
			}
			return cookie
		}},
	}
	for _, tc := range tests {
		f := newFixture(t, auth.Config{})
		newBrowserClients(t, f)
		b, cookie := f.signIn(t, f.mustAuthorize(t, pkceRequest("openid")))
		f.clock.Advance(auth.DefaultBrowserTTL - time.Second)
		if _, err := f.svc.Browser(context.Background(), cookie); err != nil {
			t.Fatalf("Browser(%s) before = %v", tc.name, err)
		}
		f.clock.Advance(-auth.DefaultBrowserTTL + time.Second)
		got, err := f.svc.Browser(context.Background(), tc.end(f, b, cookie))
		if !errors.Is(err, auth.ErrNotFound) {
			t.Errorf("Browser(%s) = %v, %v; want ErrNotFound", tc.name, got, err)
		}
	}
}

// TestCode checks the code itself: opaque, single use of a browser
// session of the client's tenant.
func TestCode(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	a := f.mustAuthorize(t, pkceRequest("openid"))
	b, _ := f.signIn(t, a)
	code, err := f.svc.Code(context.Background(), a, b, auth.Meta{})
	if err != nil || !strings.HasPrefix(code, "rn_ac_") || len(code) < 40 {
		t.Errorf("Code = %q, %v; want rn_ac_ and 256 random bits", code, err)
	}
	other := *b
	other.TenantID = "ten_other"
	for name, bs := range map[string]*auth.BrowserSession{"no session": nil, "other tenant": &other} {
		_, err := f.svc.Code(context.Background(), a, bs, auth.Meta{})
		wantError(t, "Code("+name+")", err, auth.LoginRequired, "")
	}
}

// TestExchangeCode covers the token request's checks of a code (RFC 6749
// §4.1.3, RFC 7636 §4.6): each failure is invalid_grant and burns it.
func TestExchangeCode(t *testing.T) {
	conf := func(scope string) auth.AuthorizeRequest {
		r := pkceRequest(scope)
		r.ClientID, r.RedirectURI, r.CodeChallenge, r.CodeChallengeMethod = "web", webCallback, "", ""
		return r
	}
	tests := []struct {
		name     string
		req      auth.AuthorizeRequest
		client   string
		advance  time.Duration
		redirect string
		verifier string
		reason   string // "" when it succeeds
	}{
		{"public with PKCE", pkceRequest("openid"), "spa", 0, spaCallback, verifier, ""},
		{"at 59 s", pkceRequest("openid"), "spa", 59 * time.Second, spaCallback, verifier, ""},
		{"at 60 s", pkceRequest("openid"), "spa", 60 * time.Second, spaCallback, verifier, auth.ReasonCodeExpired},
		{"wrong verifier", pkceRequest("openid"), "spa", 0, spaCallback, strings.Repeat("a", 43), auth.ReasonPKCE},
		{"missing verifier", pkceRequest("openid"), "spa", 0, spaCallback, "", auth.ReasonPKCE},
		{"short verifier", pkceRequest("openid"), "spa", 0, spaCallback, verifier[:42], auth.ReasonPKCE},
		{"challenge as verifier", pkceRequest("openid"), "spa", 0, spaCallback, auth.S256(verifier), auth.ReasonPKCE},
		{"other redirect", pkceRequest("openid"), "spa", 0, spaLoopback, verifier, auth.ReasonCodeMismatch},
		{"no redirect, several registered", pkceRequest("openid"), "spa", 0, "", verifier, auth.ReasonCodeMismatch},
		{"other client", pkceRequest("openid"), "web", 0, spaCallback, verifier, auth.ReasonCodeMismatch},
		{"confidential without PKCE", conf("openid"), "web", 0, webCallback, "", ""},
		{"confidential, verifier without challenge", conf("openid"), "web", 0, webCallback, verifier, auth.ReasonPKCE},
		{"confidential with PKCE", func() auth.AuthorizeRequest {
			r := pkceRequest("openid")
			r.ClientID, r.RedirectURI = "web", webCallback
			return r
		}(), "web", 0, webCallback, verifier, ""},
		{"one registered, none sent", func() auth.AuthorizeRequest {
			r := conf("openid")
			r.ClientID, r.RedirectURI = "one", ""
			return r
		}(), "one", 0, "", "", ""},
	}
	for _, tc := range tests {
		f := newFixture(t, auth.Config{})
		bc := newBrowserClients(t, f)
		clients := map[string]*store.Client{"web": bc.web, "spa": bc.spa, "one": bc.one}
		code, _, _ := f.code(t, tc.req)
		f.clock.Advance(tc.advance)
		g, err := f.exchange(clients[tc.client], code, tc.redirect, tc.verifier)
		if tc.reason != "" {
			wantError(t, "ExchangeCode("+tc.name+")", err, auth.InvalidGrant, tc.reason)
			continue
		}
		if err != nil || g.AccessToken == "" || g.Session == nil || g.Scope != "openid" {
			t.Errorf("ExchangeCode(%s) = %+v, %v; want a grant", tc.name, g, err)
		}
	}
}

// TestExchangeUnknownCode checks codes that were never issued.
func TestExchangeUnknownCode(t *testing.T) {
	f := newFixture(t, auth.Config{})
	bc := newBrowserClients(t, f)
	for _, code := range []string{"", "rn_ac_unknown", "abc", "rn_ac_" + strings.Repeat("x", 200)} {
		_, err := f.exchange(bc.spa, code, spaCallback, verifier)
		if ae := auth.AsError(err); ae == nil || ae.Code != auth.InvalidGrant {
			t.Errorf("ExchangeCode(%q) = %v, want invalid_grant", code, err)
		}
	}
	_, err := f.exchange(f.conf, "rn_ac_unknown", webCallback, "")
	wantError(t, "ExchangeCode(client without the grant)", err, auth.UnauthorizedClient, "")
}

// TestCodeReplay checks RFC 6749 §4.1.2: a second use of a code is
// refused and revokes the session the first use opened, with an audit
// event; the refresh token it gave stops working.
func TestCodeReplay(t *testing.T) {
	f := newFixture(t, auth.Config{})
	bc := newBrowserClients(t, f)
	code, _, _ := f.code(t, pkceRequest("openid"))
	g, err := f.exchange(bc.spa, code, spaCallback, verifier)
	if err != nil {
		t.Fatalf("ExchangeCode = %v", err)
	}
	_, err = f.exchange(bc.spa, code, spaCallback, verifier)
	wantError(t, "ExchangeCode(replay)", err, auth.InvalidGrant, auth.ReasonCodeReused)
	if s := f.session(t, g.Session.ID); !s.Revoked() {
		t.Errorf("session %s after replay = %+v, want revoked", s.ID, s)
	}
	_, err = f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: bc.spa, Token: g.RefreshToken})
	wantError(t, "Refresh(after replay)", err, auth.InvalidGrant, auth.ReasonSessionRevoked)
	got := f.audit(t, g.Session.ID)
	if len(got) < 2 || got[len(got)-2] != "code.replay/code_reused" {
		t.Errorf("audit of %s = %v, want code.replay/code_reused", g.Session.ID, got)
	}
}

// TestExchangeRefreshToken checks the rule for refresh tokens: the
// client's refresh_token grant decides.
func TestExchangeRefreshToken(t *testing.T) {
	f := newFixture(t, auth.Config{})
	bc := newBrowserClients(t, f)
	req := pkceRequest("openid")
	req.ClientID, req.RedirectURI = "one", ""
	code, _, _ := f.code(t, req)
	g, err := f.exchange(bc.one, code, "", verifier)
	if err != nil || g.RefreshToken != "" || g.AccessToken == "" {
		t.Errorf("ExchangeCode(no refresh_token grant) = %+v, %v; want no refresh token", g, err)
	}
	code, _, _ = f.code(t, pkceRequest("api"))
	g, err = f.exchange(bc.spa, code, spaCallback, verifier)
	if err != nil || g.RefreshToken == "" || g.IDToken != "" {
		t.Errorf("ExchangeCode(refresh_token grant, no openid) = %+v, %v; want a refresh token, no ID token", g, err)
	}
	if s := f.session(t, g.Session.ID); s.BrowserID == "" || s.Scope != "api" {
		t.Errorf("session of the code = %+v, want its browser and scope", s)
	}
}

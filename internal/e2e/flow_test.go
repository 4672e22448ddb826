package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/apptest/browser"
	"github.com/renova-auth/renova/internal/store"
)

// TestBrowserSignIn drives issue 12's acceptance 1 end to end: the real
// login page in real headless Chromium, and golang.org/x/oauth2 with
// coreos/go-oidc as an independent relying party, for a public client
// (PKCE, no secret) and a confidential one.
func TestBrowserSignIn(t *testing.T) {
	env := startRenova(t)
	for _, tc := range []struct {
		name   string
		public bool
	}{{"public PKCE client", true}, {"confidential client", false}} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRP(t)
			c := &store.Client{ID: strings.ReplaceAll(tc.name, " ", "-"), Name: "Demo web app (" + tc.name + ")",
				Public: tc.public, Grants: []string{"authorization_code", "refresh_token"},
				Scopes:       []string{"openid", "profile", "email", "offline_access"},
				RedirectURIs: []string{r.callbackURI()}, PostLogoutURIs: []string{r.logoutURI()}}
			secret := registerClient(t, env, c)
			signIn(t, env, r, c.ID, secret, tc.public)
		})
	}
}

func signIn(t *testing.T, env *apptest.Env, r *rp, clientID, secret string, public bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ctx = oidc.ClientContext(ctx, env.HTTP)
	provider, err := oidc.NewProvider(ctx, env.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	var md struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := provider.Claims(&md); err != nil {
		t.Fatal(err)
	}
	ep := provider.Endpoint()
	ep.AuthStyle = oauth2.AuthStyleInHeader // client_secret_basic
	if public {
		ep.AuthStyle = oauth2.AuthStyleInParams // client_id only: token_endpoint_auth_method none
	}
	cfg := &oauth2.Config{ClientID: clientID, ClientSecret: secret, Endpoint: ep, RedirectURL: r.callbackURI(),
		Scopes: []string{oidc.ScopeOpenID, "profile", "email", oidc.ScopeOfflineAccess}}
	verifier := provider.Verifier(&oidc.Config{ClientID: clientID, Now: env.Clock.Now})

	// authURL builds an authorization request; the public client always
	// uses PKCE, the confidential one without it (accepted, not required).
	authURL := func(state, nonce, pkce string, extra ...oauth2.AuthCodeOption) string {
		opts := append([]oauth2.AuthCodeOption{oidc.Nonce(nonce)}, extra...)
		if pkce != "" {
			opts = append(opts, oauth2.S256ChallengeOption(pkce))
		}
		return cfg.AuthCodeURL(state, opts...)
	}
	exchange := func(code, pkce string) *oauth2.Token {
		t.Helper()
		var opts []oauth2.AuthCodeOption
		if pkce != "" {
			opts = append(opts, oauth2.VerifierOption(pkce))
		}
		tok, err := cfg.Exchange(ctx, code, opts...)
		if err != nil {
			t.Fatalf("code exchange: %v", err)
		}
		return tok
	}
	newPKCE := func() string {
		if public {
			return oauth2.GenerateVerifier()
		}
		return ""
	}

	b := browser.Start(t, browser.Options{})

	// 1. The authorization request shows the login page.
	pkce, state, nonce := newPKCE(), "st-"+oauth2.GenerateVerifier()[:16], "n-"+oauth2.GenerateVerifier()[:16]
	b.Navigate(authURL(state, nonce, pkce))
	if !strings.HasPrefix(b.URL(), env.URL+"/") {
		t.Fatalf("the authorization request left renova at once: %s", b.URL())
	}
	if !b.Has("//form//input[@type='password']") {
		t.Fatalf("no login form:\n%s", b.HTML())
	}

	// A wrong password keeps the browser on the login page.
	b.Fill("username", env.Creds.AdminLogin)
	b.Fill("password", env.Creds.AdminPass+"-wrong")
	b.Submit()
	if u := b.URL(); !strings.HasPrefix(u, env.URL+"/") {
		t.Fatalf("a wrong password led to %s", u)
	}
	select {
	case q := <-r.callbacks:
		t.Fatalf("a wrong password reached the redirect URI with %v", q)
	default:
	}
	if !b.Has("//form//input[@type='password']") {
		t.Fatalf("no login form after a wrong password:\n%s", b.HTML())
	}

	// 2. The right password sends the browser to the redirect URI with a
	// code and the state.
	b.Fill("username", env.Creds.AdminLogin)
	b.Fill("password", env.Creds.AdminPass)
	b.Submit()
	q := next(t, r.callbacks, "redirect URI after the login")
	if q.Get("state") != state || q.Get("code") == "" || q.Get("error") != "" {
		t.Fatalf("callback query %v", q)
	}
	b.WaitURL(r.callbackURI())

	// 3. Code exchange, ID token verified against the JWKS (signature,
	// iss, aud, exp, nonce, at_hash).
	tok := exchange(q.Get("code"), pkce)
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token for offline_access")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		t.Fatal("no id_token in the token response")
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	if idt.Nonce != nonce {
		t.Fatalf("ID token nonce %q, want %q", idt.Nonce, nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Fatalf("at_hash: %v", err)
	}
	var claims struct {
		AuthTime int64  `json:"auth_time"`
		SID      string `json:"sid"`
		AZP      string `json:"azp"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.AuthTime == 0 || claims.SID == "" || claims.AZP != clientID {
		t.Fatalf("ID token claims auth_time=%d sid=%q azp=%q", claims.AuthTime, claims.SID, claims.AZP)
	}

	// 4. UserInfo with the access token.
	ui, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if ui.Subject != idt.Subject || ui.Email == "" {
		t.Fatalf("userinfo sub=%q email=%q, ID token sub=%q", ui.Subject, ui.Email, idt.Subject)
	}

	// 5. Refresh through oauth2's TokenSource: a rotated refresh token and
	// an ID token for the same user, session and auth_time, without nonce.
	stale := *tok
	stale.Expiry = time.Now().Add(-time.Minute)
	fresh, err := cfg.TokenSource(ctx, &stale).Token()
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == "" || fresh.RefreshToken == tok.RefreshToken {
		t.Fatal("refresh did not rotate the tokens")
	}
	if raw2, _ := fresh.Extra("id_token").(string); raw2 != "" {
		idt2, err := verifier.Verify(ctx, raw2)
		if err != nil {
			t.Fatalf("refreshed ID token: %v", err)
		}
		var c2 struct {
			AuthTime int64  `json:"auth_time"`
			SID      string `json:"sid"`
		}
		idt2.Claims(&c2)
		if idt2.Subject != idt.Subject || c2.SID != claims.SID || c2.AuthTime != claims.AuthTime || idt2.Nonce != "" {
			t.Fatalf("refreshed ID token sub=%q sid=%q auth_time=%d nonce=%q", idt2.Subject, c2.SID, c2.AuthTime, idt2.Nonce)
		}
	} else {
		t.Fatal("no id_token on the refresh of an openid session")
	}

	// 6. SSO: prompt=none in the same browser yields a code without the
	// form, and that code works.
	pkce2, state2, nonce2 := newPKCE(), "st2-"+oauth2.GenerateVerifier()[:16], "n2-"+oauth2.GenerateVerifier()[:16]
	b.Navigate(authURL(state2, nonce2, pkce2, oauth2.SetAuthURLParam("prompt", "none")))
	q = next(t, r.callbacks, "redirect URI for prompt=none")
	if q.Get("state") != state2 || q.Get("code") == "" {
		t.Fatalf("prompt=none with a browser session: callback %v", q)
	}
	b.WaitURL(r.callbackURI())
	tok2 := exchange(q.Get("code"), pkce2)
	raw3, _ := tok2.Extra("id_token").(string)
	idt3, err := verifier.Verify(ctx, raw3)
	if err != nil {
		t.Fatalf("SSO ID token: %v", err)
	}
	if idt3.Nonce != nonce2 || idt3.Subject != idt.Subject {
		t.Fatalf("SSO ID token nonce=%q sub=%q", idt3.Nonce, idt3.Subject)
	}

	// 7. RP-initiated logout with id_token_hint and a registered
	// post-logout redirect URI.
	if md.EndSession == "" {
		t.Fatal("no end_session_endpoint")
	}
	lo := url.Values{"id_token_hint": {raw3}, "post_logout_redirect_uri": {r.logoutURI()},
		"state": {"bye"}, "client_id": {clientID}}
	b.Navigate(md.EndSession + "?" + lo.Encode())
	q = next(t, r.logouts, "post-logout redirect URI")
	if q.Get("state") != "bye" {
		t.Fatalf("post-logout redirect query %v", q)
	}

	// 8. The browser session is gone: prompt=none now answers
	// login_required, with the state, at the redirect URI.
	b.Navigate(authURL("st3", "n3", newPKCE(), oauth2.SetAuthURLParam("prompt", "none")))
	q = next(t, r.callbacks, "redirect URI for prompt=none after logout")
	if q.Get("error") != "login_required" || q.Get("state") != "st3" || q.Get("code") != "" {
		t.Fatalf("prompt=none after logout: callback %v", q)
	}

	// And the sessions that browser opened are ended with it.
	if _, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: tok2.RefreshToken, Expiry: time.Now().Add(-time.Minute)}).Token(); err == nil {
		t.Fatal("a refresh token of the logged-out browser still works")
	}
}

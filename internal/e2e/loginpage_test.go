package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/renova-auth/renova/internal/apptest/browser"
	"github.com/renova-auth/renova/internal/store"
)

// TestLoginPageInChromium checks, in real headless Chromium, what of the
// browser sign-in works without the post-login redirect (see flow_test.go):
// prompt=none without a session answers login_required at the redirect
// URI, the login page renders in English and Brazilian Portuguese (and is
// photographed), and a wrong password keeps the browser on the page with
// an alert and never reaches the client.
func TestLoginPageInChromium(t *testing.T) {
	env := startRenova(t)
	r := newRP(t)
	c := &store.Client{ID: "e2e-spa", Name: "Demo SPA", Public: true, Grants: []string{"authorization_code", "refresh_token"},
		Scopes: []string{"openid", "profile", "email"}, RedirectURIs: []string{r.callbackURI()}, PostLogoutURIs: []string{r.logoutURI()}}
	registerClient(t, env, c)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, env.HTTP), env.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	cfg := &oauth2.Config{ClientID: c.ID, Endpoint: provider.Endpoint(), RedirectURL: r.callbackURI(),
		Scopes: []string{oidc.ScopeOpenID, "profile"}}
	authURL := func(state, nonce, pkce string, extra ...oauth2.AuthCodeOption) string {
		opts := append([]oauth2.AuthCodeOption{oidc.Nonce(nonce), oauth2.S256ChallengeOption(pkce)}, extra...)
		return cfg.AuthCodeURL(state, opts...)
	}
	b := browser.Start(t, browser.Options{})

	// No browser session: prompt=none answers at once, without a page.
	b.Navigate(authURL("st-none", "n", oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("prompt", "none")))
	q := next(t, r.callbacks, "redirect URI for prompt=none")
	if q.Get("error") != "login_required" || q.Get("state") != "st-none" || q.Get("code") != "" {
		t.Fatalf("prompt=none without a session: callback %v", q)
	}

	// The login page, in both languages.
	b.Navigate(authURL("st", "n", oauth2.GenerateVerifier()))
	if !strings.HasPrefix(b.URL(), env.URL+"/") || !b.Has("//form//input[@type='password']") {
		t.Fatalf("no login page at %s:\n%s", b.URL(), b.HTML())
	}
	screenshots(t, b, env, authURL)
	for _, lang := range []struct{ code, signIn string }{{"en", "Sign in"}, {"pt-BR", "Entrar"}} {
		b.Navigate(authURL("st", "n", oauth2.GenerateVerifier(), oauth2.SetAuthURLParam("ui_locales", lang.code)))
		if !b.Has("//label[@for='username']") || !b.Has("//label[@for='password']") {
			t.Errorf("%s: the fields have no labels", lang.code)
		}
		if !b.Has("//button[@type='submit' and normalize-space(.)='" + lang.signIn + "']") {
			t.Errorf("%s: no %q button:\n%s", lang.code, lang.signIn, b.Text())
		}
	}

	// A wrong password stays on the page, says so, and never reaches the
	// client.
	b.Navigate(authURL("st", "n", oauth2.GenerateVerifier()))
	b.Fill("username", env.Creds.AdminLogin)
	b.Fill("password", env.Creds.AdminPass+"-wrong")
	b.Submit()
	if u := b.URL(); !strings.HasPrefix(u, env.URL+"/") {
		t.Fatalf("a wrong password led to %s", u)
	}
	if !b.Has("//*[@role='alert']") || !b.Has("//form//input[@type='password']") {
		t.Fatalf("no alert and form after a wrong password:\n%s", b.HTML())
	}
	select {
	case q := <-r.callbacks:
		t.Fatalf("a wrong password reached the redirect URI with %v", q)
	default:
	}
}

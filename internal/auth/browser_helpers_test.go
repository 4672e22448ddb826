package auth_test

import (
	"context"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// The browser clients' redirect URIs.
const (
	webCallback  = "https://app.test/cb"
	webCallback2 = "https://app.test/cb2"
	webLogout    = "https://app.test/bye"
	spaLoopback  = "http://127.0.0.1/callback"
	spaCallback  = "https://spa.test/cb"
	// verifier is a PKCE code_verifier (RFC 7636 appendix B).
	verifier = "dBjftJeZ4CVP-mJ0F9Ojv1cgyh9Qqn3D2KBwV-4ak3E"
)

// browserClients adds the authorization code clients to f: web
// (confidential, two redirect URIs), spa (public, loopback + https) and
// one (confidential, one redirect URI, no refresh_token grant).
type browserClients struct {
	web, spa, one *store.Client
}

func newBrowserClients(t *testing.T, f *fixture) browserClients {
	t.Helper()
	code := []string{"authorization_code", "refresh_token"}
	scopes := []string{"openid", "profile", "email", "api"}
	web, _ := f.newClient(t, &store.Client{ID: "web", TenantID: f.tenant.ID, Grants: code, Scopes: scopes,
		RedirectURIs: []string{webCallback, webCallback2, "http://127.0.0.1/cb"}, PostLogoutURIs: []string{webLogout}})
	spa, _ := f.newClient(t, &store.Client{ID: "spa", TenantID: f.tenant.ID, Public: true, Grants: code, Scopes: scopes,
		RedirectURIs: []string{spaLoopback, spaCallback}})
	one, _ := f.newClient(t, &store.Client{ID: "one", TenantID: f.tenant.ID, Grants: []string{"authorization_code"},
		Scopes: scopes, RedirectURIs: []string{webCallback}})
	return browserClients{web: web, spa: spa, one: one}
}

// pkceRequest is a valid authorization request of the public client.
func pkceRequest(scope string) auth.AuthorizeRequest {
	return auth.AuthorizeRequest{ClientID: "spa", RedirectURI: spaCallback, ResponseType: "code", Scope: scope,
		State: "st", Nonce: "n-0S6_WzA2Mj", CodeChallenge: auth.S256(verifier), CodeChallengeMethod: "S256"}
}

// mustAuthorize runs Authorize and fails the test on any error.
func (f *fixture) mustAuthorize(t *testing.T, req auth.AuthorizeRequest) *auth.Authorization {
	t.Helper()
	a, err := f.svc.Authorize(context.Background(), req)
	if err != nil {
		t.Fatalf("Authorize(%+v) = %v", req, err)
	}
	return a
}

// signIn signs the fixture's user in for a and returns the browser
// session and its cookie.
func (f *fixture) signIn(t *testing.T, a *auth.Authorization) (*auth.BrowserSession, string) {
	t.Helper()
	b, cookie, err := f.svc.SignIn(context.Background(), a, userLogin, userPass, auth.Meta{IP: "192.0.2.9"})
	if err != nil {
		t.Fatalf("SignIn = %v", err)
	}
	return b, cookie
}

// code authorizes req, signs in and returns a code, with the browser
// session it came from.
func (f *fixture) code(t *testing.T, req auth.AuthorizeRequest) (string, *auth.BrowserSession, string) {
	t.Helper()
	a := f.mustAuthorize(t, req)
	b, cookie := f.signIn(t, a)
	code, err := f.svc.Code(context.Background(), a, b, auth.Meta{})
	if err != nil {
		t.Fatalf("Code = %v", err)
	}
	return code, b, cookie
}

// exchange redeems code on client c with the redirect URI and verifier.
func (f *fixture) exchange(c *store.Client, code, redirect, ver string) (*auth.Grant, error) {
	return f.svc.ExchangeCode(context.Background(), auth.ExchangeRequest{Client: c, Code: code, RedirectURI: redirect, Verifier: ver})
}

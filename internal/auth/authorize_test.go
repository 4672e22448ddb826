package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestAuthorizeRedirect covers the checks that decide whether the surface
// may redirect at all: an unknown client or a redirect URI that is not
// registered must come back with a nil Authorization (no open redirect).
func TestAuthorizeRedirect(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	tests := []struct {
		name, client, uri string
		want              string // "" when Authorize must refuse without an Authorization
	}{
		{"exact", "web", webCallback, webCallback},
		{"second registered", "web", webCallback2, webCallback2},
		{"other case", "web", "https://APP.test/cb", ""},
		{"path case", "web", "https://app.test/CB", ""},
		{"added query", "web", webCallback + "?x=1", ""},
		{"fragment", "web", webCallback + "#x", ""},
		{"trailing slash", "web", webCallback + "/", ""},
		{"missing, several registered", "web", "", ""},
		{"missing, one registered", "one", "", webCallback},
		{"unregistered", "web", "https://evil.test/cb", ""},
		{"unknown client", "nobody", webCallback, ""},
		{"no client", "", webCallback, ""},
		{"loopback public, any port", "spa", "http://127.0.0.1:51234/callback", "http://127.0.0.1:51234/callback"},
		{"loopback public, registered", "spa", spaLoopback, spaLoopback},
		{"loopback public, other path", "spa", "http://127.0.0.1:51234/other", ""},
		{"loopback public, added query", "spa", "http://127.0.0.1:51234/callback?x=1", ""},
		{"loopback public, https", "spa", "https://127.0.0.1:51234/callback", ""},
		{"loopback public, localhost", "spa", "http://localhost:51234/callback", ""},
		{"loopback public, other ip", "spa", "http://127.0.0.2:51234/callback", ""},
		{"loopback public, bad port", "spa", "http://127.0.0.1:99999/callback", ""},
		{"loopback confidential, other port", "web", "http://127.0.0.1:8080/cb", ""},
	}
	for _, tc := range tests {
		req := auth.AuthorizeRequest{ClientID: tc.client, RedirectURI: tc.uri, ResponseType: "code", Scope: "openid",
			CodeChallenge: auth.S256(verifier), CodeChallengeMethod: "S256"}
		a, err := f.svc.Authorize(context.Background(), req)
		if tc.want == "" {
			if a != nil || auth.AsError(err) == nil {
				t.Errorf("Authorize(%s) = %v, %v; want nil and an *auth.Error", tc.name, a, err)
			}
			continue
		}
		if err != nil || a == nil || a.RedirectURI != tc.want {
			t.Errorf("Authorize(%s) = %+v, %v; want redirect %s", tc.name, a, err, tc.want)
		}
	}
}

// TestAuthorizeChecks covers every error reported once the redirect URI
// is trusted: each comes back with an Authorization to redirect to.
func TestAuthorizeChecks(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	f.newClient(t, &store.Client{ID: "nocode", TenantID: f.tenant.ID, RedirectURIs: []string{webCallback}})
	ch := auth.S256(verifier)
	tests := []struct {
		name string
		edit func(*auth.AuthorizeRequest)
		code string // "" when it passes
	}{
		{"valid", func(r *auth.AuthorizeRequest) {}, ""},
		{"response_type token", func(r *auth.AuthorizeRequest) { r.ResponseType = "token" }, auth.UnsupportedResponseType},
		{"response_type id_token", func(r *auth.AuthorizeRequest) { r.ResponseType = "code id_token" }, auth.UnsupportedResponseType},
		{"response_type missing", func(r *auth.AuthorizeRequest) { r.ResponseType = "" }, auth.InvalidRequest},
		{"response_mode query", func(r *auth.AuthorizeRequest) { r.ResponseMode = "query" }, ""},
		{"response_mode fragment", func(r *auth.AuthorizeRequest) { r.ResponseMode = "fragment" }, auth.InvalidRequest},
		{"client without the grant", func(r *auth.AuthorizeRequest) { r.ClientID, r.RedirectURI = "nocode", webCallback }, auth.UnauthorizedClient},
		{"public without PKCE", func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = "", "" }, auth.InvalidRequest},
		{"plain", func(r *auth.AuthorizeRequest) { r.CodeChallenge, r.CodeChallengeMethod = verifier, "plain" }, auth.InvalidRequest},
		{"method missing (plain)", func(r *auth.AuthorizeRequest) { r.CodeChallengeMethod = "" }, auth.InvalidRequest},
		{"method unknown", func(r *auth.AuthorizeRequest) { r.CodeChallengeMethod = "S512" }, auth.InvalidRequest},
		{"method without challenge", func(r *auth.AuthorizeRequest) { r.CodeChallenge = "" }, auth.InvalidRequest},
		{"challenge too short", func(r *auth.AuthorizeRequest) { r.CodeChallenge = ch[:42] }, auth.InvalidRequest},
		{"challenge bad character", func(r *auth.AuthorizeRequest) { r.CodeChallenge = ch[:42] + "+" }, auth.InvalidRequest},
		{"confidential without PKCE", func(r *auth.AuthorizeRequest) {
			r.ClientID, r.RedirectURI, r.CodeChallenge, r.CodeChallengeMethod = "web", webCallback, "", ""
		}, ""},
		{"confidential with PKCE", func(r *auth.AuthorizeRequest) { r.ClientID, r.RedirectURI = "web", webCallback }, ""},
		{"scope unknown only", func(r *auth.AuthorizeRequest) { r.Scope = "admin" }, auth.InvalidScope},
		{"prompt none", func(r *auth.AuthorizeRequest) { r.Prompt = "none" }, ""},
		{"prompt login", func(r *auth.AuthorizeRequest) { r.Prompt = "login" }, ""},
		{"prompt consent", func(r *auth.AuthorizeRequest) { r.Prompt = "consent" }, auth.InvalidRequest},
		{"prompt select_account", func(r *auth.AuthorizeRequest) { r.Prompt = "select_account" }, auth.InvalidRequest},
		{"prompt none login", func(r *auth.AuthorizeRequest) { r.Prompt = "none login" }, auth.InvalidRequest},
		{"max_age 0", func(r *auth.AuthorizeRequest) { r.MaxAge = "0" }, ""},
		{"max_age negative", func(r *auth.AuthorizeRequest) { r.MaxAge = "-1" }, auth.InvalidRequest},
		{"max_age text", func(r *auth.AuthorizeRequest) { r.MaxAge = "1h" }, auth.InvalidRequest},
		{"max_age huge", func(r *auth.AuthorizeRequest) { r.MaxAge = "99999999999999999999" }, auth.InvalidRequest},
		{"nonce too long", func(r *auth.AuthorizeRequest) { r.Nonce = string(make([]byte, 513)) }, auth.InvalidRequest},
	}
	for _, tc := range tests {
		req := pkceRequest("openid")
		tc.edit(&req)
		a, err := f.svc.Authorize(context.Background(), req)
		if a == nil {
			t.Errorf("Authorize(%s) = nil, %v; want an Authorization to redirect to", tc.name, err)
			continue
		}
		if a.State != "st" || a.RedirectURI != req.RedirectURI {
			t.Errorf("Authorize(%s) state, redirect = %q, %q", tc.name, a.State, a.RedirectURI)
		}
		if tc.code == "" && err != nil {
			t.Errorf("Authorize(%s) = %v, want no error", tc.name, err)
		}
		if tc.code != "" && (auth.AsError(err) == nil || auth.AsError(err).Code != tc.code) {
			t.Errorf("Authorize(%s) = %v, want %s", tc.name, err, tc.code)
		}
	}
}

// TestAuthorizeFields checks what a valid request fixes: the granted
// scope (the client's ∩ the request's), the challenge, prompt and max_age.
func TestAuthorizeFields(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	tests := []struct {
		name, scope, maxAge, wantScope string
		wantMaxAge                     time.Duration
	}{
		{"intersection", "openid admin email openid", "", "openid email", -1},
		{"empty is the client's", "", "30", "openid profile email api", 30 * time.Second},
	}
	for _, tc := range tests {
		req := pkceRequest(tc.scope)
		req.MaxAge, req.LoginHint = tc.maxAge, "alice"
		a := f.mustAuthorize(t, req)
		if a.Scope != tc.wantScope || a.MaxAge != tc.wantMaxAge || a.Challenge != req.CodeChallenge ||
			a.Nonce != req.Nonce || a.LoginHint != "alice" || a.Tenant.ID != f.tenant.ID || a.Client.ID != "spa" {
			t.Errorf("Authorize(%s) = %+v, want scope %q max_age %v", tc.name, a, tc.wantScope, tc.wantMaxAge)
		}
	}
}

// TestNeedsLogin covers when an existing browser session is enough.
func TestNeedsLogin(t *testing.T) {
	f := newFixture(t, auth.Config{})
	newBrowserClients(t, f)
	now := f.clock.Now()
	b := &auth.BrowserSession{TenantID: f.tenant.ID, AuthTime: now.Add(-time.Minute)}
	other := &auth.BrowserSession{TenantID: "ten_other", AuthTime: now}
	tests := []struct {
		name, prompt, maxAge string
		b                    *auth.BrowserSession
		want                 bool
	}{
		{"no session", "", "", nil, true},
		{"session", "", "", b, false},
		{"prompt none with session", "none", "", b, false},
		{"prompt login", "login", "", b, true},
		{"max_age not reached", "", "60", b, false},
		{"max_age exceeded", "", "59", b, true},
		{"max_age 0", "", "0", b, true},
		{"other tenant", "", "", other, true},
	}
	for _, tc := range tests {
		req := pkceRequest("openid")
		req.Prompt, req.MaxAge = tc.prompt, tc.maxAge
		a := f.mustAuthorize(t, req)
		if got := f.svc.NeedsLogin(a, tc.b); got != tc.want {
			t.Errorf("NeedsLogin(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestClientRedirectURIs checks that a client cannot register a redirect
// or post-logout URI that exact matching could not make safe.
func TestClientRedirectURIs(t *testing.T) {
	f := newFixture(t, auth.Config{})
	tests := []struct {
		name     string
		redirect []string
		logout   []string
		ok       bool
	}{
		{"https", []string{"https://app.test/cb"}, []string{"https://app.test/bye"}, true},
		{"loopback and custom scheme", []string{"http://127.0.0.1/cb", "com.example.app:/cb"}, nil, true},
		{"relative", []string{"/cb"}, nil, false},
		{"fragment", []string{"https://app.test/cb#x"}, nil, false},
		{"empty fragment", []string{"https://app.test/cb#"}, nil, false},
		{"logout fragment", nil, []string{"https://app.test/bye#x"}, false},
	}
	for i, tc := range tests {
		c := &store.Client{ID: "uri" + string(rune('a'+i)), TenantID: f.tenant.ID, RedirectURIs: tc.redirect, PostLogoutURIs: tc.logout}
		_, err := f.svc.NewClient(context.Background(), c)
		if (err == nil) != tc.ok {
			t.Errorf("NewClient(%s) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

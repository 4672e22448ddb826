package standard_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestBrowserFlow drives the whole browser sign-in with net/http and a
// cookie jar, for a public client with PKCE and a confidential one:
// authorize → login form → code → exchange → ID token → userinfo → single
// sign-on → prompt=none → logout → prompt=none gives login_required.
func TestBrowserFlow(t *testing.T) {
	browserFlow(t, apptest.Start(t, apptest.Options{}))
}

// TestBrowserFlowPostgres runs the same flow on PostgreSQL.
func TestBrowserFlowPostgres(t *testing.T) {
	browserFlow(t, apptest.Start(t, apptest.Options{DatabaseURL: apptest.PostgresURL(t)}))
}

func browserFlow(t *testing.T, env *apptest.Env) {
	for _, tc := range []struct {
		name   string
		public bool
		cb     string
	}{{"public PKCE", true, loopbackCB}, {"confidential", false, webCB}} {
		t.Run(tc.name, func(t *testing.T) {
			c := newAppClient(t, env, tc.public)
			b := newBrowser(t, env)
			verifier, challenge := pkce()
			q := authParams(c, tc.cb, challenge)
			got := b.signIn(q, tc.cb)
			if got.Get("state") != "st-123" || got.Get("iss") != "http://renova.test" || got.Get("code") == "" {
				t.Fatalf("redirect after login = %v; want code, state and iss", got)
			}
			if tc.cb == webCB && got.Get("tab") != "1" {
				t.Errorf("redirect dropped the registered URI's own query: %v", got)
			}
			r, tok := exchange(t, env, c, got.Get("code"), tc.cb, verifier)
			if r.Status != 200 || tok.AccessToken == "" || tok.IDToken == "" {
				t.Fatalf("exchange = %d %s; want access and ID tokens", r.Status, r.Body)
			}
			claims := verifyIDToken(t, env, tok.IDToken, c.ID)
			if claims["nonce"] != "n-456" || claims["sub"] == nil || claims["sid"] == nil {
				t.Errorf("ID token claims = %v; want nonce, sub, sid", claims)
			}
			ui := userinfo(t, env, tok.AccessToken)
			if ui.Status != 200 || !strings.Contains(string(ui.Body), `"sub":"`+claims["sub"].(string)+`"`) {
				t.Errorf("userinfo = %d %s, want the ID token's sub", ui.Status, ui.Body)
			}
			checkRefreshIDToken(t, env, c, tok)
			// Single sign-on: no form the second time, nor with prompt=none.
			location(t, b.get("/oauth2/authorize", q), tc.cb)
			q.Set("prompt", "login")
			formFields(t, b.get("/oauth2/authorize", q)) // prompt=login forces the form
			q.Set("prompt", "none")
			if v := location(t, b.get("/oauth2/authorize", q), tc.cb); v.Get("code") == "" {
				t.Errorf("prompt=none with a session = %v, want a code", v)
			}
			out := b.get("/oauth2/logout", url.Values{"id_token_hint": {tok.IDToken}, "client_id": {c.ID},
				"post_logout_redirect_uri": {byeURI}, "state": {"bye-1"}})
			if out.Status != 302 || out.Header.Get("Location") != byeURI+"?state=bye-1" {
				t.Errorf("logout = %d Location %q, want %s?state=bye-1", out.Status, out.Header.Get("Location"), byeURI)
			}
			if b.cookie("renova_bs") != "" {
				t.Errorf("browser cookie still set after logout")
			}
			if v := location(t, b.get("/oauth2/authorize", q), tc.cb); v.Get("error") != "login_required" || v.Get("state") != "st-123" {
				t.Errorf("prompt=none after logout = %v, want login_required with state", v)
			}
		})
	}
}

// checkRefreshIDToken: a refresh of an openid session brings a new ID
// token with the same sub and no nonce (OIDC Core §12.2).
func checkRefreshIDToken(t *testing.T, env *apptest.Env, c appClient, tok tokenResp) {
	t.Helper()
	if tok.RefreshToken == "" {
		t.Fatalf("no refresh token for a client with the refresh_token grant")
	}
	r, v := tokenRequest(t, env, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}})
	if r.Status != 200 || v.IDToken == "" {
		t.Fatalf("refresh = %d %s, want an ID token", r.Status, r.Body)
	}
	before, after := verifyIDToken(t, env, tok.IDToken, c.ID), verifyIDToken(t, env, v.IDToken, c.ID)
	if after["sub"] != before["sub"] || after["nonce"] != nil {
		t.Errorf("refreshed ID token = %v; want sub %v and no nonce", after, before["sub"])
	}
}

// verifyIDToken checks an ID token's signature against the JWKS and its
// issuer and audience with go-jose, and returns its claims.
func verifyIDToken(t *testing.T, env *apptest.Env, raw, aud string) map[string]any {
	t.Helper()
	tok, err := josejwt.ParseSigned(raw, []jose.SignatureAlgorithm{jose.ES256, jose.RS256, jose.EdDSA})
	if err != nil {
		t.Fatal(err)
	}
	set := fetchJWKS(t, env)
	keys := set.Key(tok.Headers[0].KeyID)
	if len(keys) != 1 {
		t.Fatalf("ID token kid %q not in the JWKS", tok.Headers[0].KeyID)
	}
	var std josejwt.Claims
	var all map[string]any
	if err := tok.Claims(keys[0].Key, &std, &all); err != nil {
		t.Fatalf("ID token signature: %v", err)
	}
	if err := std.ValidateWithLeeway(josejwt.Expected{Issuer: "http://renova.test", AnyAudience: josejwt.Audience{aud}, Time: env.Clock.Now()}, 0); err != nil {
		t.Errorf("ID token claims: %v", err)
	}
	return all
}

func userinfo(t *testing.T, env *apptest.Env, at string) *apptest.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", env.URL+"/oauth2/userinfo", nil)
	if at != "" {
		req.Header.Set("Authorization", "Bearer "+at)
	}
	return env.Do(t, req)
}

// TestDiscoveryBrowser: both documents list the browser endpoints and no
// empty array.
func TestDiscoveryBrowser(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		req, _ := http.NewRequest("GET", env.URL+path, nil)
		var meta map[string]any
		if err := json.Unmarshal(env.Do(t, req).Body, &meta); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"authorization_endpoint", "userinfo_endpoint", "end_session_endpoint",
			"response_types_supported", "code_challenge_methods_supported", "id_token_signing_alg_values_supported",
			"scopes_supported", "claims_supported", "prompt_values_supported", "ui_locales_supported"} {
			if meta[k] == nil {
				t.Errorf("%s lacks %s", path, k)
			}
		}
		for k, v := range meta {
			if a, ok := v.([]any); ok && len(a) == 0 {
				t.Errorf("%s: %s is an empty array", path, k)
			}
		}
		gts, _ := json.Marshal(meta["grant_types_supported"])
		if !strings.Contains(string(gts), `"authorization_code"`) || strings.Count(string(gts), "authorization_code") != 1 {
			t.Errorf("%s: grant_types_supported = %s", path, gts)
		}
	}
}

// TestLogoutPage: without a post-logout URI the browser gets the signed
// out page in its language, and the cookie is cleared.
func TestLogoutPage(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	for _, tc := range []struct{ ui, want string }{{"en", "Signed out"}, {"pt-BR", "Sessão encerrada"}} {
		b := newBrowser(t, env)
		r := b.get("/oauth2/logout", url.Values{"ui_locales": {tc.ui}})
		if r.Status != 200 || !strings.Contains(string(r.Body), tc.want) || !strings.Contains(string(r.Body), `lang="`+tc.ui+`"`) {
			t.Errorf("logout page (%s) = %d %.300s", tc.ui, r.Status, r.Body)
		}
		checkPageHeaders(t, "logout page", r.Header)
		if sc := r.Header.Get("Set-Cookie"); !strings.Contains(sc, "renova_bs=;") || !strings.Contains(sc, "Max-Age=0") {
			t.Errorf("logout Set-Cookie = %q, want the browser cookie cleared", sc)
		}
	}
}

// TestLogoutNeedsConfirmation: a logout request without a valid
// id_token_hint could come from any page, so a signed-in browser is asked
// first; only the confirmation form, posted with this browser's CSRF
// token, signs it out. A forged or foreign token changes nothing.
func TestLogoutNeedsConfirmation(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	b := newBrowser(t, env)
	_, challenge := pkce()
	q := authParams(c, loopbackCB, challenge)
	b.signIn(q, loopbackCB)
	q.Set("prompt", "none")
	stillSignedIn := func(when string) {
		t.Helper()
		if v := location(t, b.get("/oauth2/authorize", q), loopbackCB); v.Get("code") == "" {
			t.Errorf("%s: prompt=none = %v, want a code (still signed in)", when, v)
		}
	}
	for _, hint := range []string{"", "not-a-jwt"} {
		r := b.get("/oauth2/logout", url.Values{"id_token_hint": {hint}, "ui_locales": {"pt-BR"}})
		if r.Status != 200 || !strings.Contains(string(r.Body), `name="confirm" value="1"`) || !strings.Contains(string(r.Body), "Sair") {
			t.Fatalf("logout with hint %q = %d %.400s, want the confirmation form in pt-BR", hint, r.Status, r.Body)
		}
		checkPageHeaders(t, "logout confirmation", r.Header)
		stillSignedIn("after an unconfirmed logout")
	}
	confirm := hiddenFields(b.get("/oauth2/logout", nil))
	forged := url.Values{"confirm": {"1"}, "csrf": {"forged"}}
	if r := b.postForm("/oauth2/logout", forged); !strings.Contains(string(r.Body), `name="confirm"`) {
		t.Errorf("confirmation with a forged CSRF token = %d %.300s, want the question again", r.Status, r.Body)
	}
	stillSignedIn("after a forged confirmation")
	if r := b.postForm("/oauth2/logout", confirm); r.Status != 200 || !strings.Contains(string(r.Body), "Signed out") {
		t.Fatalf("confirmed logout = %d %.300s, want the signed-out page", r.Status, r.Body)
	}
	if v := location(t, b.get("/oauth2/authorize", q), loopbackCB); v.Get("error") != "login_required" {
		t.Errorf("prompt=none after the confirmed logout = %v, want login_required", v)
	}
}

// hiddenFields returns the hidden inputs of a page.
func hiddenFields(r *apptest.Response) url.Values {
	v := url.Values{}
	for _, m := range hiddenField.FindAllStringSubmatch(string(r.Body), -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}

// TestFormTargetsInCSP: browsers apply form-action to the redirect after a
// form is posted, so the login page admits exactly the origin of the
// validated redirect URI, and the logout confirmation that of a registered
// post-logout URI (none for an unregistered one).
func TestFormTargetsInCSP(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	c := newAppClient(t, env, true)
	b := newBrowser(t, env)
	_, challenge := pkce()
	login := b.get("/oauth2/authorize", authParams(c, loopbackCB, challenge))
	if csp := login.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self' "+originOfURI(t, loopbackCB)+";") {
		t.Errorf("login page CSP = %q, want form-action to admit %s", csp, originOfURI(t, loopbackCB))
	}
	b.signIn(authParams(c, loopbackCB, challenge), loopbackCB)
	for _, tc := range []struct{ uri, want string }{{byeURI, "form-action 'self' " + originOfURI(t, byeURI) + ";"}, {"https://evil.example/x", "form-action 'self';"}} {
		r := b.get("/oauth2/logout", url.Values{"client_id": {c.ID}, "post_logout_redirect_uri": {tc.uri}})
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(string(r.Body), `name="confirm"`) || !strings.Contains(csp, tc.want) {
			t.Errorf("logout confirmation for %s: CSP %q, want %q", tc.uri, csp, tc.want)
		}
	}
}

// originOfURI is scheme://host[:port] of uri.
func originOfURI(t *testing.T, uri string) string {
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scheme + "://" + u.Host
}

package openapi_test

import (
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// call is one request of the standard surface's contract test.
type call struct {
	name, method, path string
	form               url.Values
	header             http.Header
	basic              bool         // authenticate as the demo confidential client
	client             *http.Client // default env.HTTP
}

// TestStandardContract holds live exchanges of the standard surface,
// which has no golden transcripts, to standard.json (answers, and the
// forms of accepted requests): the password, refresh_token and
// client_credentials grants and the token endpoint's errors, revocation,
// introspection (active and not), JWKS, discovery, UserInfo, the error
// pages, health, readiness, metrics and the documents themselves. The
// browser sign-in is TestStandardBrowserContract.
func TestStandardContract(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	s := loadSpec(t, "standard")
	c := env.Creds
	login := exchangeStd(t, env, call{name: "password grant", method: "POST", path: "/oauth2/token", basic: true,
		form: url.Values{"grant_type": {"password"}, "username": {c.AdminLogin}, "password": {c.AdminPass}, "scope": {"openid profile"}}}, s)
	access, refresh := jsonField(login, "access_token"), jsonField(login, "refresh_token")
	if access == "" || refresh == "" {
		t.Fatalf("password grant answered %s", login)
	}
	authorize := "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {c.SPAClientID},
		"redirect_uri": {"http://127.0.0.1/callback"}, "scope": {"openid"}, "state": {"xyz"},
		"code_challenge": {"dZzsWPhffYR6yZL6HCoUCUo8EC0GDiThTCsfxKf4amg"}, "code_challenge_method": {"S256"}}.Encode()
	calls := []call{
		{name: "refresh grant", method: "POST", path: "/oauth2/token", basic: true, form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}}},
		{name: "client_credentials grant", method: "POST", path: "/oauth2/token", basic: true, form: url.Values{"grant_type": {"client_credentials"}}},
		{name: "unknown grant", method: "POST", path: "/oauth2/token", basic: true, form: url.Values{"grant_type": {"magic"}}},
		{name: "malformed refresh token", method: "POST", path: "/oauth2/token", basic: true, form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"rn_rt_not-a-token"}}},
		{name: "unknown client", method: "POST", path: "/oauth2/token", form: url.Values{"grant_type": {"client_credentials"}, "client_id": {"nobody"}, "client_secret": {"x"}}},
		{name: "introspect active", method: "POST", path: "/oauth2/introspect", basic: true, form: url.Values{"token": {access}}},
		{name: "introspect inactive", method: "POST", path: "/oauth2/introspect", basic: true, form: url.Values{"token": {"nothing"}}},
		{name: "userinfo", method: "GET", path: "/oauth2/userinfo", header: http.Header{"Authorization": {"Bearer " + access}}},
		{name: "userinfo without token", method: "GET", path: "/oauth2/userinfo"},
		{name: "userinfo with a bad token", method: "POST", path: "/oauth2/userinfo", form: url.Values{"access_token": {"x.y.z"}}},
		{name: "revoke", method: "POST", path: "/oauth2/revoke", basic: true, form: url.Values{"token": {refresh}}},
		{name: "revoke without token", method: "POST", path: "/oauth2/revoke", basic: true, form: url.Values{}},
		{name: "jwks", method: "GET", path: "/oauth2/jwks"},
		{name: "openid configuration", method: "GET", path: "/.well-known/openid-configuration"},
		{name: "authorization server metadata", method: "GET", path: "/.well-known/oauth-authorization-server"},
		{name: "authorize shows the login form", method: "GET", path: authorize},
		{name: "authorize for an unknown client", method: "GET", path: "/oauth2/authorize?client_id=nobody&response_type=code"},
		{name: "login form without CSRF", method: "POST", path: "/oauth2/login", form: url.Values{"username": {"a"}, "password": {"b"}}},
		{name: "logout without a session", method: "GET", path: "/oauth2/logout"},
		{name: "healthz", method: "GET", path: "/healthz"},
		{name: "readyz", method: "GET", path: "/readyz"},
		{name: "metrics", method: "GET", path: "/metrics"},
		{name: "own document", method: "GET", path: "/openapi/standard.json"},
		{name: "unknown document", method: "GET", path: "/openapi/nothing.json"},
	}
	for _, cl := range calls {
		exchangeStd(t, env, cl, s)
	}
}

// exchangeStd sends cl and checks the answer against the document,
// returning its body.
func exchangeStd(t *testing.T, env *apptest.Env, cl call, s *spec) []byte {
	t.Helper()
	var body string
	if cl.form != nil {
		body = cl.form.Encode()
	}
	req, err := http.NewRequest(cl.method, env.URL+cl.path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if cl.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	if cl.basic {
		req.SetBasicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
	}
	resp := do(t, env, cl.client, req)
	t.Logf("%s: %s %s = %d %s", cl.name, cl.method, cl.path, resp.Status, resp.Header.Get("Content-Type"))
	path, _, _ := strings.Cut(cl.path, "?")
	if err := s.check(cl.method, path, resp.Status, resp.Header.Get("Content-Type"), resp.Body); err != nil {
		t.Errorf("%s: %v\n%s", cl.name, err, resp.Body)
	}
	if resp.Status/100 == 2 && cl.form != nil {
		if err := s.checkRequest(cl.method, path, req.Header.Get("Content-Type"), []byte(body)); err != nil {
			t.Errorf("%s: accepted request: %v", cl.name, err)
		}
	}
	return resp.Body
}

// jsonField extracts a string member of a JSON object body.
func jsonField(body []byte, name string) string {
	_, after, ok := strings.Cut(string(body), `"`+name+`":"`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, `"`)
	return v
}

// do sends req with client (env's when nil) and reads the answer.
func do(t *testing.T, env *apptest.Env, client *http.Client, req *http.Request) *apptest.Response {
	t.Helper()
	if client == nil {
		client = env.HTTP
	}
	return apptest.Send(t, client, req)
}

// hidden matches a hidden input of renova's pages.
var hidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hiddenFields returns a page's hidden inputs as a form.
func hiddenFields(page []byte) url.Values {
	v := url.Values{}
	for _, m := range hidden.FindAllStringSubmatch(string(page), -1) {
		v.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// TestStandardBrowserContract walks the browser sign-in of the README
// (demo-spa, PKCE) with a cookie jar and no redirects followed, holding
// every answer to standard.json: the login form, the login's redirect
// with a code, the authorization_code grant, single sign-on, and logout
// with its confirmation page.
func TestStandardBrowserContract(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	s := loadSpec(t, "standard")
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Transport: env.HTTP.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	const redirect = "http://127.0.0.1/callback"
	authorize := "/oauth2/authorize?" + url.Values{"response_type": {"code"}, "client_id": {env.Creds.SPAClientID},
		"redirect_uri": {redirect}, "scope": {"openid profile"}, "state": {"xyz"}, "nonce": {"n1"},
		"code_challenge": {"dZzsWPhffYR6yZL6HCoUCUo8EC0GDiThTCsfxKf4amg"}, "code_challenge_method": {"S256"}}.Encode()
	page := exchangeStd(t, env, call{name: "login form", method: "GET", path: authorize, client: browser}, s)
	form := hiddenFields(page)
	if form.Get("csrf") == "" {
		t.Fatalf("login page has no CSRF field:\n%s", page)
	}
	form.Set("username", env.Creds.AdminLogin)
	form.Set("password", env.Creds.AdminPass)
	code := codeOf(t, env, browser, s, call{name: "login", method: "POST", path: "/oauth2/login", form: form, client: browser})
	tok := exchangeStd(t, env, call{name: "authorization_code grant", method: "POST", path: "/oauth2/token",
		form: url.Values{"grant_type": {"authorization_code"}, "client_id": {env.Creds.SPAClientID}, "code": {code},
			"redirect_uri": {redirect}, "code_verifier": {"renova-readme-demo-verifier-0123456789-abcdefghijklmnop"}}}, s)
	if jsonField(tok, "id_token") == "" {
		t.Fatalf("authorization_code grant answered %s", tok)
	}
	codeOf(t, env, browser, s, call{name: "single sign-on", method: "GET", path: authorize, client: browser})
	confirm := exchangeStd(t, env, call{name: "logout asks to confirm", method: "GET", path: "/oauth2/logout", client: browser}, s)
	exchangeStd(t, env, call{name: "logout confirmed", method: "POST", path: "/oauth2/logout", form: hiddenFields(confirm), client: browser}, s)
}

// codeOf sends cl, which must answer with a redirect carrying a code, and
// returns the code.
func codeOf(t *testing.T, env *apptest.Env, browser *http.Client, s *spec, cl call) string {
	t.Helper()
	var body string
	if cl.form != nil {
		body = cl.form.Encode()
	}
	req, err := http.NewRequest(cl.method, env.URL+cl.path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if cl.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp := do(t, env, browser, req)
	path, _, _ := strings.Cut(cl.path, "?")
	if err := s.check(cl.method, path, resp.Status, resp.Header.Get("Content-Type"), resp.Body); err != nil {
		t.Errorf("%s: %v", cl.name, err)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.Status != http.StatusFound || err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("%s = %d Location %q, want a redirect with a code\n%s", cl.name, resp.Status, resp.Header.Get("Location"), resp.Body)
	}
	return loc.Query().Get("code")
}

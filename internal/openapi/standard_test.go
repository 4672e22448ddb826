package openapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// call is one request of the standard surface's contract test.
type call struct {
	name, method, path string
	form               url.Values
	header             http.Header
	basic              bool // authenticate as the demo confidential client
}

// TestStandardContract holds live answers of the standard surface, which
// has no golden transcripts, to standard.json: every grant of the token
// endpoint and its errors, revocation, introspection (active and not),
// JWKS, discovery, UserInfo, the browser pages, health, readiness,
// metrics and the documents themselves.
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
	resp := env.Do(t, req)
	t.Logf("%s: %s %s = %d %s", cl.name, cl.method, cl.path, resp.Status, resp.Header.Get("Content-Type"))
	path, _, _ := strings.Cut(cl.path, "?")
	if err := s.check(cl.method, path, resp.Status, resp.Header.Get("Content-Type"), resp.Body); err != nil {
		t.Errorf("%s: %v\n%s", cl.name, err, resp.Body)
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

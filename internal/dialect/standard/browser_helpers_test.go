package standard_test

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
)

// Redirect URIs the test clients register: a loopback one (any port for a
// native public client, RFC 8252 §7.3) and one with its own query.
const (
	loopbackCB = "http://127.0.0.1:9999/cb"
	webCB      = "https://app.example/cb?tab=1"
	byeURI     = "https://app.example/bye"
)

// appClient is a client of the browser flow.
type appClient struct {
	ID, Secret string
	Public     bool
}

// newAppClient registers a client with the authorization_code grant.
func newAppClient(t *testing.T, env *apptest.Env, public bool) appClient {
	t.Helper()
	c := &auth.Client{TenantID: tenantID(t, env), Name: "Shop <&> App", Public: public,
		Grants: []string{"authorization_code", "refresh_token"}, Scopes: []string{"openid", "profile", "email", "offline_access"},
		RedirectURIs: []string{loopbackCB, webCB}, PostLogoutURIs: []string{byeURI}}
	sec, err := env.App.Svc.NewClient(context.Background(), c)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return appClient{ID: c.ID, Secret: sec, Public: public}
}

// browser is a user agent with its own cookies that does not follow
// redirects, so each hop can be checked.
type browser struct {
	t   *testing.T
	env *apptest.Env
	c   *http.Client
	// lastSetCookie is the Set-Cookie of the last response.
	lastSetCookie string
}

func newBrowser(t *testing.T, env *apptest.Env) *browser {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: env.HTTP.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, env: env, c: c}
}

// do sends req with a Brazilian or any other Accept-Language already set.
func (b *browser) do(req *http.Request) *apptest.Response {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	b.lastSetCookie = resp.Header.Get("Set-Cookie")
	return &apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func (b *browser) get(path string, q url.Values) *apptest.Response {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.env.URL+path+"?"+q.Encode(), nil)
	return b.do(req)
}

func (b *browser) post(path, contentType, body string) *apptest.Response {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.env.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return b.do(req)
}

func (b *browser) postForm(path string, form url.Values) *apptest.Response {
	b.t.Helper()
	return b.post(path, "application/x-www-form-urlencoded", form.Encode())
}

// cookie returns the value of the browser's cookie name ("" when none).
func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.env.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// formFields returns the hidden fields of a login page.
func formFields(t *testing.T, r *apptest.Response) url.Values {
	t.Helper()
	if r.Status != 200 || !strings.Contains(string(r.Body), `name="password"`) {
		t.Fatalf("want the login page, got %d %s %.400s", r.Status, r.Header.Get("Location"), r.Body)
	}
	return hiddenFields(r)
}

// pkce returns a fresh code_verifier and its S256 challenge (RFC 7636 §4).
func pkce() (string, string) {
	b := make([]byte, 32)
	rand.Read(b)
	v := base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(v))
	return v, base64.RawURLEncoding.EncodeToString(h[:])
}

// authParams is an authorization request of c for redirect URI cb.
func authParams(c appClient, cb, challenge string) url.Values {
	q := url.Values{"response_type": {"code"}, "client_id": {c.ID}, "redirect_uri": {cb},
		"scope": {"openid profile email offline_access"}, "state": {"st-123"}, "nonce": {"n-456"}}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return q
}

// location parses a redirect's Location and checks that it goes to cb.
func location(t *testing.T, r *apptest.Response, cb string) url.Values {
	t.Helper()
	loc := r.Header.Get("Location")
	if r.Status != http.StatusFound || !strings.HasPrefix(loc, strings.SplitN(cb, "?", 2)[0]+"?") {
		t.Fatalf("want a 302 to %s, got %d Location %q %.400s", cb, r.Status, loc, r.Body)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

// signIn drives the login form from an authorization request to the code.
func (b *browser) signIn(q url.Values, cb string) url.Values {
	b.t.Helper()
	form := formFields(b.t, b.get("/oauth2/authorize", q))
	form.Set("username", b.env.Creds.AdminLogin)
	form.Set("password", b.env.Creds.AdminPass)
	return location(b.t, b.postForm("/oauth2/login", form), cb)
}

// exchange redeems code at the token endpoint as c.
func exchange(t *testing.T, env *apptest.Env, c appClient, code, cb, verifier string) (*apptest.Response, tokenResp) {
	t.Helper()
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {cb}}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	return tokenRequest(t, env, c, form)
}

// tokenRequest posts form to the token endpoint as c: a public client
// names itself, a confidential one authenticates with HTTP Basic.
func tokenRequest(t *testing.T, env *apptest.Env, c appClient, form url.Values) (*apptest.Response, tokenResp) {
	t.Helper()
	h := http.Header{}
	if c.Public {
		form.Set("client_id", c.ID)
	} else {
		h.Set("Authorization", "Basic "+basicAuth(c.ID, c.Secret))
	}
	r := env.Post(t, "/oauth2/token", "application/x-www-form-urlencoded", form.Encode(), h)
	return r, decode(t, r)
}

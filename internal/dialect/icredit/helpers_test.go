package icredit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
)

// The default mount's prefix, the native paths (seed 000) and the password
// every test user gets.
const (
	prefix             = "/icredit"
	pathLogin          = "/api/v1/auth/login"
	pathRefresh        = "/api/v1/auth/refresh"
	pathLogout         = "/api/v1/auth/logout"
	pathUpdatePassword = "/api/v1/auth/update-password"
	pathMe             = "/api/v1/users/me"
	password           = "correct-horse-1"
)

// statusNames are the NestJS "error" strings the tests expect.
var statusNames = map[int]string{
	400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Payload Too Large",
	415: "Unsupported Media Type", 500: "Internal Server Error", 503: "Service Unavailable",
}

// profile is a decoded GET /api/v1/users/me body.
type profile struct {
	ID       string   `json:"id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Email    string   `json:"email"`
	Roles    []string `json:"roles"`
	Tenant   struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
		Name string `json:"name"`
		Code int64  `json:"code"`
	} `json:"tenant"`
}

// fixture is a running renova with the default mounts and the demo tenant.
type fixture struct {
	env    *apptest.Env
	tenant *auth.Tenant
}

// start boots a real renova (SQLite, HTTP server, fake clock).
func start(t *testing.T, opt apptest.Options) *fixture {
	t.Helper()
	env := apptest.Start(t, opt)
	ten, err := env.App.Store.TenantBySlug(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{env: env, tenant: ten}
}

// newUser creates a user of the demo tenant with login, e-mail
// login@demo.invalid and the test password.
func (f *fixture) newUser(t *testing.T, login string) *auth.User {
	t.Helper()
	u := &auth.User{TenantID: f.tenant.ID, Login: login, Email: login + "@demo.invalid", Name: "User " + login, Roles: []string{"analyst"}}
	if err := f.env.App.Svc.NewUser(context.Background(), u, password); err != nil {
		t.Fatalf("NewUser(%q): %v", login, err)
	}
	return u
}

// exchange is one HTTP request of a test.
type exchange struct {
	method string
	path   string // without the mount prefix
	header http.Header
	body   string
}

// jsonHeader is the header of a JSON request, with a bearer token when
// access is not empty.
func jsonHeader(access string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if access != "" {
		h.Set("Authorization", "Bearer "+access)
	}
	return h
}

// do sends x under the default prefix.
func (f *fixture) do(t *testing.T, x exchange) *apptest.Response {
	t.Helper()
	return f.doAt(t, prefix, x)
}

// doAt sends x under the given prefix.
func (f *fixture) doAt(t *testing.T, pfx string, x exchange) *apptest.Response {
	t.Helper()
	method := x.method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, f.env.URL+pfx+x.path, strings.NewReader(x.body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range x.header {
		req.Header[k] = vs
	}
	return f.env.Do(t, req)
}

// pair is a decoded 200 token response.
type pair struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    any    `json:"expires_in"`
}

// login logs user in and returns the pair.
func (f *fixture) login(t *testing.T, user, pw string) pair {
	t.Helper()
	resp := f.do(t, exchange{path: pathLogin, header: jsonHeader(""), body: `{"username":"` + user + `","password":"` + pw + `"}`})
	return wantPair(t, "login "+user, resp)
}

// refresh presents a refresh token and returns the response.
func (f *fixture) refresh(t *testing.T, rt string) *apptest.Response {
	t.Helper()
	return f.do(t, exchange{path: pathRefresh, header: jsonHeader(""), body: `{"refresh_token":"` + rt + `"}`})
}

// me asks for the bearer's profile.
func (f *fixture) me(t *testing.T, access string) *apptest.Response {
	t.Helper()
	return f.do(t, exchange{method: http.MethodGet, path: pathMe, header: jsonHeader(access)})
}

// wantPair checks a 200 token response and decodes it.
func wantPair(t *testing.T, what string, resp *apptest.Response) pair {
	t.Helper()
	if resp.Status != http.StatusOK {
		t.Fatalf("%s: status %d, want 200; body %s", what, resp.Status, resp.Body)
	}
	var p pair
	if err := json.Unmarshal(resp.Body, &p); err != nil {
		t.Fatalf("%s: body %s: %v", what, resp.Body, err)
	}
	if p.AccessToken == "" || p.RefreshToken == "" || p.TokenType != "Bearer" {
		t.Fatalf("%s: incomplete pair %s", what, resp.Body)
	}
	if n, ok := p.ExpiresIn.(float64); !ok || n <= 0 {
		t.Fatalf("%s: expires_in = %#v, want a positive JSON number", what, p.ExpiresIn)
	}
	return p
}

// nestError is a decoded NestJS error body.
type nestError struct {
	StatusCode int    `json:"statusCode"`
	Message    string `json:"message"`
	Error      string `json:"error"`
	Reason     string `json:"reason"`
}

// wantError checks that resp is a NestJS error with status and, when
// reason is not empty, that reason.
func wantError(t *testing.T, what string, resp *apptest.Response, status int, reason string) nestError {
	t.Helper()
	var e nestError
	if err := json.Unmarshal(resp.Body, &e); err != nil {
		t.Fatalf("%s: body %q is not JSON: %v", what, resp.Body, err)
	}
	if resp.Status != status || e.StatusCode != status || e.Error != statusNames[status] || e.Message == "" {
		t.Fatalf("%s: status %d body %s, want %d %q", what, resp.Status, resp.Body, status, statusNames[status])
	}
	if reason != "" && e.Reason != reason {
		t.Fatalf("%s: reason %q, want %q", what, e.Reason, reason)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q, want JSON", what, ct)
	}
	return e
}

// foreignPair logs user in through another client of the demo tenant,
// straight through the core (that client's own surface is not under test).
func (f *fixture) foreignPair(t *testing.T, clientID, user string) pair {
	t.Helper()
	ctx := context.Background()
	c, err := f.env.App.Store.GetClient(ctx, clientID)
	if err != nil {
		t.Fatalf("GetClient(%q): %v", clientID, err)
	}
	g, _, err := f.env.App.Svc.Login(ctx, auth.LoginRequest{Client: c, TenantID: f.tenant.ID, Username: user, Password: password})
	if err != nil {
		t.Fatalf("Login(%q via %q): %v", user, clientID, err)
	}
	return pair{AccessToken: g.AccessToken, RefreshToken: g.RefreshToken, TokenType: g.TokenType}
}

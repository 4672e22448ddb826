package admin_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// backends runs fn against a real renova on SQLite and on PostgreSQL
// (skipped locally, failed in CI, without RENOVA_TEST_DATABASE_URL).
func backends(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newEnv(t, apptest.Options{})) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, newEnv(t, apptest.Options{DatabaseURL: apptest.PostgresURL(t)}))
	})
}

// env is a running renova with the first start's admin client's token.
type env struct {
	*apptest.Env
	admin string // a renova:admin:all access token of demo-admin
}

func newEnv(t *testing.T, opt apptest.Options) *env {
	e := &env{Env: apptest.Start(t, opt)}
	e.admin = e.token(t, e.Creds.AdminClientID, e.Creds.AdminClientSecret, "")
	return e
}

// token gets an access token through client_credentials (RFC 6749 §4.4).
func (e *env) token(t *testing.T, id, secret, scope string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	r := e.Do(t, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("client_credentials for %s = %d %s", id, r.Status, r.Body)
	}
	return tok.AccessToken
}

// call sends an admin request with a bearer token ("" for none) and a
// JSON body ("" for none).
func (e *env) call(t *testing.T, method, path, token, body string) *apptest.Response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.Do(t, req)
}

// do is call with the admin token, requiring status want, and decodes the
// answer into out (when not nil).
func (e *env) do(t *testing.T, method, path, body string, want int, out any) {
	t.Helper()
	r := e.call(t, method, path, e.admin, body)
	if r.Status != want {
		t.Fatalf("%s %s = %d %s, want %d", method, path, r.Status, r.Body, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, r.Body, err)
		}
	}
}

// problem is an RFC 9457 answer.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
}

// wantProblem checks that r is problem details of type kind with status
// and field.
func wantProblem(t *testing.T, call string, r *apptest.Response, status int, kind, field string) {
	t.Helper()
	var p problem
	ct := r.Header.Get("Content-Type")
	if err := json.Unmarshal(r.Body, &p); err != nil || !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s = %d %s (%s), want problem details", call, r.Status, r.Body, ct)
		return
	}
	if r.Status != status || p.Status != status || p.Type != "urn:renova:problem:"+kind || p.Field != field {
		t.Errorf("%s = %d %+v, want %d %s field %q", call, r.Status, p, status, kind, field)
	}
}

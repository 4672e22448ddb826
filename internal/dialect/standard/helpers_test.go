package standard_test

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/secret"
)

// tokenResp is the union of the success and error bodies of /oauth2/token.
type tokenResp struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	Reason       string `json:"reason"`
}

// post sends a form to path, authenticated as the demo confidential client
// (client_secret_basic) unless basic is false.
func post(t *testing.T, env *apptest.Env, path string, form url.Values, basic bool) *apptest.Response {
	t.Helper()
	h := http.Header{}
	if basic {
		req, _ := http.NewRequest("POST", "/", nil)
		req.SetBasicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
		h.Set("Authorization", req.Header.Get("Authorization"))
	}
	return env.Post(t, path, "application/x-www-form-urlencoded", form.Encode(), h)
}

func decode(t *testing.T, r *apptest.Response) tokenResp {
	t.Helper()
	var v tokenResp
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("response %d %q is not JSON: %v", r.Status, r.Body, err)
	}
	return v
}

// login logs the demo admin in and returns the token response.
func login(t *testing.T, env *apptest.Env) tokenResp {
	t.Helper()
	r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "username": {env.Creds.AdminLogin}, "password": {env.Creds.AdminPass}}, true)
	v := decode(t, r)
	if r.Status != 200 || v.RefreshToken == "" {
		t.Fatalf("login = %d %s", r.Status, r.Body)
	}
	return v
}

// refresh presents rt and returns the status and body.
func refresh(t *testing.T, env *apptest.Env, rt string) (int, tokenResp) {
	t.Helper()
	r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}, true)
	return r.Status, decode(t, r)
}

func basicAuth(user, pass string) string {
	req, _ := http.NewRequest("GET", "/", nil)
	req.SetBasicAuth(user, pass)
	return strings.TrimPrefix(req.Header.Get("Authorization"), "Basic ")
}

// forge returns a well-formed refresh token that renova never issued.
func forge(t *testing.T) string {
	tok, err := secret.New(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return tok.String()
}

var apptestMeta = auth.Meta{IP: "127.0.0.1"}

func formRefresh(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
}

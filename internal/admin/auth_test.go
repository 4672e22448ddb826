package admin_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"encoding/json"
)

// TestAuthentication: only an access token renova issued through
// client_credentials to a client holding an admin scope gets in; every
// other caller gets 401 (with WWW-Authenticate naming invalid_token) or
// 403 (insufficient_scope), never a 500.
func TestAuthentication(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		// demo-client may use client_credentials, but holds no admin scope.
		plain := e.token(t, e.Creds.ClientID, e.Creds.ClientSecret, "")
		userTok := e.passwordToken(t)
		cases := []struct {
			name, header string
			status       int
			kind, auth   string
		}{
			{"no token", "", 401, "unauthorized", `realm="renova-admin"`},
			{"not bearer", "Basic " + e.admin, 401, "unauthorized", `error="invalid_token"`},
			{"garbage", "Bearer not-a-jwt", 401, "unauthorized", `error="invalid_token"`},
			{"user token of a session", "Bearer " + userTok, 401, "unauthorized", `error="invalid_token"`},
			{"no admin scope", "Bearer " + plain, 403, "insufficient-scope", `error="insufficient_scope"`},
			{"admin", "Bearer " + e.admin, 200, "", ""},
		}
		for _, tc := range cases {
			req, _ := http.NewRequest(http.MethodGet, e.URL+"/admin/v1/tenants", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			r := e.Do(t, req)
			if tc.status == 200 {
				if r.Status != 200 {
					t.Errorf("%s: GET /tenants = %d %s", tc.name, r.Status, r.Body)
				}
				continue
			}
			wantProblem(t, tc.name, r, tc.status, tc.kind, "")
			if h := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer ") || !strings.Contains(h, tc.auth) {
				t.Errorf("%s: WWW-Authenticate = %q, want Bearer with %s", tc.name, h, tc.auth)
			}
			// A request without credentials gets a challenge without an
			// error code (RFC 6750 §3.1).
			if h := r.Header.Get("WWW-Authenticate"); tc.header == "" && strings.Contains(h, "error=") {
				t.Errorf("no token: WWW-Authenticate = %q, want no error code", h)
			}
		}
		// The admin token expires like any access token (15 minutes).
		e.Clock.Advance(16 * time.Minute)
		wantProblem(t, "expired token", e.call(t, "GET", "/admin/v1/tenants", e.admin, ""), 401, "unauthorized", "")
	})
}

// passwordToken logs the demo admin user in through the password grant:
// a user's token, which must never open the admin API.
func (e *env) passwordToken(t *testing.T) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {e.Creds.AdminLogin}, "password": {e.Creds.AdminPass}}
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(e.Creds.ClientID, e.Creds.ClientSecret)
	r := e.Do(t, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if r.Status != 200 || json.Unmarshal(r.Body, &tok) != nil {
		t.Fatalf("password grant = %d %s", r.Status, r.Body)
	}
	return tok.AccessToken
}

// TestTenantIsolation: a renova:admin client manages its own tenant only.
// Everything of another tenant is 404, as if it did not exist (tenants
// cannot be enumerated); operations on every tenant are 403; it cannot
// hand out renova:admin:all.
func TestTenantIsolation(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		e.do(t, "POST", "/admin/v1/tenants", `{"slug":"acme","name":"Acme"}`, 201, nil)
		var created struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		e.do(t, "POST", "/admin/v1/tenants/acme/clients",
			`{"client_id":"acme-admin","grants":["client_credentials"],"scopes":["renova:admin"]}`, 201, &created)
		tok := e.token(t, created.ClientID, created.ClientSecret, "")
		var demoUsers struct {
			Items []struct{ ID string } `json:"items"`
		}
		e.do(t, "GET", "/admin/v1/tenants/demo/users", "", 200, &demoUsers)
		demoUser := demoUsers.Items[0].ID
		cases := []struct {
			name, method, path, body string
			status                   int
			kind, field              string
		}{
			{"own tenant", "GET", "/admin/v1/tenants/acme", "", 200, "", ""},
			{"own users", "GET", "/admin/v1/tenants/acme/users", "", 200, "", ""},
			{"other tenant", "GET", "/admin/v1/tenants/demo", "", 404, "not-found", ""},
			{"other tenant's users", "GET", "/admin/v1/tenants/demo/users", "", 404, "not-found", ""},
			{"other tenant's user by id", "GET", "/admin/v1/tenants/acme/users/" + demoUser, "", 404, "not-found", ""},
			{"other tenant's client", "GET", "/admin/v1/tenants/acme/clients/demo-client", "", 404, "not-found", ""},
			{"rotate other tenant's secret", "POST", "/admin/v1/tenants/demo/clients/demo-client/secret", "", 404, "not-found", ""},
			{"import into other tenant", "POST", "/admin/v1/tenants/demo/users/import", `{"login":"x"}`, 404, "not-found", ""},
			{"delete other tenant's user", "DELETE", "/admin/v1/tenants/demo/users/" + demoUser, "", 404, "not-found", ""},
			{"other tenant's audit", "GET", "/admin/v1/audit?tenant=demo", "", 404, "not-found", ""},
			{"missing tenant", "GET", "/admin/v1/tenants/nope", "", 404, "not-found", ""},
			{"create tenant", "POST", "/admin/v1/tenants", `{"slug":"evil"}`, 403, "insufficient-scope", ""},
			{"keys", "GET", "/admin/v1/keys", "", 403, "insufficient-scope", ""},
			{"grant admin:all", "POST", "/admin/v1/tenants/acme/clients", `{"grants":["client_credentials"],"scopes":["renova:admin:all"]}`, 403, "insufficient-scope", "scopes"},
		}
		for _, tc := range cases {
			r := e.call(t, tc.method, tc.path, tok, tc.body)
			if tc.status == 200 {
				if r.Status != 200 {
					t.Errorf("%s: %s %s = %d %s", tc.name, tc.method, tc.path, r.Status, r.Body)
				}
				continue
			}
			wantProblem(t, tc.name, r, tc.status, tc.kind, tc.field)
		}
		var ts struct {
			Items []struct{ Slug string } `json:"items"`
		}
		r := e.call(t, "GET", "/admin/v1/tenants", tok, "")
		if json.Unmarshal(r.Body, &ts) != nil || len(ts.Items) != 1 || ts.Items[0].Slug != "acme" {
			t.Errorf("GET /tenants as acme's admin = %s, want acme alone", r.Body)
		}
		// The demo user is untouched by the refused delete.
		e.do(t, "GET", "/admin/v1/tenants/demo/users/"+demoUser, "", 200, nil)
	})
}

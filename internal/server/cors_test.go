package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// corsNames are the headers a CORS answer may carry; absent ones are "".
var corsNames = []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
	"Access-Control-Max-Age", "Access-Control-Expose-Headers", "Access-Control-Allow-Credentials"}

// corsCase is one browser request through the real server and the CORS
// headers its answer must carry.
type corsCase struct {
	name   string
	method string
	path   string
	header map[string]string
	body   string
	status int
	want   map[string]string
}

// run sends every case and compares the status and every CORS header.
func runCORS(t *testing.T, env *apptest.Env, cases []corsCase) {
	t.Helper()
	for _, tc := range cases {
		req, err := http.NewRequest(tc.method, env.URL+tc.path, strings.NewReader(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp := env.Do(t, req)
		if resp.Status != tc.status {
			t.Errorf("%s: %s %s = %d, want %d (%s)", tc.name, tc.method, tc.path, resp.Status, tc.status, resp.Body)
		}
		for _, n := range corsNames {
			if got := resp.Header.Get(n); got != tc.want[n] {
				t.Errorf("%s: %s %s: %s = %q, want %q", tc.name, tc.method, tc.path, n, got, tc.want[n])
			}
		}
	}
}

// preflight returns the headers of a browser's preflight from origin.
func preflight(origin, method, headers string) map[string]string {
	return map[string]string{"Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers}
}

// TestCORSMount: the iCredit mount answers browsers of its origins option
// only (issue 12, acceptance 4); a mount without the option, none.
func TestCORSMount(t *testing.T) {
	const app, other = "https://app.icredit.example", "https://evil.example"
	env := apptest.Start(t, apptest.Options{Mounts: []string{
		"dialect=icredit,prefix=/icredit,tenant=demo,client=icredit-client,origins=" + app + "|http://127.0.0.1:5173",
		"dialect=consinco,prefix=/consinco,tenant=demo,client=consinco-client",
		"dialect=hdi,prefix=/hdi,tenant=demo,client=hdi-client,origins=" + app,
	}})
	login := `{"username":"` + env.Creds.AdminLogin + `","password":"` + env.Creds.AdminPass + `"}`
	granted := map[string]string{"Access-Control-Allow-Origin": app, "Access-Control-Allow-Methods": "POST",
		"Access-Control-Allow-Headers": "Content-Type, Authorization", "Access-Control-Max-Age": "600"}
	read := map[string]string{"Access-Control-Allow-Origin": app, "Access-Control-Expose-Headers": "X-Trace-Id, Retry-After, WWW-Authenticate"}
	json := map[string]string{"Content-Type": "application/json"}
	runCORS(t, env, []corsCase{
		{"preflight, allowed origin", "OPTIONS", "/icredit/api/v1/auth/login", preflight(app, "POST", "content-type,authorization"), "", 204, granted},
		{"preflight of GET users/me", "OPTIONS", "/icredit/api/v1/users/me", preflight(app, "GET", "authorization"), "", 204,
			map[string]string{"Access-Control-Allow-Origin": app, "Access-Control-Allow-Methods": "GET",
				"Access-Control-Allow-Headers": "Authorization", "Access-Control-Max-Age": "600"}},
		{"login, allowed origin", "POST", "/icredit/api/v1/auth/login", with(json, "Origin", app), login, 200, read},
		{"refresh error, allowed origin, still readable", "POST", "/icredit/api/v1/auth/refresh", with(json, "Origin", app), `{"refresh_token":"rn_rt_bogus"}`, 401, read},
		{"preflight, other origin", "OPTIONS", "/icredit/api/v1/auth/login", preflight(other, "POST", "content-type"), "", 403, nil},
		{"preflight, other method", "OPTIONS", "/icredit/api/v1/auth/login", preflight(app, "DELETE", ""), "", 403, nil},
		{"login, other origin", "POST", "/icredit/api/v1/auth/login", with(json, "Origin", other), login, 200, nil},
		{"login, no origin", "POST", "/icredit/api/v1/auth/login", json, login, 200, nil},
		{"OPTIONS that is no preflight: the dialect's 404", "OPTIONS", "/icredit/api/v1/auth/login", nil, "", 404, nil},
		{"mount without origins", "OPTIONS", "/consinco/api/v1/auth/login", preflight(app, "POST", "content-type"), "", 404, nil},
		{"HDI preflight: its X-* headers too", "OPTIONS", "/hdi/corporate/security/v1/token",
			preflight(app, "POST", "x-company-id, x-application-id, x-user-id, content-type, x-other"), "", 204,
			map[string]string{"Access-Control-Allow-Origin": app, "Access-Control-Allow-Methods": "POST",
				"Access-Control-Allow-Headers": "X-Company-Id, X-Application-Id, X-User-Id, Content-Type", "Access-Control-Max-Age": "600"}},
		{"standard route, mount origin", "OPTIONS", "/oauth2/token", preflight(app, "POST", "content-type"), "", 403, nil},
	})
}

// with returns a copy of h with k set to v.
func with(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		out[hk] = hv
	}
	return out
}

// TestCORSBadOrigins: a bad origins option fails the start, naming it.
func TestCORSBadOrigins(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	cases := []struct{ origins, want string }{
		{"*", "wildcards"},
		{"https://a.example/app", "no path"},
		{"https://a.example,https://b.example", "not key=value"},
		{"https://A.example", "lower case"},
		{"https://a.example|", "want scheme"},
	}
	for _, tc := range cases {
		env.App.Cfg.Mounts = []string{"dialect=icredit,tenant=demo,client=icredit-client,origins=" + tc.origins}
		_, err := env.App.Handler(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Handler() with origins=%s = %v, want an error containing %q", tc.origins, err, tc.want)
		}
	}
}

package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/store"
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

// TestCORSStandard: the standard endpoints scripts fetch answer the
// origins of every client (issue 12, acceptance 4), read through a cache
// the clock expires; other origins and requests without Origin get no CORS.
// It runs on SQLite and, when RENOVA_TEST_DATABASE_URL is set, PostgreSQL,
// since the origins come from the store.
func TestCORSStandard(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { corsStandard(t, apptest.Start(t, apptest.Options{})) })
	t.Run("postgres", func(t *testing.T) {
		corsStandard(t, apptest.Start(t, apptest.Options{DatabaseURL: apptest.PostgresURL(t)}))
	})
}

func corsStandard(t *testing.T, env *apptest.Env) {
	const spa, later, other = "https://spa.example", "https://later.example", "https://evil.example"
	newClient(t, env, "spa", spa)
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	login := url.Values{"grant_type": {"password"}, "client_id": {"spa"}, "username": {env.Creds.AdminLogin},
		"password": {env.Creds.AdminPass}}.Encode()
	read := func(o string) map[string]string {
		return map[string]string{"Access-Control-Allow-Origin": o, "Access-Control-Expose-Headers": "X-Trace-Id, Retry-After, WWW-Authenticate"}
	}
	runCORS(t, env, []corsCase{
		{"token preflight, client origin", "OPTIONS", "/oauth2/token", preflight(spa, "POST", "content-type"), "", 204,
			map[string]string{"Access-Control-Allow-Origin": spa, "Access-Control-Allow-Methods": "POST",
				"Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"}},
		{"token, client origin", "POST", "/oauth2/token", with(form, "Origin", spa), login, 200, read(spa)},
		{"token error (no client), client origin, still readable", "POST", "/oauth2/token", with(form, "Origin", spa), "grant_type=password", 401, read(spa)},
		{"revoke preflight", "OPTIONS", "/oauth2/revoke", preflight(spa, "POST", "authorization"), "", 204,
			map[string]string{"Access-Control-Allow-Origin": spa, "Access-Control-Allow-Methods": "POST",
				"Access-Control-Allow-Headers": "Authorization", "Access-Control-Max-Age": "600"}},
		{"jwks, client origin", "GET", "/oauth2/jwks", map[string]string{"Origin": spa}, "", 200, read(spa)},
		{"discovery, client origin", "GET", "/.well-known/openid-configuration", map[string]string{"Origin": spa}, "", 200, read(spa)},
		{"token preflight, other origin", "OPTIONS", "/oauth2/token", preflight(other, "POST", "content-type"), "", 403, nil},
		{"token, other origin", "POST", "/oauth2/token", with(form, "Origin", other), login, 200, nil},
		{"token, no origin", "POST", "/oauth2/token", form, login, 200, nil},
		{"OPTIONS that is no preflight", "OPTIONS", "/oauth2/token", nil, "", 404, nil},
		{"health is not CORS", "GET", "/healthz", map[string]string{"Origin": spa}, "", 200, nil},
	})
	// A client's new origin is let in once the cached union expires.
	newClient(t, env, "later", later)
	runCORS(t, env, []corsCase{{"new origin, within the cache", "GET", "/oauth2/jwks", map[string]string{"Origin": later}, "", 200, nil}})
	env.Clock.Advance(3 * time.Second)
	runCORS(t, env, []corsCase{{"new origin, after the cache", "GET", "/oauth2/jwks", map[string]string{"Origin": later}, "", 200, read(later)}})
}

// newClient creates a public client of the demo tenant with one origin.
func newClient(t *testing.T, env *apptest.Env, id, origin string) {
	t.Helper()
	ctx := context.Background()
	tenant, err := env.App.Store.TenantBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	c := &store.Client{ID: id, TenantID: tenant.ID, Name: id, Public: true, Scopes: []string{"openid", "profile"}, Origins: []string{origin}}
	if _, err := env.App.Svc.NewClient(ctx, c); err != nil {
		t.Fatal(err)
	}
}

package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/store"
)

// notFound is the catch-all answer for a path no surface claims.
const notFound = `{"error":"not_found","error_description":"no such endpoint"}`

func get(t *testing.T, env *apptest.Env, path string, header http.Header) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return env.Do(t, req)
}

// TestDefaultMounts: with no --mount, every dialect is served under
// /<name> for the demo tenant, the standard surface at the root, and
// anything else gets the JSON catch-all 404 (PRODUCT.md §3).
func TestDefaultMounts(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	cases := []struct {
		method, path string
		routed       bool
	}{
		{"POST", "/icredit/api/v1/auth/login", true},
		{"POST", "/consinco/api/v1/auth/login", true},
		{"POST", "/formulacerta/api/v2/account/login", true},
		{"GET", "/hdi/corporate/security/v1/openapi.json", true},
		{"GET", "/oauth2/jwks", true},
		{"GET", "/.well-known/openid-configuration", true},
		{"POST", "/api/v1/auth/login", false},                    // iCredit's native path: mounted under /icredit only
		{"GET", "/corporate/security/v1/openapi.json", false},    // HDI's likewise
		{"POST", "/icredit/api/v1/auth/no-such-endpoint", false}, // under a prefix, but no route
		{"GET", "/", false},
	}
	for _, tc := range cases {
		r := env.Post(t, tc.path, "application/json", "{}", nil)
		if tc.method == "GET" {
			r = get(t, env, tc.path, nil)
		}
		body := strings.TrimSpace(string(r.Body))
		if routed := body != notFound; routed != tc.routed {
			t.Errorf("%s %s = %d %.80s; routed %v, want %v", tc.method, tc.path, r.Status, body, routed, tc.routed)
		}
		if !tc.routed && (r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json")) {
			t.Errorf("%s %s = %d %s; want a JSON 404", tc.method, tc.path, r.Status, r.Header.Get("Content-Type"))
		}
	}
}

// TestExplicitMountReplacesDefaults: configured mounts are the only dialect
// mounts; an empty prefix serves the vendor's native paths, and the
// bootstrap credentials log in through them.
func TestExplicitMountReplacesDefaults(t *testing.T) {
	env := apptest.Start(t, apptest.Options{Mounts: []string{"dialect=icredit,prefix=,tenant=demo,client=icredit-client"}})
	body, _ := json.Marshal(map[string]string{"username": env.Creds.AdminLogin, "password": env.Creds.AdminPass})
	r := env.Post(t, "/api/v1/auth/login", "application/json", string(body), nil)
	var got map[string]any
	if err := json.Unmarshal(r.Body, &got); r.Status != 200 || err != nil || got["refresh_token"] == nil {
		t.Fatalf("iCredit login at the native path = %d %s", r.Status, r.Body)
	}
	for _, path := range []string{"/icredit/api/v1/auth/login", "/consinco/api/v1/auth/login"} {
		if r := env.Post(t, path, "application/json", string(body), nil); r.Status != 404 {
			t.Errorf("POST %s with only an explicit mount = %d, want 404 (defaults are off)", path, r.Status)
		}
	}
}

// TestMountOfAnotherTenantsClient: a mount may only bind a client to the
// tenant that owns it; otherwise tokens of one company would be issued
// under another's name.
func TestMountOfAnotherTenantsClient(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	tenantWithClient(t, env, "acme", "acme-client")
	env.App.Cfg.Mounts = []string{"dialect=icredit,prefix=/x,tenant=demo,client=acme-client"}
	_, err := env.App.Handler(t.Context())
	if err == nil || !strings.Contains(err.Error(), `client "acme-client" does not belong to tenant "demo"`) {
		t.Errorf("Handler() with another tenant's client = %v", err)
	}
	env.App.Cfg.Mounts = []string{"dialect=icredit,prefix=/x,tenant=acme,client=acme-client"}
	if _, err := env.App.Handler(t.Context()); err != nil {
		t.Errorf("Handler() with the tenant's own client = %v", err)
	}
}

// tenantWithClient adds a tenant and a confidential client of it.
func tenantWithClient(t *testing.T, env *apptest.Env, slug, clientID string) *store.Tenant {
	t.Helper()
	ctx := t.Context()
	ten := &store.Tenant{ID: "ten_" + slug, Slug: slug, Name: slug, Code: 2, CreatedAt: env.Clock.Now()}
	if err := env.App.Store.CreateTenant(ctx, ten); err != nil {
		t.Fatal(err)
	}
	if _, err := env.App.Svc.NewClient(ctx, &store.Client{ID: clientID, TenantID: ten.ID}); err != nil {
		t.Fatal(err)
	}
	return ten
}

// TestHealthAndTrace: /healthz answers without touching the database,
// /readyz after a ping; every answer carries a trace id, the caller's own
// when it is printable and short, a fresh one otherwise.
func TestHealthAndTrace(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	for path, want := range map[string]string{"/healthz": `{"status":"ok"}`, "/readyz": `{"status":"ready"}`} {
		r := get(t, env, path, nil)
		if r.Status != 200 || strings.TrimSpace(string(r.Body)) != want {
			t.Errorf("GET %s = %d %s, want 200 %s", path, r.Status, r.Body, want)
		}
	}
	cases := []struct{ sent, want string }{
		{"abc-123", "abc-123"},
		{"", ""},
		{"has space", ""},
		{strings.Repeat("x", 129), ""},
	}
	for _, tc := range cases {
		r := get(t, env, "/healthz", http.Header{"X-Trace-Id": {tc.sent}})
		got := r.Header.Get("X-Trace-Id")
		if tc.want != "" && got != tc.want {
			t.Errorf("X-Trace-Id %q echoed as %q", tc.sent, got)
		}
		if tc.want == "" && (len(got) != 16 || got == tc.sent) {
			t.Errorf("X-Trace-Id %.20q answered with %q; want a fresh 16-hex-digit id", tc.sent, got)
		}
	}
}

// TestMetrics: /metrics exposes the process collectors and the core's
// counters, which move with the requests served.
func TestMetrics(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	form := url.Values{"grant_type": {"password"}, "username": {env.Creds.AdminLogin}, "password": {"wrong password"}}
	req, _ := http.NewRequest("POST", env.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
	if r := env.Do(t, req); r.Status != 400 {
		t.Fatalf("login with a wrong password = %d %s", r.Status, r.Body)
	}
	r := get(t, env, "/metrics", nil)
	for _, want := range []string{"go_goroutines ", `renova_login_total{outcome="failure"} 1`} {
		if !strings.Contains(string(r.Body), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

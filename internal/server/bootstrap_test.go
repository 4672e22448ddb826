package server_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// TestCredentialsPrintedToTerminal: with text logs the first-start
// credentials go to the terminal, complete and usable, and no file is
// left behind; they log in as printed (PRODUCT.md §5: a new user logs in
// within a minute).
func TestCredentialsPrintedToTerminal(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	app, logs, err := build(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cr, err := app.Bootstrap(context.Background())
	if err != nil || cr == nil {
		t.Fatalf("Bootstrap = %+v, %v", cr, err)
	}
	var out bytes.Buffer
	if err := app.PrintCredentials(&out, cr); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"tenant": cr.Tenant, "password": cr.AdminPass, "client secret": cr.ClientSecret,
		"HDI key": cr.HDIKey, "curl line": "curl -s -u demo-client:" + cr.ClientSecret, "issuer": cfg.Issuer + "/oauth2/token"} {
		if !strings.Contains(out.String(), v) {
			t.Errorf("printed credentials lack the %s %q:\n%s", name, v, out.String())
		}
	}
	if strings.Contains(logs, cr.AdminPass) {
		t.Error("the admin password reached the log")
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*.credentials")); len(files) != 0 {
		t.Errorf("text logs, yet credentials were written to %v", files)
	}

	h, err := app.Handler(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	form := url.Values{"grant_type": {"password"}, "username": {cr.AdminLogin}, "password": {cr.AdminPass}}
	req, _ := http.NewRequest("POST", srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(cr.ClientID, cr.ClientSecret)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("login with the printed credentials = %d", resp.StatusCode)
	}
	if c, err := app.Svc.ClientByAPIKey(context.Background(), cr.HDIKey); err != nil || c.ID != "hdi-client" {
		t.Errorf("the printed HDI key finds client %v, %v; want hdi-client", c, err)
	}
}

// TestBootstrapRecords: the first start makes one client per dialect,
// each allowed only what its dialect needs.
func TestBootstrapRecords(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	ctx := context.Background()
	demo, err := env.App.Store.TenantBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id     string
		public bool
		grants []string
	}{
		{"demo-client", false, nil},
		{"icredit-client", true, []string{"password", "refresh_token"}},
		{"consinco-client", true, []string{"password", "refresh_token"}},
		{"formulacerta-client", true, []string{"password", "refresh_token"}},
		{"hdi-client", true, []string{"refresh_token"}},
		{"demo-spa", true, []string{"authorization_code", "refresh_token"}},
	}
	for _, tc := range cases {
		c, err := env.App.Store.GetClient(ctx, tc.id)
		if err != nil {
			t.Errorf("GetClient(%q) = %v", tc.id, err)
			continue
		}
		if c.TenantID != demo.ID || c.Public != tc.public || (tc.grants != nil && !slices.Equal(c.Grants, tc.grants)) {
			t.Errorf("client %s: tenant %s public %v grants %v; want tenant demo public %v grants %v", tc.id, c.TenantID, c.Public, c.Grants, tc.public, tc.grants)
		}
	}
	if hdi, _ := env.App.Store.GetClient(ctx, "hdi-client"); hdi.Alg != "RS256" || hdi.APIKeyHash == "" {
		t.Errorf("hdi-client: alg %s, API key hash set %v; want RS256 and a key (seed 003)", hdi.Alg, hdi.APIKeyHash != "")
	}
	// The browser client of the README's walk-through: public, PKCE, a
	// loopback redirect URI usable on any port.
	if spa, _ := env.App.Store.GetClient(ctx, "demo-spa"); !slices.Equal(spa.RedirectURIs, []string{server.SPARedirectURI}) ||
		!slices.Contains(spa.Scopes, "openid") || len(spa.PostLogoutURIs) != 1 {
		t.Errorf("demo-spa: redirect URIs %v, scopes %v, post-logout URIs %v", spa.RedirectURIs, spa.Scopes, spa.PostLogoutURIs)
	}
	if env.Creds.SPAClientID != "demo-spa" {
		t.Errorf("Credentials.SPAClientID = %q, want demo-spa", env.Creds.SPAClientID)
	}
	users, _ := env.App.Store.ListUsers(ctx, demo.ID)
	if len(users) != 1 || users[0].Login != "admin" || !slices.Contains(users[0].Roles, "admin") {
		t.Errorf("demo users = %v, want the one admin", users)
	}
}

// TestBootstrapLeavesExistingDatabase: a database that already has a
// tenant gets no demo records, and the default mounts, which need the demo
// tenant, are skipped rather than failing the start.
func TestBootstrapLeavesExistingDatabase(t *testing.T) {
	app, _, err := build(t, sqliteConfig(t, t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := app.Store.CreateTenant(ctx, &store.Tenant{ID: "ten_acme", Slug: "acme", Name: "Acme", Code: 7, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if cr, err := app.Bootstrap(ctx); err != nil || cr != nil {
		t.Fatalf("Bootstrap on a database with a tenant = %+v, %v; want nothing", cr, err)
	}
	if list, _ := app.Store.ListTenants(ctx); len(list) != 1 {
		t.Errorf("tenants after Bootstrap = %d, want only acme", len(list))
	}
	h, err := app.Handler(ctx)
	if err != nil {
		t.Fatalf("Handler() without the demo tenant = %v; the default mounts should be skipped", err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/icredit/api/v1/auth/login", strings.NewReader("{}")))
	if rec.Code != 404 {
		t.Errorf("POST /icredit/api/v1/auth/login without the demo tenant = %d, want 404", rec.Code)
	}
}

// TestReadyzFollowsTheDatabase: /readyz turns 503 when the store no
// longer answers, while /healthz (the process is alive) stays 200.
func TestReadyzFollowsTheDatabase(t *testing.T) {
	cfg := sqliteConfig(t, t.TempDir())
	cfg.Secret = strings.Repeat("s", 32)
	app, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := app.Handler(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	status := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code, strings.TrimSpace(rec.Body.String())
	}
	if code, body := status("/readyz"); code != 200 {
		t.Fatalf("readyz with an open database = %d %s", code, body)
	}
	app.Audit.Close()
	app.Store.Close()
	if code, body := status("/readyz"); code != 503 || body != `{"reason":"database","status":"unavailable"}` {
		t.Errorf("readyz with the database closed = %d %s", code, body)
	}
	if code, _ := status("/healthz"); code != 200 {
		t.Errorf("healthz with the database closed = %d, want 200", code)
	}
}

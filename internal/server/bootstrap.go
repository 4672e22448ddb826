package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// Credentials are what the first start prints once. Only hashes are
// stored, so this is the one moment the secrets exist in plaintext.
type Credentials struct {
	Tenant       string `json:"tenant"`
	AdminLogin   string `json:"admin_login"`
	AdminPass    string `json:"admin_password"`
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	HDIKey       string `json:"hdi_api_key"`
	// SPAClientID is the public browser client (authorization code +
	// PKCE, loopback redirect URI) the README's browser walk-through uses.
	SPAClientID string `json:"spa_client_id"`
	// AdminClientID and AdminClientSecret are the admin API's client
	// (client_credentials, scope renova:admin:all; issue 13).
	AdminClientID     string `json:"admin_client_id"`
	AdminClientSecret string `json:"admin_client_secret"`
}

// AdminClientID is the client the first start creates for the admin API:
// confidential, client_credentials only, with renova:admin:all, since the
// operator of a fresh install manages every tenant. Tenant administrators
// get clients with renova:admin in their own tenant.
const AdminClientID = "demo-admin"

// SPARedirectURI is the demo browser client's redirect URI. It is a
// loopback URI, so a public client may use it on any port (RFC 8252 §7.3);
// nothing needs to listen there: the browser shows the code in the
// address bar.
const SPARedirectURI = "http://127.0.0.1/callback"

// Bootstrap creates the demo tenant, an admin user and a confidential
// client when the database has no tenant yet; it returns nil otherwise, so
// a database in use never gains a demo admin (PRODUCT.md §5: a new user
// logs in within a minute). It also makes one client per dialect for the
// default mounts: public, because the seeds' clients send no secret, and
// limited to the grants their dialect uses. The HDI client follows seed
// 003: RS256 tokens of one hour, a partner API key, and a 25-hour idle
// timeout (the token's hour plus the 24-hour renewal window).
func (a *App) Bootstrap(ctx context.Context) (*Credentials, error) {
	list, err := a.Store.ListTenants(ctx)
	if err != nil || len(list) > 0 {
		return nil, err
	}
	now := a.Svc.Now()
	t := &store.Tenant{ID: auth.NewID(rand.Reader, "ten"), Slug: "demo", Name: "Demo", Type: "demo", Code: 1, CreatedAt: now}
	if err := a.Store.CreateTenant(ctx, t); err != nil {
		return nil, fmt.Errorf("bootstrap tenant: %w", err)
	}
	cr := &Credentials{Tenant: t.Slug, AdminLogin: "admin", AdminPass: randomSecret()[:20], ClientID: "demo-client"}
	u := &store.User{TenantID: t.ID, Login: cr.AdminLogin, Email: "admin@demo.invalid", Name: "Demo Admin", Roles: []string{"admin"}}
	if err := a.Svc.NewUser(ctx, u, cr.AdminPass); err != nil {
		return nil, fmt.Errorf("bootstrap admin: %w", err)
	}
	c := &store.Client{ID: cr.ClientID, TenantID: t.ID, Name: "Demo client", Scopes: []string{"openid", "profile"},
		Grace: auth.DefaultGrace}
	if cr.ClientSecret, err = a.Svc.NewClient(ctx, c); err != nil {
		return nil, fmt.Errorf("bootstrap client: %w", err)
	}
	for _, d := range []string{"icredit", "consinco", "formulacerta"} {
		dc := &store.Client{ID: DefaultClientID(d), TenantID: t.ID, Name: d + " dialect (demo)", Public: true,
			Grants: []string{"password", "refresh_token"}, Scopes: []string{"openid", "profile"}, Grace: auth.DefaultGrace, Dialects: []string{d}}
		if _, err := a.Svc.NewClient(ctx, dc); err != nil {
			return nil, fmt.Errorf("bootstrap %s client: %w", d, err)
		}
	}
	spa := &store.Client{ID: "demo-spa", TenantID: t.ID, Name: "Demo browser app", Public: true,
		Grants: []string{"authorization_code", "refresh_token"}, Scopes: []string{"openid", "profile", "email", "offline_access"},
		RedirectURIs: []string{SPARedirectURI}, PostLogoutURIs: []string{"http://127.0.0.1/signed-out"}, Grace: auth.DefaultGrace}
	if _, err := a.Svc.NewClient(ctx, spa); err != nil {
		return nil, fmt.Errorf("bootstrap browser client: %w", err)
	}
	cr.SPAClientID = spa.ID
	hc := &store.Client{ID: DefaultClientID("hdi"), TenantID: t.ID, Name: "HDI partner (demo)", Public: true, Alg: "RS256",
		AppCode: "demo-app", Grants: []string{"refresh_token"}, Grace: auth.DefaultGrace, AccessTTL: time.Hour,
		IdleTTL: 25 * time.Hour, Dialects: []string{"hdi"}}
	if _, err := a.Svc.NewClient(ctx, hc); err != nil {
		return nil, fmt.Errorf("bootstrap hdi client: %w", err)
	}
	if cr.HDIKey, err = a.Svc.NewAPIKey(ctx, hc.ID); err != nil {
		return nil, fmt.Errorf("bootstrap hdi key: %w", err)
	}
	ac := &store.Client{ID: AdminClientID, TenantID: t.ID, Name: "Admin API (demo)", Grants: []string{"client_credentials"},
		Scopes: []string{auth.ScopeAdminAll}}
	if cr.AdminClientSecret, err = a.Svc.NewClient(ctx, ac); err != nil {
		return nil, fmt.Errorf("bootstrap admin client: %w", err)
	}
	cr.AdminClientID = ac.ID
	return cr, nil
}

// PrintCredentials shows the first-start credentials once. With text logs
// they go to w (the terminal); with JSON logs, which usually feed a
// collector, they go to a 0600 file beside the database instead and only
// its path is printed, so they never reach the log pipeline.
func (a *App) PrintCredentials(w io.Writer, cr *Credentials) error {
	text := fmt.Sprintf(`
  renova first start: created tenant %q. These credentials are shown once.
    admin user:     %s
    admin password: %s
    client id:      %s
    client secret:  %s
    HDI partner API key (client hdi-client): %s
    browser client (public, PKCE): %s, redirect URI %s
    admin API client (client_credentials, scope renova:admin:all): %s
    admin API client secret: %s
  Try: curl -s -u %s:%s -d grant_type=password -d username=%s -d password=%s %s/oauth2/token
  Sign in with a browser: see "Browser sign-in" in the README.

`, cr.Tenant, cr.AdminLogin, cr.AdminPass, cr.ClientID, cr.ClientSecret, cr.HDIKey, cr.SPAClientID, SPARedirectURI,
		cr.AdminClientID, cr.AdminClientSecret, cr.ClientID, cr.ClientSecret, cr.AdminLogin, cr.AdminPass, a.Cfg.Issuer)
	if a.Cfg.LogFormat != "json" {
		_, err := io.WriteString(w, text)
		return err
	}
	dir := "."
	if p := a.Cfg.SQLitePath(); p != "" {
		dir = filepath.Dir(p)
	}
	file := filepath.Join(dir, fmt.Sprintf("renova-first-start-%d.credentials", time.Now().Unix()))
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		return err
	}
	a.Logger.Warn("first start: credentials written to a 0600 file; read and delete it", "file", file)
	return nil
}

// randomSecret returns 192 random bits as 48 hex digits: above the 32
// characters a master secret needs, and typeable in a terminal.
func randomSecret() string {
	b := make([]byte, 24)
	rand.Read(b)
	return hex.EncodeToString(b)
}

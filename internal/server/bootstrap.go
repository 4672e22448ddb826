package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
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
//
// Everything is stored in one transaction (store.Seeder): a crash halfway
// leaves nothing, so the next start bootstraps again and prints the
// credentials. Two replicas starting together on an empty PostgreSQL both
// try; the second one's transaction hits the taken slug, and it returns
// nil like a start on a database in use.
func (a *App) Bootstrap(ctx context.Context) (*Credentials, error) {
	list, err := a.Store.ListTenants(ctx)
	if err != nil || len(list) > 0 {
		return nil, err
	}
	d, err := a.demo(ctx)
	if err != nil {
		return nil, err
	}
	err = a.Store.CreateTenantWith(ctx, d.tenant, d.users, d.clients)
	if errors.Is(err, store.ErrConflict) {
		if list, lerr := a.Store.ListTenants(ctx); lerr == nil && len(list) > 0 {
			return nil, nil // another replica bootstrapped first
		}
	}
	if err != nil {
		return nil, fmt.Errorf("bootstrap: %w", err)
	}
	return d.creds, nil
}

// demoRecords are the first start's records, prepared in memory
// (password hashed, secrets generated) before one store call writes them.
type demoRecords struct {
	tenant  *store.Tenant
	users   []*store.User
	clients []*store.Client
	creds   *Credentials
}

// demo prepares the demo tenant's records and their credentials.
func (a *App) demo(ctx context.Context) (*demoRecords, error) {
	now := a.Svc.Now()
	t := &store.Tenant{ID: auth.NewID(rand.Reader, "ten"), Slug: "demo", Name: "Demo", Type: "demo", Code: 1, CreatedAt: now}
	cr := &Credentials{Tenant: t.Slug, AdminLogin: "admin", AdminPass: randomSecret()[:20], ClientID: "demo-client"}
	u := &store.User{TenantID: t.ID, Login: cr.AdminLogin, Email: "admin@demo.invalid", Name: "Demo Admin", Roles: []string{"admin"}}
	if err := a.Svc.PrepareUser(ctx, u, cr.AdminPass); err != nil {
		return nil, fmt.Errorf("bootstrap admin: %w", err)
	}
	clients := demoClients(t.ID)
	for _, c := range clients {
		secret, err := a.Svc.PrepareClient(c)
		if err != nil {
			return nil, fmt.Errorf("bootstrap client %s: %w", c.ID, err)
		}
		switch c.ID {
		case cr.ClientID:
			cr.ClientSecret = secret
		case DefaultClientID("hdi"):
			cr.HDIKey = a.Svc.PrepareAPIKey(c)
		case "demo-spa":
			cr.SPAClientID = c.ID
		case AdminClientID:
			cr.AdminClientID, cr.AdminClientSecret = c.ID, secret
		}
	}
	return &demoRecords{tenant: t, users: []*store.User{u}, clients: clients, creds: cr}, nil
}

// demoClients lists the demo tenant's clients: the confidential
// demo-client, one public client per JSON dialect, the browser client,
// the HDI partner client and the admin API's client.
func demoClients(tenantID string) []*store.Client {
	list := []*store.Client{{ID: "demo-client", TenantID: tenantID, Name: "Demo client", Scopes: []string{"openid", "profile"},
		Grace: auth.DefaultGrace}}
	for _, d := range []string{"icredit", "consinco", "formulacerta"} {
		list = append(list, &store.Client{ID: DefaultClientID(d), TenantID: tenantID, Name: d + " dialect (demo)", Public: true,
			Grants: []string{"password", "refresh_token"}, Scopes: []string{"openid", "profile"}, Grace: auth.DefaultGrace, Dialects: []string{d}})
	}
	return append(list,
		&store.Client{ID: "demo-spa", TenantID: tenantID, Name: "Demo browser app", Public: true,
			Grants: []string{"authorization_code", "refresh_token"}, Scopes: []string{"openid", "profile", "email", "offline_access"},
			RedirectURIs: []string{SPARedirectURI}, PostLogoutURIs: []string{"http://127.0.0.1/signed-out"}, Grace: auth.DefaultGrace},
		&store.Client{ID: DefaultClientID("hdi"), TenantID: tenantID, Name: "HDI partner (demo)", Public: true, Alg: "RS256",
			AppCode: "demo-app", Grants: []string{"refresh_token"}, Grace: auth.DefaultGrace, AccessTTL: time.Hour,
			IdleTTL: 25 * time.Hour, Dialects: []string{"hdi"}},
		&store.Client{ID: AdminClientID, TenantID: tenantID, Name: "Admin API (demo)", Grants: []string{"client_credentials"},
			Scopes: []string{auth.ScopeAdminAll}})
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

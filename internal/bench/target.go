package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// Target is the server under load: its base URL, the credentials the bench
// uses, and the HTTP client that drives it. An embedded target also holds
// the in-process renova, whose store the invariants read.
type Target struct {
	URL     string
	Creds   Creds
	HTTP    *http.Client
	Backend string // sqlite, postgres, or remote (--url)

	app   *server.App
	db    *database // the run's database, for invariants; nil for remote
	close []func()
}

// Close stops the embedded server and removes what the run created (the
// temporary SQLite file, the PostgreSQL schema), in reverse order.
func (t *Target) Close() {
	for i := len(t.close) - 1; i >= 0; i-- {
		t.close[i]()
	}
	t.close = nil
}

// newHTTP returns a client tuned for one host: a keep-alive connection per
// worker, no compression, no proxy, HTTP/1.1 as wrk and most load tools
// speak it.
func newHTTP(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// remote is the --url target: credentials come from flags.
func remote(cfg *Config) (*Target, error) {
	if cfg.ClientID == "" || len(cfg.Users) == 0 {
		return nil, errors.New("--url needs --client-id (and --client-secret for a confidential client) and --username/--password")
	}
	t := &Target{URL: strings.TrimRight(cfg.URL, "/"), Backend: "remote", HTTP: newHTTP(cfg.Connections),
		Creds: Creds{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Users: cfg.Users, Tenant: cfg.Tenant,
			APIKey: cfg.APIKey, AppCode: cfg.AppCode, Prefix: cfg.Prefix}}
	if t.Creds.Prefix == "" && cfg.Surface != "standard" {
		t.Creds.Prefix = "/" + cfg.Surface
	}
	return t, nil
}

// embed starts renova in process on a fresh database (a temporary SQLite
// file, or a new schema of cfg.DatabaseURL), bootstraps it, creates the
// bench's tenant, client and users, and serves it on a loopback port
// through the same Serve as `renova serve` (pprof on cfg.DebugAddr). When
// a step fails, what the earlier steps made is closed before it returns.
func embed(ctx context.Context, cfg *Config, s *Surface) (*Target, error) {
	t := &Target{HTTP: newHTTP(cfg.Connections)}
	if err := t.setUp(ctx, cfg, s); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// setUp carries out embed's steps, registering each one's cleanup on t.
func (t *Target) setUp(ctx context.Context, cfg *Config, s *Surface) error {
	dbURL, err := t.freshDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	app, err := t.build(ctx, cfg, dbURL)
	if err != nil {
		return err
	}
	if err := t.seed(ctx, cfg, app, s); err != nil {
		return err
	}
	if err := t.serve(ctx, app); err != nil {
		return err
	}
	if t.db, err = openDatabase(dbURL); err != nil {
		return err
	}
	t.close = append(t.close, func() { t.db.Close() })
	return nil
}

// freshDatabase returns the URL of an empty database for this run.
func (t *Target) freshDatabase(ctx context.Context, cfg *Config) (string, error) {
	if cfg.DatabaseURL == "" || strings.HasPrefix(cfg.DatabaseURL, "sqlite:") {
		t.Backend = "sqlite"
		dir, err := os.MkdirTemp(cfg.TempDir, "renova-bench-")
		if err != nil {
			return "", err
		}
		t.close = append(t.close, func() { os.RemoveAll(dir) })
		return "sqlite:" + filepath.Join(dir, "renova.db"), nil
	}
	t.Backend = "postgres"
	u, drop, err := freshSchema(ctx, cfg.DatabaseURL, "bench_")
	if err != nil {
		return "", err
	}
	t.close = append(t.close, drop)
	return u, nil
}

// build builds the app as `renova serve` would, with the bench's knobs.
func (t *Target) build(ctx context.Context, cfg *Config, dbURL string) (*server.App, error) {
	c := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL, Secret: cfg.Secret, LogFormat: "text",
		LogLevel: "warn", StoreTimeout: cfg.StoreTimeout, DBMaxConns: cfg.DBMaxConns, KeyReload: 30 * time.Second,
		LoginSlots: cfg.LoginSlots, DebugAddr: cfg.DebugAddr}
	if c.Secret == "" {
		c.Secret = randomHex(24) // one run, one secret: nothing outlives it
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	app, err := server.Build(ctx, c, cfg.logger(), server.Options{Password: cfg.Password})
	if err != nil {
		return nil, err
	}
	t.close = append(t.close, func() { app.Close() })
	t.app = app
	return app, nil
}

// benchTenant is the slug of the tenant the bench creates for itself.
const benchTenant = "bench"

// seed bootstraps the demo records and creates the bench's own: for the
// standard surface a bench tenant with a confidential client holding the
// standard grants; for a dialect, the demo tenant and the dialect's
// bootstrap client behind its default mount. Either way cfg.UserCount
// users with a random password are created in that tenant.
func (t *Target) seed(ctx context.Context, cfg *Config, app *server.App, s *Surface) error {
	demo, err := app.Bootstrap(ctx)
	if err != nil {
		return err
	}
	if demo == nil {
		return errors.New("bench: the fresh database was already bootstrapped")
	}
	ten, err := app.Store.TenantBySlug(ctx, demo.Tenant)
	if err != nil {
		return err
	}
	t.Creds = Creds{ClientID: s.Client, APIKey: demo.HDIKey, AppCode: "demo-app", Prefix: "/" + s.Name}
	if s.Client == "" {
		if ten, err = t.benchClient(ctx, app); err != nil {
			return err
		}
	}
	t.Creds.Tenant, t.Creds.TenantCode = ten.Slug, ten.Code
	pw := randomHex(12)
	for i := range max(cfg.UserCount, 1) {
		if s.Name == "hdi" { // HDI creates its external users on first use (X-User-Id)
			t.Creds.Users = append(t.Creds.Users, User{Login: fmt.Sprintf("bench-partner-%04d", i+1)})
			continue
		}
		u := &store.User{TenantID: ten.ID, Login: fmt.Sprintf("bench-%04d", i+1), Email: fmt.Sprintf("bench-%04d@bench.invalid", i+1), Name: "Bench user"}
		if err := app.Svc.NewUser(ctx, u, pw); err != nil {
			return fmt.Errorf("bench user: %w", err)
		}
		t.Creds.Users = append(t.Creds.Users, User{Login: u.Login, Password: pw})
	}
	return nil
}

// benchClient creates the bench tenant and its confidential client.
func (t *Target) benchClient(ctx context.Context, app *server.App) (*store.Tenant, error) {
	ten := &store.Tenant{ID: auth.NewID(rand.Reader, "ten"), Slug: benchTenant, Name: "renova bench", Type: "bench",
		Code: 9999, CreatedAt: app.Svc.Now()}
	if err := app.Store.CreateTenant(ctx, ten); err != nil {
		return nil, fmt.Errorf("bench tenant: %w", err)
	}
	t.Creds.ClientID, t.Creds.Prefix = "bench-client", ""
	c := &store.Client{ID: t.Creds.ClientID, TenantID: ten.ID, Name: "renova bench", Scopes: []string{"openid", "profile"},
		Grants: []string{"password", "refresh_token", "client_credentials"}, Grace: auth.DefaultGrace}
	var err error
	if t.Creds.ClientSecret, err = app.Svc.NewClient(ctx, c); err != nil {
		return nil, fmt.Errorf("bench client: %w", err)
	}
	return ten, nil
}

// serve runs app.Serve on a loopback port until Close.
func (t *Target) serve(ctx context.Context, app *server.App) error {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ready := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- app.Serve(sctx, ready) }()
	select {
	case addr := <-ready:
		t.URL = "http://" + addr.String()
	case err := <-errc:
		cancel()
		return err
	}
	t.close = append(t.close, func() {
		cancel()
		if err := <-errc; err != nil {
			app.Logger.Warn("bench server", "err", err)
		}
	})
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// logger returns the configured logger, or one that keeps warnings.
func (c *Config) logger() *slog.Logger {
	if c.Logger != nil {
		return c.Logger
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// Package benchtarget is the composition root of `renova bench`'s
// embedded mode (issue 11): it starts renova exactly as `renova serve`
// does (server.Build, Bootstrap, Serve on a loopback port), and the floor
// reference, each on a fresh database for one run, and answers the
// invariants' questions from renova's store. It implements bench.Launcher,
// so that the load generator knows renova only by its HTTP surface.
package benchtarget

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// Config is how the embedded servers are built. Zero fields take
// renova's defaults.
type Config struct {
	DatabaseURL  string          // "" (temporary SQLite) or postgres://... (a fresh schema is made and dropped)
	Secret       string          // RENOVA_SECRET; generated for the run when empty
	DBMaxConns   int             // PostgreSQL pool size, renova's and the floor's (renova's default 16)
	LoginSlots   int             // password hashes at once (0 = renova's default)
	StoreTimeout time.Duration   // renova's --store-timeout (default 3s)
	DebugAddr    string          // serve pprof here (off when empty)
	TempDir      string          // where the SQLite files go (default os.TempDir)
	Password     password.Params // argon2id cost; zero means production's (tests pass a cheap one)
	Users        int             // users created for the bench (default 8)
	SeedSessions int             // extra live sessions bulk-inserted before the run (--seed-sessions; see seed.go)
	Logger       *slog.Logger    // the embedded server's log (default: warnings to stderr)
}

// Launcher starts the servers of embedded bench runs.
type Launcher struct{ cfg Config }

var _ bench.Launcher = (*Launcher)(nil)

// New returns a Launcher that builds its servers as cfg says.
func New(cfg Config) *Launcher {
	if cfg.DBMaxConns <= 0 {
		cfg.DBMaxConns = 16
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = 3 * time.Second
	}
	if cfg.Users <= 0 {
		cfg.Users = 8
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return &Launcher{cfg: cfg}
}

// cleanups are the undo steps of a start, run newest first.
type cleanups []func()

func (c *cleanups) add(f func()) { *c = append(*c, f) }

// run undoes every step, newest first, once.
func (c *cleanups) run() {
	for i := len(*c) - 1; i >= 0; i-- {
		(*c)[i]()
	}
	*c = nil
}

// Renova starts renova on a fresh database (a temporary SQLite file, or
// a new schema of DatabaseURL), bootstraps it, creates the bench's
// tenant, client and users for surface s, and serves it on a loopback
// port through the same Serve as `renova serve` (pprof on DebugAddr).
// When a step fails, what the earlier steps made is removed before the
// error returns.
func (l *Launcher) Renova(ctx context.Context, s *bench.Surface) (*bench.Server, error) {
	var undo cleanups
	srv, err := l.renova(ctx, s, &undo)
	if err != nil {
		undo.run()
		return nil, err
	}
	srv.Close = undo.run
	return srv, nil
}

// renova carries out Renova's steps, registering each one's undo.
func (l *Launcher) renova(ctx context.Context, s *bench.Surface, undo *cleanups) (*bench.Server, error) {
	dbURL, backend, err := l.freshDatabase(ctx, undo)
	if err != nil {
		return nil, err
	}
	app, err := l.build(ctx, dbURL, undo)
	if err != nil {
		return nil, err
	}
	creds, err := l.seed(ctx, app, s)
	if err != nil {
		return nil, err
	}
	if err := l.seedSessions(ctx, app, dbURL, creds.Tenant, l.cfg.SeedSessions); err != nil {
		return nil, err
	}
	url, err := serve(ctx, app, undo)
	if err != nil {
		return nil, err
	}
	db, err := openDatabase(dbURL)
	if err != nil {
		return nil, err
	}
	undo.add(func() { db.Close() })
	return &bench.Server{URL: url, Backend: backend, Creds: creds, Store: &inspector{app: app, db: db}}, nil
}

// freshDatabase returns the URL of an empty database for this run and
// its backend's name.
func (l *Launcher) freshDatabase(ctx context.Context, undo *cleanups) (string, string, error) {
	if !isPostgres(l.cfg.DatabaseURL) {
		dir, err := os.MkdirTemp(l.cfg.TempDir, "renova-bench-")
		if err != nil {
			return "", "", err
		}
		undo.add(func() { os.RemoveAll(dir) })
		return "sqlite:" + filepath.Join(dir, "renova.db"), "sqlite", nil
	}
	u, drop, err := freshSchema(ctx, l.cfg.DatabaseURL, "bench_")
	if err != nil {
		return "", "", err
	}
	undo.add(drop)
	return u, "postgres", nil
}

// isPostgres reports whether dbURL names a PostgreSQL server; anything
// else (empty, sqlite:PATH) runs on a temporary SQLite file.
func isPostgres(dbURL string) bool {
	return dbURL != "" && !strings.HasPrefix(dbURL, "sqlite:")
}

// build builds the app as `renova serve` would, with the bench's knobs.
func (l *Launcher) build(ctx context.Context, dbURL string, undo *cleanups) (*server.App, error) {
	c := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: dbURL, Secret: l.cfg.Secret, LogFormat: "text",
		LogLevel: "warn", StoreTimeout: l.cfg.StoreTimeout, DBMaxConns: l.cfg.DBMaxConns, KeyReload: 30 * time.Second,
		LoginSlots: l.cfg.LoginSlots, DebugAddr: l.cfg.DebugAddr}
	if c.Secret == "" {
		c.Secret = randomHex(24) // one run, one secret: nothing outlives it
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	app, err := server.Build(ctx, c, l.cfg.Logger, server.Options{Password: l.cfg.Password})
	if err != nil {
		return nil, err
	}
	undo.add(func() { app.Close() })
	return app, nil
}

// benchTenant is the slug of the tenant the bench creates for itself.
const benchTenant = "bench"

// seed bootstraps the demo records and creates the bench's own: for the
// standard surface a bench tenant with a confidential client holding the
// standard grants; for a dialect, the demo tenant and the dialect's
// bootstrap client (s.Client) behind its default mount. Either way Users
// users with a random password are created in that tenant.
func (l *Launcher) seed(ctx context.Context, app *server.App, s *bench.Surface) (bench.Creds, error) {
	demo, err := app.Bootstrap(ctx)
	if err != nil {
		return bench.Creds{}, err
	}
	if demo == nil {
		return bench.Creds{}, errors.New("bench: the fresh database was already bootstrapped")
	}
	ten, err := app.Store.TenantBySlug(ctx, demo.Tenant)
	if err != nil {
		return bench.Creds{}, err
	}
	creds := bench.Creds{ClientID: s.Client, APIKey: demo.HDIKey, AppCode: "demo-app", Prefix: "/" + s.Name}
	switch {
	case s.Client == "":
		if ten, err = benchClient(ctx, app, &creds); err != nil {
			return bench.Creds{}, err
		}
		if err = browserClient(ctx, app, ten, &creds); err != nil {
			return bench.Creds{}, err
		}
	case s.Name != "hdi": // the dialect's users are the demo tenant's, and so is its browser client
		creds.BrowserClientID, creds.RedirectURI = demo.SPAClientID, server.SPARedirectURI
	}
	creds.Tenant, creds.TenantCode = ten.Slug, ten.Code
	creds.Users, err = l.users(ctx, app, ten, s)
	return creds, err
}

// users creates the bench's users in ten, all with one random password.
// HDI creates its external users on first use (X-User-Id), so for it
// they are only named.
func (l *Launcher) users(ctx context.Context, app *server.App, ten *store.Tenant, s *bench.Surface) ([]bench.User, error) {
	pw := randomHex(12)
	users := make([]bench.User, 0, l.cfg.Users)
	for i := range l.cfg.Users {
		if s.Name == "hdi" {
			users = append(users, bench.User{Login: fmt.Sprintf("bench-partner-%04d", i+1)})
			continue
		}
		u := &store.User{TenantID: ten.ID, Login: fmt.Sprintf("bench-%04d", i+1), Email: fmt.Sprintf("bench-%04d@bench.invalid", i+1), Name: "Bench user"}
		if err := app.Svc.NewUser(ctx, u, pw); err != nil {
			return nil, fmt.Errorf("bench user: %w", err)
		}
		users = append(users, bench.User{Login: u.Login, Password: pw})
	}
	return users, nil
}

// benchClient creates the bench tenant and its confidential client, and
// puts the client's id and secret into creds.
func benchClient(ctx context.Context, app *server.App, creds *bench.Creds) (*store.Tenant, error) {
	ten := &store.Tenant{ID: auth.NewID(rand.Reader, "ten"), Slug: benchTenant, Name: "renova bench", Type: "bench",
		Code: 9999, CreatedAt: app.Svc.Now()}
	if err := app.Store.CreateTenant(ctx, ten); err != nil {
		return nil, fmt.Errorf("bench tenant: %w", err)
	}
	creds.ClientID, creds.Prefix = "bench-client", ""
	c := &store.Client{ID: creds.ClientID, TenantID: ten.ID, Name: "renova bench", Scopes: []string{"openid", "profile"},
		Grants: []string{"password", "refresh_token", "client_credentials"}, Grace: auth.DefaultGrace}
	var err error
	if creds.ClientSecret, err = app.Svc.NewClient(ctx, c); err != nil {
		return nil, fmt.Errorf("bench client: %w", err)
	}
	return ten, nil
}

// BrowserRedirectURI is the redirect URI of the bench's browser client.
// Nothing listens there: the bench reads the Location of the login
// form's answer and never follows it.
const BrowserRedirectURI = "http://127.0.0.1/cb"

// browserClient creates the bench's public browser client in ten (the
// authorization code grant with PKCE, issue 12) and names it in creds.
func browserClient(ctx context.Context, app *server.App, ten *store.Tenant, creds *bench.Creds) error {
	c := &store.Client{ID: "bench-browser", TenantID: ten.ID, Name: "renova bench (browser)", Public: true,
		Grants: []string{"authorization_code", "refresh_token"}, Scopes: []string{"openid", "profile"},
		RedirectURIs: []string{BrowserRedirectURI}, Grace: auth.DefaultGrace}
	if _, err := app.Svc.NewClient(ctx, c); err != nil {
		return fmt.Errorf("bench browser client: %w", err)
	}
	creds.BrowserClientID, creds.RedirectURI = c.ID, BrowserRedirectURI
	return nil
}

// serve runs app.Serve on a loopback port until the undo steps run, and
// returns its base URL.
func serve(ctx context.Context, app *server.App, undo *cleanups) (string, error) {
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	ready := make(chan net.Addr, 1)
	errc := make(chan error, 1)
	go func() { errc <- app.Serve(sctx, ready) }()
	select {
	case addr := <-ready:
		undo.add(func() {
			cancel()
			if err := <-errc; err != nil {
				app.Logger.Warn("bench server", "err", err)
			}
		})
		return "http://" + addr.String(), nil
	case err := <-errc:
		cancel()
		return "", err
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

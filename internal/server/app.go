// Package server is the composition root: it opens the store, builds the
// core, mounts the surfaces and runs the HTTP server with health checks,
// metrics and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/renova-auth/renova/internal/audit"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/postgres"
	"github.com/renova-auth/renova/internal/store/sqlite"
)

// App is a built renova: store, keys and core, ready to serve or to be
// driven by CLI commands.
type App struct {
	Cfg      *config.Config
	Logger   *slog.Logger
	Store    store.Store
	Ring     *keys.Ring
	Svc      *auth.Service
	Audit    *audit.Log
	Registry *prometheus.Registry
}

// Options tune Build for tests and benchmarks.
type Options struct {
	Now      func() time.Time // default time.Now
	Password password.Params  // default password.Default
}

// Build opens the store named by cfg, applies migrations, loads or creates
// the signing keys and builds the core.
func Build(ctx context.Context, cfg *config.Config, logger *slog.Logger, opt Options) (*App, error) {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Password == (password.Params{}) {
		opt.Password = password.Default
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	master, err := masterSecret(cfg, logger)
	if err != nil {
		st.Close()
		return nil, err
	}
	ring := keys.NewRing(st, secret.Derive(master, "signing key sealing v1"), opt.Now)
	if err := ring.Ensure(ctx); err != nil {
		st.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	slots := cfg.LoginSlots
	if slots <= 0 {
		// Half the CPUs: with 32 logins in flight, refreshes keep most of
		// their throughput (issue 8: refresh beside logins went from 46 %
		// to 81 % of its figure alone on 2 cores).
		slots = max(1, runtime.NumCPU()/2)
	}
	log := audit.New(st, logger)
	svc := auth.New(st, ring, password.New(opt.Password, slots), log, auth.NewMetrics(reg), auth.Config{
		Issuer: cfg.Issuer, SuccessorKey: secret.Derive(master, "refresh successor v1"),
		StoreTimeout: cfg.StoreTimeout, Now: opt.Now,
		LoginAccountLimit: cfg.LoginAccountLimit, LoginIPLimit: cfg.LoginIPLimit, LoginWindow: cfg.LoginWindow,
	})
	return &App{Cfg: cfg, Logger: logger, Store: st, Ring: ring, Svc: svc, Audit: log, Registry: reg}, nil
}

// Close flushes the audit log and closes the store.
func (a *App) Close() error {
	a.Audit.Close()
	return a.Store.Close()
}

// OpenStore opens the database named by cfg.DatabaseURL and migrates it.
func OpenStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if path := cfg.SQLitePath(); path != "" {
		return sqlite.Open(ctx, path)
	}
	return postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: int32(cfg.DBMaxConns), StatementTimeout: cfg.StoreTimeout})
}

// masterSecret returns RENOVA_SECRET. On SQLite without it, a generated
// secret is kept in a 0600 file beside the database (a development
// convenience, warned about); on PostgreSQL it is required, because
// replicas must share it.
func masterSecret(cfg *config.Config, logger *slog.Logger) ([]byte, error) {
	if cfg.Secret != "" {
		if len(cfg.Secret) < 32 {
			return nil, errors.New("RENOVA_SECRET must be at least 32 characters")
		}
		return []byte(cfg.Secret), nil
	}
	path := cfg.SQLitePath()
	if path == "" {
		return nil, errors.New("RENOVA_SECRET is required with PostgreSQL (every replica needs the same one)")
	}
	file := path + ".secret"
	if b, err := os.ReadFile(file); err == nil {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	s := randomSecret()
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(file, []byte(s+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("write dev secret: %w", err)
	}
	logger.Warn("RENOVA_SECRET is not set: generated one for development and stored it beside the database; set RENOVA_SECRET in production", "file", file)
	return []byte(s), nil
}

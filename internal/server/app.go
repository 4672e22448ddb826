// Package server is the composition root: it opens the store, builds the
// core, mounts the surfaces and runs the HTTP server with health checks,
// metrics and graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
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
// driven by CLI commands. Each App has its own Prometheus registry rather
// than the global one, so two Apps in one process (tests, or two replicas
// in a benchmark) do not collide on registration.
type App struct {
	Cfg      *config.Config
	Logger   *slog.Logger
	Store    store.Store
	Ring     *keys.Ring
	Svc      *auth.Service
	Audit    *audit.Log
	Registry *prometheus.Registry
	// edge holds the HTTP request metrics, registered once per App so
	// that Handler may be built more than once.
	edge *httpMetrics
	// probe is /readyz's cached write probe (ready.go).
	probe writeProbe
	// now is the clock of Options.Now; the retention job judges ages by it.
	now func() time.Time
	// retained counts the retention job's deletions (retention.go).
	retained *prometheus.CounterVec
	// lastRetention is when this process last ran the job (retention.go).
	lastRetention prometheus.Gauge
	// formKey signs the hosted pages' CSRF tokens; derived from the master
	// secret in Build, which reads that secret once.
	formKey []byte
}

// Options tune Build for tests and benchmarks. Now is the clock of every
// expiry decision, so tests move it instead of sleeping (STYLE.md rule 3);
// Password lets tests use cheap argon2id parameters on the same code path.
type Options struct {
	Now      func() time.Time // default time.Now
	Password password.Params  // default password.Default
	// Sleep waits the login slowdown's delay (default: a real timer);
	// tests pass one that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
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
	// Validate checked the setting: failed logins pay the imported hashes' cost.
	opt.Password, _ = password.WithImportedCost(opt.Password, cfg.ImportedHashCost)
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
	ring.SetReload(cfg.KeyReload)
	ring.SetTokenLifetime(longestTokenLifetime(st)) // keylifetime.go
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
	timed := newTimedStore(st, reg) // storemetrics.go
	log := audit.New(timed, logger)
	svc := auth.New(timed, ring, password.New(opt.Password, slots), log, auth.NewMetrics(reg), auth.Config{
		Issuer: cfg.Issuer, SuccessorKey: secret.Derive(master, "refresh successor v1"),
		StoreTimeout: cfg.StoreTimeout, Now: opt.Now,
		LoginAccountLimit: cfg.LoginAccountLimit, LoginIPLimit: cfg.LoginIPLimit, LoginWindow: cfg.LoginWindow,
		LoginSlowdownAfter: cfg.LoginSlowdownAfter, Sleep: opt.Sleep, Throttle: throttleStore(st),
		MinPasswordLen: cfg.PasswordMinLength,
	})
	reg.MustRegister(newKeyAge(st, opt.Now), newSizeCollector(st, opt.Now), newAuditCollector(log))
	if p, ok := st.(poolStater); ok {
		reg.MustRegister(newPoolCollector(p))
	}
	if w, ok := st.(walTruncater); ok {
		reg.MustRegister(newWALTruncations(w))
	}
	registerBatchMetrics(reg, st)
	return &App{Cfg: cfg, Logger: logger, Store: st, Ring: ring, Svc: svc, Audit: log, Registry: reg,
		edge: newHTTPMetrics(reg), now: opt.Now, retained: newRetentionMetric(reg), lastRetention: newRetentionRun(reg),
		formKey: secret.Derive(master, "login form csrf v1")}, nil
}

// Close flushes the audit log and then closes the store, in that order:
// the audit writer needs the store for its last batch. Call it once.
func (a *App) Close() error {
	a.Audit.Close()
	return a.Store.Close()
}

// OpenStore opens the database named by cfg.DatabaseURL and migrates it,
// so every start and `renova migrate` apply the embedded migrations alike
// (PRODUCT.md §4).
func OpenStore(ctx context.Context, cfg *config.Config) (store.Store, error) {
	if path := cfg.SQLitePath(); path != "" {
		if err := checkDBDir(path); err != nil { // dbdir.go
			return nil, err
		}
		return sqlite.Open(ctx, path)
	}
	return postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: int32(cfg.DBMaxConns), StatementTimeout: cfg.StoreTimeout})
}

// minSecret is the shortest master secret accepted, from RENOVA_SECRET or
// the secret file alike: every sealing and successor key derives from it.
const minSecret = 32

// masterSecret returns RENOVA_SECRET. On SQLite without it, a generated
// secret is kept in a 0600 file beside the database (a development
// convenience, warned about); on PostgreSQL it is required, because
// replicas must share it.
func masterSecret(cfg *config.Config, logger *slog.Logger) ([]byte, error) {
	if cfg.Secret != "" {
		if len(cfg.Secret) < minSecret {
			return nil, fmt.Errorf("RENOVA_SECRET must be at least %d characters", minSecret)
		}
		return []byte(cfg.Secret), nil
	}
	path := cfg.SQLitePath()
	if path == "" {
		return nil, errors.New("RENOVA_SECRET is required with PostgreSQL (every replica needs the same one)")
	}
	file := path + ".secret"
	s, err := readSecretFile(file)
	if !errors.Is(err, fs.ErrNotExist) {
		return s, err
	}
	g := randomSecret()
	if err := writeSecretFile(file, g); err != nil {
		return nil, err
	}
	logger.Warn("RENOVA_SECRET is not set: generated one for development and stored it beside the database; set RENOVA_SECRET in production", "file", file)
	return []byte(g), nil
}

// readSecretFile reads the development secret kept in file. It returns an
// error wrapping fs.ErrNotExist only when there is no file, the one case in
// which a new secret may be generated: any other failure, or a file
// holding fewer than minSecret characters, stops the start, because the
// signing keys in the database are sealed with the secret that was there.
func readSecretFile(file string) ([]byte, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("secret file: %w; repair it or set RENOVA_SECRET", err)
	}
	s := strings.TrimSpace(string(b))
	if len(s) < minSecret {
		return nil, fmt.Errorf("secret file %s holds %d characters, want at least %d: restore it, or set RENOVA_SECRET to the secret it held (the signing keys are sealed with it)", file, len(s), minSecret)
	}
	return []byte(s), nil
}

// writeSecretFile stores a freshly generated secret with mode 0600. It
// refuses to replace a file that appeared meanwhile (another process
// starting on the same database), so no secret is ever overwritten.
func writeSecretFile(file, s string) error {
	if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write dev secret: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write dev secret: %w", err)
	}
	return f.Close()
}

// Package auth is renova's core. It knows no HTTP: every surface decodes its
// wire format, calls Login, Refresh, ClientCredentials, Revoke, Introspect
// or Logout, and encodes the *Grant or *Error it gets back (STYLE.md).
// The rotation rules of PRODUCT.md §2 live here and nowhere else.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/renova-auth/renova/internal/audit"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/throttle"
	"github.com/renova-auth/renova/internal/token"
)

// Config holds the core's settings and injected dependencies.
type Config struct {
	Issuer       string
	SuccessorKey []byte        // HMAC key deriving refresh successors
	StoreTimeout time.Duration // bound on a store call, incl. a race loser's wait
	Now          func() time.Time
	Rand         io.Reader
	// LoginAccountLimit is how many failed logins one account name may
	// have from one IP in a LoginWindow before its logins are refused
	// (default DefaultLoginAccountLimit).
	LoginAccountLimit int
	// LoginSlowdownAfter is how many failed logins one account (a user,
	// whichever spelling, or an unknown name) may have from all IPs in a
	// LoginWindow before each of its logins waits a growing, capped delay
	// (default DefaultLoginSlowdownAfter).
	LoginSlowdownAfter int
	// Sleep waits the slowdown delay; tests record it instead (default:
	// a timer that ends early with ctx).
	Sleep func(ctx context.Context, d time.Duration) error
	// LoginIPLimit is how many failed logins one IP may have, whatever the
	// account names, in a LoginWindow (default DefaultLoginIPLimit).
	LoginIPLimit int
	// LoginWindow is the throttle's fixed window (default DefaultLoginWindow).
	LoginWindow time.Duration
	// Throttle keeps the login throttle's counts and the partners'
	// creation logs: the shared database with several replicas (default:
	// in this process, throttle.NewMemory).
	Throttle store.Throttle
	// MinPasswordLen is the shortest password accepted, in characters
	// (default DefaultMinPasswordLen).
	MinPasswordLen int
	// BrowserTTL is the absolute lifetime of a browser session, the single
	// sign-on cookie of the hosted login page (default DefaultBrowserTTL).
	BrowserTTL time.Duration
}

// DefaultBrowserTTL is how long a browser stays signed in: one working day,
// never extended, so a shared computer does not stay signed in for weeks.
const DefaultBrowserTTL = 24 * time.Hour

// Login throttle defaults (PRODUCT.md §6, per account and per IP): 10
// failures of one account name from one IP, or 200 from one IP, in a
// 15-minute window.
const (
	DefaultLoginAccountLimit = 10
	DefaultLoginIPLimit      = 200
	DefaultLoginWindow       = 15 * time.Minute
)

// Service is the core token service.
type Service struct {
	st       store.Store
	ring     *keys.Ring
	hasher   *password.Hasher
	audit    *audit.Log
	verifier *token.Verifier
	cfg      Config
	metrics  *Metrics
	// login limits failed logins per account and IP and per IP, and slows
	// down an account's logins after its failures from every IP.
	login *throttle.Login

	// adoptions runs one legacy call per legacy token (adopt.go).
	adoptions legacy.Flight[struct{}]

	tenants sync.Map // id → *store.Tenant; tenants are immutable once made
	clients sync.Map // id → cachedClient
}

// New builds the core.
func New(st store.Store, ring *keys.Ring, hasher *password.Hasher, log *audit.Log, m *Metrics, cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	if cfg.StoreTimeout == 0 {
		cfg.StoreTimeout = 5 * time.Second
	}
	if m == nil {
		m = NewMetrics(nil)
	}
	cfg.throttleDefaults()
	if cfg.BrowserTTL <= 0 {
		cfg.BrowserTTL = DefaultBrowserTTL
	}
	if cfg.MinPasswordLen <= 0 {
		cfg.MinPasswordLen = DefaultMinPasswordLen
	}
	v := &token.Verifier{Ring: ring, Issuer: cfg.Issuer, Now: cfg.Now}
	s := &Service{st: st, ring: ring, hasher: hasher, audit: log, verifier: v, cfg: cfg, metrics: m,
		login: &throttle.Login{Store: cfg.Throttle, AccountLimit: cfg.LoginAccountLimit, IPLimit: cfg.LoginIPLimit,
			Window: cfg.LoginWindow, Slowdown: throttle.Slowdown{After: cfg.LoginSlowdownAfter, Base: slowdownBase, Max: slowdownMax}}}
	s.adoptions.Now = cfg.Now
	return s
}

// throttleDefaults fills the login throttle settings left zero.
func (c *Config) throttleDefaults() {
	if c.LoginAccountLimit <= 0 {
		c.LoginAccountLimit = DefaultLoginAccountLimit
	}
	if c.LoginIPLimit <= 0 {
		c.LoginIPLimit = DefaultLoginIPLimit
	}
	if c.LoginWindow <= 0 {
		c.LoginWindow = DefaultLoginWindow
	}
	if c.LoginSlowdownAfter <= 0 {
		c.LoginSlowdownAfter = DefaultLoginSlowdownAfter
	}
	if c.Sleep == nil {
		c.Sleep = sleep
	}
	if c.Throttle == nil {
		c.Throttle = throttle.NewMemory()
	}
}

// Verifier exposes the access-token verifier.
func (s *Service) Verifier() *token.Verifier { return s.verifier }

// Now returns the service clock.
func (s *Service) Now() time.Time { return s.cfg.Now() }

// Issuer returns the configured issuer.
func (s *Service) Issuer() string { return s.cfg.Issuer }

// Meta is request metadata carried into sessions and audit events.
type Meta struct {
	IP        string
	UserAgent string
	TraceID   string
}

// tenant returns a tenant, cached.
func (s *Service) tenant(ctx context.Context, id string) (*store.Tenant, error) {
	if t, ok := s.tenants.Load(id); ok {
		return t.(*store.Tenant), nil
	}
	t, err := s.st.GetTenant(ctx, id)
	if err != nil {
		return nil, err
	}
	s.tenants.Store(id, t)
	return t, nil
}

// storeErr turns a store failure into the caller's answer: unavailability is
// a 503 to retry, anything else is internal.
func storeErr(op string, err error) error {
	if errors.Is(err, store.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return unavailable(fmt.Errorf("%s: %w", op, err))
	}
	return fmt.Errorf("%s: %w", op, err)
}

// withTimeout bounds a store call.
func (s *Service) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.StoreTimeout)
}

// NewID returns a random identifier with a readable prefix.
func NewID(r io.Reader, prefix string) string {
	b := make([]byte, 12)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(err) // crypto/rand does not fail
	}
	return prefix + "_" + hex.EncodeToString(b)
}

func (s *Service) record(ctx context.Context, e *store.AuditEvent, m Meta) {
	e.Time, e.IP, e.TraceID = s.cfg.Now(), m.IP, m.TraceID
	if s.audit != nil {
		s.audit.Record(ctx, e)
	}
}

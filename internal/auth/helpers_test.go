package auth_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/crypto/bcrypt"

	"github.com/renova-auth/renova/internal/audit"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlite"
	"github.com/renova-auth/renova/internal/testclock"
)

// clock is the settable clock tests move instead of sleeping (STYLE.md
// rule 3).
type clock = testclock.Clock

func newClock() *clock { return testclock.New() }

// The fixture's client timings: short enough to reason about by hand, and
// distinct, so a test can tell which one a result came from.
const (
	accessTTL   = 15 * time.Minute
	idleTTL     = time.Hour
	absoluteTTL = 3 * time.Hour
	grace       = 10 * time.Second
)

// The fixture's one user and password.
const (
	userLogin = "alice"
	userPass  = "correct horse battery"
)

// fixture is the core on a fresh SQLite database in t.TempDir(), with a
// fake clock, one tenant, a confidential and a public client and a user.
// No HTTP and no other surface is involved: this is the core on its own.
type fixture struct {
	svc    *auth.Service
	st     store.Store
	log    *audit.Log
	reg    *prometheus.Registry // the core's metrics
	clock  *clock
	tenant *store.Tenant
	conf   *store.Client // confidential: every grant, scopes openid profile email
	secret string        // conf's client secret
	pub    *store.Client // public: password and refresh_token
	user   *store.User
	ring   *keys.Ring
	cfg    auth.Config // as passed to auth.New
	sleeps *sleeps     // the slowdown's delays, recorded instead of slept
}

// sleeps records the delays the core asked to wait.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

// Sleep records d and returns at once.
func (s *sleeps) Sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return nil
}

// take returns the delays recorded since the last take.
func (s *sleeps) take() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d
	s.d = nil
	return d
}

// with returns a copy of f with a new Service built from cfg (keeping f's
// clock, issuer and successor key) on the same store and keys: a fresh
// throttle and fresh caches without the cost of a fresh database.
func (f *fixture) with(cfg auth.Config) *fixture {
	g := *f
	cfg.Now, cfg.Issuer, cfg.SuccessorKey = f.cfg.Now, f.cfg.Issuer, f.cfg.SuccessorKey
	g.sleeps = &sleeps{}
	cfg.Sleep = g.sleeps.Sleep
	g.cfg = cfg
	g.reg = prometheus.NewRegistry()
	g.svc = auth.New(f.st, f.ring, password.New(fastPassword, 1), f.log, auth.NewMetrics(g.reg), g.cfg)
	return &g
}

// fastPassword keeps the hashing code path but not its cost.
var fastPassword = password.Params{Memory: 64, Time: 1, Threads: 1, LegacyCost: bcrypt.MinCost}

// newFixture builds a Service on real SQLite. cfg.Now is replaced by the
// fixture's clock; the other fields are passed through.
func newFixture(t *testing.T, cfg auth.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "renova.db"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: db, clock: newClock(), reg: prometheus.NewRegistry(), sleeps: &sleeps{}}
	ring := keys.NewRing(db, secret.Derive([]byte("test master secret"), "sealing"), f.clock.Now)
	if err := ring.Ensure(ctx); err != nil {
		t.Fatal(err)
	}
	f.log = audit.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() {
		f.log.Close()
		db.Close()
	})
	cfg.Now = f.clock.Now
	if cfg.Sleep == nil {
		cfg.Sleep = f.sleeps.Sleep
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "https://renova.test"
	}
	if cfg.SuccessorKey == nil {
		cfg.SuccessorKey = secret.Derive([]byte("test master secret"), "successor")
	}
	f.ring, f.cfg = ring, cfg
	f.svc = auth.New(db, ring, password.New(fastPassword, 1), f.log, auth.NewMetrics(f.reg), cfg)
	f.tenant = f.newTenant(t, "demo", 1)
	f.conf, f.secret = f.newClient(t, &store.Client{ID: "conf", TenantID: f.tenant.ID})
	f.pub, _ = f.newClient(t, &store.Client{ID: "pub", TenantID: f.tenant.ID, Public: true})
	f.user = f.newUser(t, f.tenant.ID, userLogin, userPass)
	return f
}

// newTenant stores a tenant.
func (f *fixture) newTenant(t *testing.T, slug string, code int64) *store.Tenant {
	t.Helper()
	ten := &store.Tenant{ID: "ten_" + slug, Slug: slug, Name: slug, Code: code, CreatedAt: f.clock.Now()}
	if err := f.st.CreateTenant(context.Background(), ten); err != nil {
		t.Fatal(err)
	}
	return ten
}

// newClient creates c with the fixture's timings unless c sets its own,
// and returns it with its secret ("" for a public client).
func (f *fixture) newClient(t *testing.T, c *store.Client) (*store.Client, string) {
	t.Helper()
	if c.Scopes == nil {
		c.Scopes = []string{"openid", "profile", "email"}
	}
	if c.AccessTTL == 0 {
		c.AccessTTL, c.IdleTTL, c.AbsoluteTTL = accessTTL, idleTTL, absoluteTTL
	}
	if c.Grace == 0 {
		c.Grace = grace // a negative Grace is stored as 0: no grace window
	}
	sec, err := f.svc.NewClient(context.Background(), c)
	if err != nil {
		t.Fatalf("NewClient(%s) = %v", c.ID, err)
	}
	return c, sec
}

// newUser creates a user with password pw in tenant tenantID.
func (f *fixture) newUser(t *testing.T, tenantID, login, pw string) *store.User {
	t.Helper()
	u := &store.User{TenantID: tenantID, Login: login, Email: login + "@example.test"}
	if err := f.svc.NewUser(context.Background(), u, pw); err != nil {
		t.Fatalf("NewUser(%s) = %v", login, err)
	}
	return u
}

// login logs the fixture's user in on client c and fails the test if it
// does not succeed.
func (f *fixture) login(t *testing.T, c *store.Client) *auth.Grant {
	t.Helper()
	g, _, err := f.svc.Login(context.Background(), auth.LoginRequest{Client: c, Username: userLogin, Password: userPass,
		Meta: auth.Meta{IP: "192.0.2.1"}})
	if err != nil {
		t.Fatalf("Login(%s) = %v", c.ID, err)
	}
	return g
}

// refresh presents rt on the confidential client.
func (f *fixture) refresh(rt string) (*auth.Grant, error) {
	return f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: f.conf, Token: rt})
}

// mustRefresh presents rt on the confidential client and fails the test
// unless it rotates.
func (f *fixture) mustRefresh(t *testing.T, rt string) *auth.Grant {
	t.Helper()
	g, err := f.refresh(rt)
	if err != nil {
		t.Fatalf("Refresh = %v, want a successor", err)
	}
	return g
}

// session reads a session from the store.
func (f *fixture) session(t *testing.T, id string) *store.Session {
	t.Helper()
	s, err := f.st.GetSession(context.Background(), id)
	if err != nil {
		t.Fatalf("GetSession(%s) = %v", id, err)
	}
	return s
}

// audit flushes the audit log and returns the actions recorded for a
// session, oldest first, each as "action/reason".
func (f *fixture) audit(t *testing.T, sessionID string) []string {
	t.Helper()
	f.log.Flush()
	evs, err := f.st.ListAudit(context.Background(), store.AuditFilter{SessionID: sessionID})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range slices.Backward(evs) {
		out = append(out, e.Action+"/"+e.Reason)
	}
	return out
}

// wantError fails the test unless err is an *auth.Error with code and
// reason; it returns the error for further checks.
func wantError(t *testing.T, call string, err error, code, reason string) *auth.Error {
	t.Helper()
	ae := auth.AsError(err)
	if ae == nil {
		t.Fatalf("%s = %v, want *auth.Error %s (%s)", call, err, code, reason)
	}
	if ae.Code != code || ae.Reason != reason {
		t.Errorf("%s = %s (%s), want %s (%s)", call, ae.Code, ae.Reason, code, reason)
	}
	return ae
}

// count returns the value of the counter name{outcome="outcome"}, 0 when
// it was never incremented.
func (f *fixture) count(t *testing.T, name, outcome string) float64 {
	t.Helper()
	fams, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range fams {
		if fam.GetName() != name {
			continue
		}
		for _, m := range fam.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

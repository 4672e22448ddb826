// Package bench is the load generator behind `renova bench` (issue 8). It
// drives a renova over loopback HTTP, either one the composition root
// starts in process on a fresh SQLite file or PostgreSQL schema (embedded
// mode, through a Launcher) or a running one (--url), through one of the
// scenarios below, and reports req/s, latency percentiles and errors by
// status and reason, each figure beside the floor: the least a refresh
// endpoint can do on the same machine in the same run (package floor).
// After every run it checks the invariants of PRODUCT.md §2, against the
// store through the Launcher's Inspector when it can see one: one live
// refresh token per session, zero 5xx, zero reuse detections that were
// not real reuse, and, for contention, exactly one successor per trial.
//
// bench talks HTTP and nothing else: it imports none of auth, server or
// store (issue 11).
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Scenarios are the load shapes `renova bench --scenario` knows.
var Scenarios = []string{"refresh", "contention", "login", "client-credentials", "introspect", "jwks", "authcode"}

// Config is one bench run. Zero fields take the defaults of withDefaults.
type Config struct {
	Scenario string // one of Scenarios; default refresh
	Surface  string // standard (default) or a dialect: the refresh call of that surface

	URL          string // a running renova; empty starts one through Launcher
	ClientID     string // --url mode: the client to use
	ClientSecret string // --url mode: its secret (empty for a public client)
	Users        []User // --url mode: who logs in
	Tenant       string // --url mode: tenant slug, for dialects that name it
	APIKey       string // --url mode: partner API key (HDI)
	AppCode      string // --url mode: application code (HDI)
	Prefix       string // --url mode: the surface's mount prefix (default /<surface>)

	// --url mode, browser sign-in: a public client with the
	// authorization_code grant and its registered loopback redirect URI.
	// For --scenario authcode BrowserClientID defaults to ClientID;
	// RedirectURI defaults to DefaultRedirectURI.
	BrowserClientID string
	RedirectURI     string

	// Launcher starts renova when URL is empty, and the floor for Floor.
	Launcher Launcher

	Duration    time.Duration // bound on each measured phase; default 10s
	Requests    int64         // bound on requests per phase; 0 means none
	Connections int           // concurrent workers (and keep-alive connections); default 64
	Sessions    int           // refresh: sessions logged in first; default Connections
	Contenders  int           // contention: concurrent presentations of one token; default 20
	Trials      int           // contention: how many tokens; default 100
	LoginLoad   int           // refresh: logins kept in flight beside the refresh workers in a second phase
	BrowserLoad int           // refresh: browser sign-ins (authcode flows) kept in flight beside them, in a phase of their own
	Floor       bool          // measure the floor first, in process, on the same kind of database

	Progress io.Writer // live progress line; nil for none
}

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() Config {
	if c.Scenario == "" {
		c.Scenario = "refresh"
	}
	if c.Surface == "" {
		c.Surface = "standard"
	}
	if c.Duration <= 0 {
		c.Duration = 10 * time.Second
	}
	if c.Connections <= 0 {
		c.Connections = 64
	}
	if c.Sessions <= 0 {
		c.Sessions = c.Connections
	}
	if c.Contenders <= 0 {
		c.Contenders = 20
	}
	if c.Trials <= 0 {
		c.Trials = 100
	}
	return c
}

// validate refuses a run that cannot mean anything.
func (c Config) validate() (*Surface, error) {
	if !slices.Contains(Scenarios, c.Scenario) {
		return nil, fmt.Errorf("unknown scenario %q (want one of %v)", c.Scenario, Scenarios)
	}
	s, err := Lookup(c.Surface)
	if err != nil {
		return nil, err
	}
	if c.Surface != "standard" && !slices.Contains([]string{"refresh", "contention", "login"}, c.Scenario) {
		return nil, fmt.Errorf("scenario %s exists on the standard surface only", c.Scenario)
	}
	if c.Floor && c.Scenario != "refresh" {
		return nil, errors.New("--floor goes with the refresh scenario (the floor only rotates)")
	}
	if c.LoginLoad > 0 && c.Scenario != "refresh" {
		return nil, errors.New("--login-load goes with the refresh scenario")
	}
	if c.BrowserLoad > 0 && c.Scenario != "refresh" {
		return nil, errors.New("--browser-load goes with the refresh scenario")
	}
	if c.Launcher == nil && (c.URL == "" || c.Floor) {
		return nil, errors.New("an embedded run and --floor need a Launcher to start the servers")
	}
	return s, nil
}

// Run carries out one bench run and returns its report. The error is for
// a run that could not take place (bad flags, no database); a run that
// took place but broke an invariant returns a report whose OK is false.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	surface, err := cfg.validate()
	if err != nil {
		return nil, err
	}
	rep := newReport(cfg)
	if cfg.Floor {
		if err := runFloor(ctx, cfg, rep); err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
	}
	var t *Target
	if cfg.URL != "" {
		t, err = remote(&cfg)
	} else {
		t, err = embedded(ctx, &cfg, surface)
	}
	if err != nil {
		return nil, err
	}
	defer t.Close()
	rep.Backend, rep.Target = t.Backend, remoteURL(t.URL)
	r := &run{cfg: cfg, t: t, s: surface, rep: rep, now: time.Now}
	if err := r.scenario(ctx); err != nil {
		return nil, err
	}
	t.HTTP.CloseIdleConnections()
	rep.finish(t.embedded)
	return rep, nil
}

// run is one scenario against one target.
type run struct {
	cfg Config
	t   *Target
	s   *Surface
	rep *Report
	now func() time.Time // the clock of the bounds; tests move a fake one
}

// scenario dispatches to the scenario's driver.
func (r *run) scenario(ctx context.Context) error {
	switch r.cfg.Scenario {
	case "refresh":
		return r.refresh(ctx, "renova")
	case "contention":
		return r.contention(ctx)
	case "login":
		return r.login(ctx)
	case "client-credentials":
		return r.clientCredentials(ctx)
	case "introspect":
		return r.introspect(ctx)
	case "authcode":
		return r.authcode(ctx)
	default:
		return r.jwks(ctx)
	}
}

// phase returns a phase of the run's size and bounds.
func (r *run) phase(name string, workers int) phase {
	return phase{name: name, workers: workers, duration: r.cfg.Duration, requests: r.cfg.Requests,
		progress: r.cfg.Progress, now: r.now}
}

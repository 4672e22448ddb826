package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// small is a run small enough for a unit test against launcher l: at
// most 40 requests a phase, a minute as the backstop.
func small(scenario string, l Launcher) Config {
	return Config{Scenario: scenario, Requests: 40, Duration: time.Minute, Connections: 4, Sessions: 6,
		Contenders: 5, Trials: 3, Launcher: l}
}

// TestConfigErrors: runs that cannot mean anything are refused before
// anything starts.
func TestConfigErrors(t *testing.T) {
	l := newLauncher(t)
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown scenario", Config{Scenario: "nope", Launcher: l}, `unknown scenario "nope" (want one of [refresh contention login client-credentials introspect jwks authcode])`},
		{"unknown surface", Config{Surface: "nope", Launcher: l}, `unknown surface "nope" (want one of standard, icredit, consinco, formulacerta, hdi)`},
		{"dialect with jwks", Config{Surface: "hdi", Scenario: "jwks", Launcher: l}, "scenario jwks exists on the standard surface only"},
		{"floor with jwks", Config{Scenario: "jwks", Floor: true, Launcher: l}, "--floor goes with the refresh scenario"},
		{"login load with login", Config{Scenario: "login", LoginLoad: 2, Launcher: l}, "--login-load goes with the refresh scenario"},
		{"browser load with authcode", Config{Scenario: "authcode", BrowserLoad: 2, Launcher: l}, "--browser-load goes with the refresh scenario"},
		{"authcode on a dialect", Config{Surface: "icredit", Scenario: "authcode", Launcher: l}, "scenario authcode exists on the standard surface only"},
		{"url without credentials", Config{URL: "http://127.0.0.1:1"}, "--url needs --client-id"},
		{"url without users", Config{URL: "http://127.0.0.1:1", ClientID: "c"}, "--url needs --client-id"},
		{"embedded without launcher", Config{}, "an embedded run and --floor need a Launcher"},
		{"floor without launcher", Config{URL: "http://127.0.0.1:1", Floor: true}, "an embedded run and --floor need a Launcher"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := Run(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) || rep != nil {
				t.Errorf("Run(%s) = %v, %v; want no report and an error containing %q", tc.name, rep, err, tc.want)
			}
		})
	}
	if len(l.closed) != 0 || l.renova.called("password") != 0 {
		t.Errorf("refused runs started something: closed %v, %d logins", l.closed, l.renova.called("password"))
	}
}

// TestDefaults: the zero Config is the documented default run.
func TestDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Scenario != "refresh" || c.Surface != "standard" || c.Duration != 10*time.Second || c.Connections != 64 ||
		c.Sessions != 64 || c.Contenders != 20 || c.Trials != 100 || c.Requests != 0 || c.LoginLoad != 0 || c.Floor {
		t.Errorf("Config{}.withDefaults() = %+v, want BENCHMARKS.md's defaults", c)
	}
	if c := (Config{Connections: 8}).withDefaults(); c.Sessions != 8 {
		t.Errorf("sessions default to --connections: got %d, want 8", c.Sessions)
	}
}

// TestRunEmbedded: a run through a Launcher drives the server it starts,
// asks its Inspector, reports it as embedded and closes it once.
func TestRunEmbedded(t *testing.T) {
	l := newLauncher(t)
	rep, err := Run(context.Background(), small("refresh", l))
	if err != nil {
		t.Fatal(err)
	}
	v := verdicts(rep)
	if c := v["one live refresh token per session"]; !c.OK || !strings.HasPrefix(c.Detail, "6 sessions in the store, 6 with exactly one unused token") {
		t.Errorf("live-token check = %+v, want held and read from the Inspector", c)
	}
	if c := v["zero false reuse detections"]; !c.OK || c.Detail != "0 answers with reason reused, 0 refresh.reuse audit events" {
		t.Errorf("reuse check = %+v, want held, with the audit events counted", c)
	}
	if rep.Backend != "fake" || rep.Target != l.renova.URL || rep.Memory == nil || !rep.OK {
		t.Errorf("report: backend %q target %q memory %v ok %v; want fake, %s, the embedded memory, ok",
			rep.Backend, rep.Target, rep.Memory, rep.OK, l.renova.URL)
	}
	if l.closed["renova"] != 1 || l.renova.called("refresh_token") != 40 || l.renova.called("password") != 6 {
		t.Errorf("closed %v, %d refreshes, %d logins; want renova closed once, 40 refreshes, 6 logins",
			l.closed, l.renova.called("refresh_token"), l.renova.called("password"))
	}
}

// TestRunFloor: the floor runs first with the same shape, its tally is
// checked, it is closed, and renova's phases are divided by it.
func TestRunFloor(t *testing.T) {
	l := newLauncher(t)
	cfg := small("refresh", l)
	cfg.Floor, cfg.LoginLoad = true, 2
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range rep.Phases {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ", "); got != "floor, renova, renova + 2 logins, logins (beside)" {
		t.Errorf("phases = %q, want the floor first, then renova alone and beside logins", got)
	}
	if c := verdicts(rep)["floor: one live token per session"]; !c.OK || c.Detail != "6 sessions, 0 without exactly one unused token" {
		t.Errorf("floor check = %+v, want held for 6 sessions", c)
	}
	if l.floor.called("refresh_token") != 40 || l.floor.called("password") != 6 || l.closed["floor"] != 1 {
		t.Errorf("floor: %d refreshes, %d logins, closed %d times; want 40, 6, 1",
			l.floor.called("refresh_token"), l.floor.called("password"), l.closed["floor"])
	}
	if len(rep.Ratios) != 3 || rep.Ratios[0].Name != "renova / floor" || rep.Phases[1].OfFloor <= 0 {
		t.Errorf("ratios = %+v, want renova / floor first", rep.Ratios)
	}
}

// TestRunFloorBroken: a floor whose sessions are not one token each fails
// its invariant, and the run's verdict with it.
func TestRunFloorBroken(t *testing.T) {
	l := newLauncher(t)
	l.floor.noClaim = true
	cfg := small("refresh", l)
	cfg.Floor = true
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Every session a worker reached before the budget ran out has two.
	c := verdicts(rep)["floor: one live token per session"]
	if c.OK || rep.OK || !strings.HasPrefix(c.Detail, "6 sessions, ") || strings.HasPrefix(c.Detail, "6 sessions, 0 ") {
		t.Errorf("floor check = %+v (run ok %v), want a failure naming the sessions with two tokens", c, rep.OK)
	}
}

// TestRunLauncherErrors: a Launcher that cannot start a server makes the
// run fail with its error, the floor's named as such.
func TestRunLauncherErrors(t *testing.T) {
	boom := errors.New("boom")
	l := newLauncher(t)
	l.err = boom
	if _, err := Run(context.Background(), small("jwks", l)); !errors.Is(err, boom) {
		t.Errorf("Run(renova fails to start) = %v, want %v", err, boom)
	}
	cfg := small("refresh", l)
	cfg.Floor = true
	if _, err := Run(context.Background(), cfg); !errors.Is(err, boom) || !strings.HasPrefix(err.Error(), "floor: ") {
		t.Errorf("Run(floor fails to start) = %v, want floor: %v", err, boom)
	}
}

// noUsers is a Launcher whose renova has nobody to log in.
type noUsers struct {
	*fakeLauncher
}

func (l noUsers) Renova(ctx context.Context, s *Surface) (*Server, error) {
	srv, err := l.fakeLauncher.Renova(ctx, s)
	srv.Creds.Users = nil
	return srv, err
}

// TestRunNoUsers: an embedded server without users is refused (and
// closed) before any worker divides by their number.
func TestRunNoUsers(t *testing.T) {
	l := newLauncher(t)
	_, err := Run(context.Background(), small("refresh", noUsers{l}))
	if err == nil || !strings.Contains(err.Error(), "no users") || l.closed["renova"] != 1 {
		t.Errorf("Run(no users) = %v, closed %d; want an error and renova closed", err, l.closed["renova"])
	}
}

// TestRunRemote: with --url the run drives that server with the flags'
// credentials, checks what HTTP can show and says what it cannot.
func TestRunRemote(t *testing.T) {
	f := newFake(t, "demo-client", "s3cret")
	cfg := small("refresh", nil)
	cfg.URL, cfg.ClientID, cfg.ClientSecret, cfg.Users = f.URL+"/", "demo-client", "s3cret", f.creds().Users
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	v := verdicts(rep)
	if c := v["one live refresh token per session"]; !c.OK || !strings.HasPrefix(c.Detail, "--url mode, by introspection: 0 of 6 held tokens inactive") {
		t.Errorf("live-token check = %+v, want held, by introspection", c)
	}
	if c := v["zero false reuse detections"]; !c.OK || !strings.Contains(c.Detail, "audit not visible in --url mode") {
		t.Errorf("reuse check = %+v, want held, audit not visible", c)
	}
	if rep.Backend != "remote" || rep.Memory != nil || !rep.OK || f.called("introspect") != 6 {
		t.Errorf("report: backend %q, memory %v, ok %v, %d introspections; want remote, none, ok, 6",
			rep.Backend, rep.Memory, rep.OK, f.called("introspect"))
	}
}

// TestRunCancelled: a run whose context is cancelled before it starts
// stops at once: the sessions cannot log in.
func TestRunCancelled(t *testing.T) {
	l := newLauncher(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, small("refresh", l)); err == nil || l.renova.called("refresh_token") != 0 {
		t.Errorf("Run(cancelled) = %v after %d refreshes, want an error and none", err, l.renova.called("refresh_token"))
	}
	if l.closed["renova"] != 1 {
		t.Errorf("Run(cancelled) closed renova %d times, want 1", l.closed["renova"])
	}
}

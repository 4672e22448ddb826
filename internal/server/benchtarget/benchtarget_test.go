package benchtarget_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/bench"
	"github.com/renova-auth/renova/internal/server/benchtarget"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
)

// launcher returns a Launcher for a test: temporary SQLite files under
// dir (or a fresh schema of dbURL), cheap password hashing, quiet logs.
func launcher(dir, dbURL string) *benchtarget.Launcher {
	return benchtarget.New(benchtarget.Config{TempDir: dir, DatabaseURL: dbURL, Users: 2,
		Password: apptest.FastPassword, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// tiny is a run small enough for a unit test: a handful of requests
// against renova on a temporary SQLite file in t's directory.
func tiny(t *testing.T, scenario string) bench.Config {
	return bench.Config{Scenario: scenario, Requests: 40, Duration: time.Minute, Connections: 4, Sessions: 6,
		Contenders: 5, Trials: 3, Launcher: launcher(t.TempDir(), "")}
}

// verdicts maps invariant names to their checks.
func verdicts(rep *bench.Report) map[string]bench.Check {
	m := map[string]bench.Check{}
	for _, c := range rep.Invariants {
		m[c.Name] = c
	}
	return m
}

// failures sums a phase's failed requests.
func failures(p *bench.Result) int64 {
	var n int64
	for _, e := range p.Errors {
		n += e.Count
	}
	return n
}

// TestScenarios runs every scenario for a few requests against an
// embedded renova and checks that each reports its requests, no errors,
// and every invariant it is meant to check as held.
func TestScenarios(t *testing.T) {
	cases := []struct {
		scenario string
		want     []string // invariants that must be present and hold
		requests int64    // requests the renova phase must report
	}{
		{"refresh", []string{"one live refresh token per session", "zero 5xx", "zero false reuse detections"}, 40},
		{"contention", []string{"exactly one successor per trial", "zero 5xx", "zero false reuse detections"}, 15},
		{"login", []string{"one live refresh token per session", "zero 5xx", "zero false reuse detections"}, 40},
		{"client-credentials", []string{"zero 5xx"}, 40},
		{"introspect", []string{"zero 5xx"}, 40},
		{"jwks", []string{"zero 5xx"}, 40},
		{"authcode", []string{"zero 5xx", "every flow got an id_token"}, 20},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			cfg := tiny(t, tc.scenario)
			if tc.scenario == "authcode" {
				cfg.Requests = tc.requests // each a browser sign-in: three requests and a password hash
			}
			rep, err := bench.Run(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Run(%s) = %v", tc.scenario, err)
			}
			if !rep.OK || rep.Backend != "sqlite" {
				t.Errorf("Run(%s): backend %s, invariants %+v; want sqlite, all held", tc.scenario, rep.Backend, rep.Invariants)
			}
			v := verdicts(rep)
			for _, name := range tc.want {
				if c, ok := v[name]; !ok || !c.OK || c.Skipped {
					t.Errorf("Run(%s) invariant %q = %+v, want checked and held", tc.scenario, name, c)
				}
			}
			p := rep.Phases[len(rep.Phases)-1]
			if tc.scenario == "authcode" { // the flows, then the latency of each step
				p = rep.Phases[0]
			}
			if p.Requests != tc.requests || failures(p) != 0 {
				t.Errorf("Run(%s) phase %s: %d requests, %d errors %v; want %d requests, no errors",
					tc.scenario, p.Name, p.Requests, failures(p), p.Errors, tc.requests)
			}
			if rep.Memory == nil || rep.Memory.PeakMiB <= 0 {
				t.Errorf("Run(%s) memory = %+v, want the peak RSS of the embedded run", tc.scenario, rep.Memory)
			}
		})
	}
}

// TestAuthcode: 20 browser sign-ins through the real login page, each
// step's latency reported in a phase of its own, and no errors.
func TestAuthcode(t *testing.T) {
	cfg := tiny(t, "authcode")
	cfg.Requests = 20
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range rep.Phases {
		got = append(got, fmt.Sprintf("%s:%d:%d", p.Name, p.Requests, failures(p)))
	}
	if want := "renova:20:0 login page:20:0 login post:20:0 code exchange:20:0"; strings.Join(got, " ") != want {
		t.Errorf("phases = %q, want %q (errors %v)", strings.Join(got, " "), want, rep.Phases[0].Errors)
	}
	if !rep.OK {
		t.Errorf("invariants: %+v", rep.Invariants)
	}
}

// TestContentionOneSuccessorPerTrial: 5 concurrent presentations × 3
// trials report exactly one successor in each trial, checked in the store.
func TestContentionOneSuccessorPerTrial(t *testing.T) {
	rep, err := bench.Run(context.Background(), tiny(t, "contention"))
	if err != nil {
		t.Fatal(err)
	}
	c := verdicts(rep)["exactly one successor per trial"]
	if !c.OK || !strings.HasPrefix(c.Detail, "3/3 trials: all 5 answers carry the same successor and the store holds exactly that one child") {
		t.Errorf("contention 5×3 = %+v, want 3/3 trials with one successor each, checked in the store", c)
	}
	if p := rep.Phases[0]; p.Requests != 15 || p.FiveXX != 0 || p.Reused != 0 {
		t.Errorf("contention phase = %+v, want 15 requests, 0 5xx, 0 reused", p)
	}
}

// TestFloorAndLoginLoad runs the refresh scenario with the floor first and
// a second phase beside logins, and checks the phases and ratios exist.
func TestFloorAndLoginLoad(t *testing.T) {
	cfg := tiny(t, "refresh")
	cfg.Floor, cfg.LoginLoad = true, 2
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range rep.Phases {
		names = append(names, p.Name)
	}
	want := "floor renova renova + 2 logins logins (beside)"
	if got := strings.Join(names, " "); got != want {
		t.Errorf("phases = %q, want %q", got, want)
	}
	if !rep.OK {
		t.Errorf("invariants: %+v", rep.Invariants)
	}
	if len(rep.Ratios) != 3 || rep.Phases[1].OfFloor <= 0 {
		t.Errorf("ratios = %+v, want renova and renova+logins over the floor, and with/without logins", rep.Ratios)
	}
	if c := verdicts(rep)["floor: one live token per session"]; !c.OK || c.Detail != "6 sessions, 0 without exactly one unused token" {
		t.Errorf("floor invariant = %+v, want 6 sessions, none without one unused token", c)
	}
}

// TestBrowserLoad runs the refresh scenario beside browser sign-ins
// through the real login page, on the standard surface and on a dialect
// (whose users sign in through the demo tenant's demo-spa).
func TestBrowserLoad(t *testing.T) {
	for _, s := range []string{"standard", "icredit"} {
		t.Run(s, func(t *testing.T) {
			cfg := tiny(t, "refresh")
			cfg.Surface, cfg.BrowserLoad = s, 2
			rep, err := bench.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range rep.Phases {
				names = append(names, fmt.Sprintf("%s:%d", p.Name, failures(p)))
			}
			if got, want := strings.Join(names, " "), "renova:0 renova + 2 browser logins:0 browser logins (beside):0"; got != want {
				t.Errorf("phases = %q, want %q (errors %v)", got, want, rep.Phases[len(rep.Phases)-1].Errors)
			}
			if !rep.OK || len(rep.Ratios) != 1 {
				t.Errorf("invariants %+v, ratios %+v; want all held, one ratio", rep.Invariants, rep.Ratios)
			}
		})
	}
}

// TestPostgres runs the refresh and contention scenarios on a fresh schema
// of the test PostgreSQL server (skipped without RENOVA_TEST_DATABASE_URL).
func TestPostgres(t *testing.T) {
	base := pgtest.URL(t)
	for _, sc := range []string{"refresh", "contention"} {
		t.Run(sc, func(t *testing.T) {
			cfg := tiny(t, sc)
			cfg.Launcher, cfg.Floor = launcher("", base), sc == "refresh"
			rep, err := bench.Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK || rep.Backend != "postgres" {
				t.Errorf("Run(%s on postgres) backend %s, invariants %+v", sc, rep.Backend, rep.Invariants)
			}
		})
	}
}

// TestSurfaces drives the refresh call of every dialect through the
// refresh and contention scenarios: the adapters log in and rotate as
// their docs say, and every invariant holds.
func TestSurfaces(t *testing.T) {
	for _, s := range []string{"icredit", "consinco", "formulacerta", "hdi"} {
		for _, sc := range []string{"refresh", "contention"} {
			t.Run(s+"/"+sc, func(t *testing.T) {
				cfg := tiny(t, sc)
				cfg.Surface = s
				rep, err := bench.Run(context.Background(), cfg)
				if err != nil {
					t.Fatalf("Run(%s, %s) = %v", s, sc, err)
				}
				if !rep.OK || failures(rep.Phases[0]) != 0 {
					t.Errorf("Run(%s, %s): errors %v, invariants %+v", s, sc, rep.Phases[0].Errors, rep.Invariants)
				}
			})
		}
	}
}

// TestSetupFails: a start whose setup fails (here a RENOVA_SECRET too
// short for server.Build) returns the error and removes what it had
// made, instead of closing a nil target and panicking, whether it is
// called alone or by bench.Run.
func TestSetupFails(t *testing.T) {
	std, err := bench.Lookup("standard")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	l := benchtarget.New(benchtarget.Config{TempDir: dir, Secret: "short", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if srv, err := l.Renova(context.Background(), std); err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET") {
		t.Errorf("Renova(secret short) = %+v, %v; want an error naming RENOVA_SECRET", srv, err)
	}
	cfg := tiny(t, "refresh")
	cfg.Launcher = l
	if rep, err := bench.Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET") {
		t.Errorf("Run(secret short) = %+v, %v; want an error naming RENOVA_SECRET", rep, err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("failed starts left %d entries in their temporary directory, want none", len(left))
	}
}

// TestCloseRemovesEverything: after a run, the temporary SQLite files of
// renova and the floor are gone.
func TestCloseRemovesEverything(t *testing.T) {
	dir := t.TempDir()
	cfg := tiny(t, "refresh")
	cfg.Launcher, cfg.Floor, cfg.Requests = launcher(dir, ""), true, 8
	if _, err := bench.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("after the run %d entries are left in its temporary directory, want none", len(left))
	}
}

package bench

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
)

// tiny is a run small enough for a unit test: a handful of requests on a
// temporary SQLite file, cheap password hashing, quiet logs.
func tiny(scenario string) Config {
	return Config{Scenario: scenario, Requests: 40, Duration: time.Minute, Connections: 4, Sessions: 6,
		UserCount: 2, Contenders: 5, Trials: 3, Password: apptest.FastPassword, TempDir: "",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// verdicts maps invariant names to their checks.
func verdicts(rep *Report) map[string]Check {
	m := map[string]Check{}
	for _, c := range rep.Invariants {
		m[c.Name] = c
	}
	return m
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
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			cfg := tiny(tc.scenario)
			cfg.TempDir = t.TempDir()
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatalf("Run(%s) = %v", tc.scenario, err)
			}
			if !rep.OK {
				t.Errorf("Run(%s) broke an invariant: %+v", tc.scenario, rep.Invariants)
			}
			v := verdicts(rep)
			for _, name := range tc.want {
				if c, ok := v[name]; !ok || !c.OK || c.Skipped {
					t.Errorf("Run(%s) invariant %q = %+v, want checked and held", tc.scenario, name, c)
				}
			}
			p := rep.Phases[len(rep.Phases)-1]
			if p.Requests != tc.requests || errorsOf(p) != 0 {
				t.Errorf("Run(%s) phase %s: %d requests, %d errors %v; want %d requests, no errors",
					tc.scenario, p.Name, p.Requests, errorsOf(p), p.Errors, tc.requests)
			}
			if rep.Memory == nil || rep.Memory.PeakMiB <= 0 {
				t.Errorf("Run(%s) memory = %+v, want the peak RSS of the embedded run", tc.scenario, rep.Memory)
			}
		})
	}
}

// TestContentionOneSuccessorPerTrial: 5 concurrent presentations × 3
// trials report exactly one successor in each trial.
func TestContentionOneSuccessorPerTrial(t *testing.T) {
	cfg := tiny("contention")
	cfg.TempDir = t.TempDir()
	rep, err := Run(context.Background(), cfg)
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
	cfg := tiny("refresh")
	cfg.TempDir, cfg.Floor, cfg.LoginLoad = t.TempDir(), true, 2
	rep, err := Run(context.Background(), cfg)
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
	if len(rep.Ratios) != 3 || rep.phase("renova").OfFloor <= 0 {
		t.Errorf("ratios = %+v, want renova and renova+logins over the floor, and with/without logins", rep.Ratios)
	}
	if c := verdicts(rep)["floor: one live token per session"]; !c.OK {
		t.Errorf("floor invariant = %+v", c)
	}
}

// TestPostgres runs the refresh and contention scenarios on a fresh schema
// of the test PostgreSQL server (skipped without RENOVA_TEST_DATABASE_URL).
func TestPostgres(t *testing.T) {
	base := pgtest.URL(t)
	for _, sc := range []string{"refresh", "contention"} {
		t.Run(sc, func(t *testing.T) {
			cfg := tiny(sc)
			cfg.DatabaseURL, cfg.Floor = base, sc == "refresh"
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK || rep.Backend != "postgres" {
				t.Errorf("Run(%s on postgres) backend %s, invariants %+v", sc, rep.Backend, rep.Invariants)
			}
		})
	}
}

// TestConfigErrors: runs that cannot mean anything are refused before
// anything starts.
func TestConfigErrors(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"unknown scenario", Config{Scenario: "nope"}, `unknown scenario "nope"`},
		{"unknown surface", Config{Surface: "nope"}, `unknown surface "nope"`},
		{"dialect with jwks", Config{Surface: "standard", Scenario: "jwks", Floor: true}, "--floor goes with the refresh scenario"},
		{"login load with login", Config{Scenario: "login", LoginLoad: 2}, "--login-load goes with the refresh scenario"},
		{"url without credentials", Config{URL: "http://127.0.0.1:1"}, "--url needs --client-id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Run(%s) = %v, want an error containing %q", tc.name, err, tc.want)
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
				cfg := tiny(sc)
				cfg.TempDir, cfg.Surface = t.TempDir(), s
				rep, err := Run(context.Background(), cfg)
				if err != nil {
					t.Fatalf("Run(%s, %s) = %v", s, sc, err)
				}
				if !rep.OK || errorsOf(rep.Phases[0]) != 0 {
					t.Errorf("Run(%s, %s): errors %v, invariants %+v", s, sc, rep.Phases[0].Errors, rep.Invariants)
				}
			})
		}
	}
}

package bench

import (
	"os"
	"strings"
	"testing"
	"time"
)

// phases returns results named and sized as given (name → req/s).
func phases(spec ...any) *Report {
	r := newReport(Config{Scenario: "refresh", Surface: "standard", Connections: 64, Duration: 10 * time.Second})
	for i := 0; i < len(spec); i += 2 {
		r.add(&Result{Name: spec[i].(string), RPS: spec[i+1].(float64), Errors: []ErrorCount{}})
	}
	return r
}

// TestFinishRatios: every renova phase is divided by the floor, the phase
// beside logins also by renova alone, and the logins by nothing.
func TestFinishRatios(t *testing.T) {
	r := phases("floor", 2000.0, "renova", 1500.0, "renova + 32 logins", 750.0, "logins (beside)", 20.0)
	r.finish(false)
	want := []Ratio{{"renova / floor", 0.75}, {"renova + 32 logins / floor", 0.375}, {"renova + 32 logins / renova alone", 0.5}}
	if len(r.Ratios) != len(want) {
		t.Fatalf("ratios = %+v, want %+v", r.Ratios, want)
	}
	for i := range want {
		if r.Ratios[i] != want[i] {
			t.Errorf("ratio %d = %+v, want %+v", i, r.Ratios[i], want[i])
		}
	}
	if r.Phases[0].OfFloor != 0 || r.Phases[1].OfFloor != 0.75 || r.Phases[3].OfFloor != 0 {
		t.Errorf("of floor = %v %v %v, want 0 for the floor and the logins, 0.75 for renova",
			r.Phases[0].OfFloor, r.Phases[1].OfFloor, r.Phases[3].OfFloor)
	}
}

// TestFinishWithoutRatios: no floor (or a floor that did nothing) and no
// renova-alone phase give no ratios.
func TestFinishWithoutRatios(t *testing.T) {
	for name, r := range map[string]*Report{
		"no floor":         phases("renova", 1500.0),
		"idle floor":       phases("floor", 0.0, "renova", 1500.0),
		"contention":       phases("renova 20×100", 900.0),
		"logins, no alone": phases("renova + 2 logins", 900.0),
	} {
		r.finish(false)
		if len(r.Ratios) != 0 {
			t.Errorf("finish(%s) ratios = %+v, want none", name, r.Ratios)
		}
	}
}

// TestFinishVerdict: the run is OK only when every invariant held; a
// skipped one does not fail it.
func TestFinishVerdict(t *testing.T) {
	r := phases("renova", 1.0)
	r.check("a", true, "")
	r.skip("b", "not visible")
	r.finish(false)
	if !r.OK {
		t.Errorf("held and skipped = not OK, want OK: %+v", r.Invariants)
	}
	r.check("c", false, "broken")
	r.finish(false)
	if r.OK {
		t.Errorf("with a failed invariant = OK, want not")
	}
	if c := r.Invariants[1]; !c.Skipped || !c.OK || c.Detail != "not visible" {
		t.Errorf("skip = %+v, want skipped, held, with why", c)
	}
}

// TestFinishMachine: the machine is always described; the memory only for
// an embedded run, whose server shares this process.
func TestFinishMachine(t *testing.T) {
	r := phases("renova", 1.0)
	r.finish(false)
	if r.Machine.CPUs <= 0 || !strings.HasPrefix(r.Machine.GoVersion, "go") || r.Memory != nil {
		t.Errorf("remote finish: machine %+v memory %+v, want a machine and no memory", r.Machine, r.Memory)
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc: memory is not measured here")
	}
	r.finish(true)
	if r.Memory == nil || r.Memory.PeakMiB <= 0 || r.Memory.NowMiB <= 0 || r.Memory.NowMiB > r.Memory.PeakMiB {
		t.Errorf("embedded finish memory = %+v, want a peak at least the current RSS", r.Memory)
	}
	if len(strings.Fields(r.Machine.LoadAvg)) != 3 {
		t.Errorf("load average = %q, want three figures", r.Machine.LoadAvg)
	}
}

// TestSums: 5xx and reused answers are summed over every phase.
func TestSums(t *testing.T) {
	r := phases()
	r.add(&Result{Name: "floor", FiveXX: 1, Reused: 2})
	r.add(&Result{Name: "renova", FiveXX: 3, Reused: 4})
	if r.fiveXX() != 4 || r.reused() != 6 {
		t.Errorf("sums = %d 5xx, %d reused; want 4, 6", r.fiveXX(), r.reused())
	}
	if r.phase("renova") != r.Phases[1] || r.phase("nope") != nil {
		t.Errorf("phase lookup by name is wrong")
	}
}

// TestProcField reads "key: value" lines as /proc writes them.
func TestProcField(t *testing.T) {
	b := []byte("Name:\tbench\nVmHWM:\t  123456 kB\nmodel name\t: AMD EPYC\n")
	cases := map[string]string{"VmHWM": "123456 kB", "model name": "AMD EPYC", "Name": "bench", "VmRSS": ""}
	for key, want := range cases {
		if got := procField(b, key); got != want {
			t.Errorf("procField(%q) = %q, want %q", key, got, want)
		}
	}
}

// TestNewReport carries the run's shape into the report.
func TestNewReport(t *testing.T) {
	r := newReport(Config{Scenario: "jwks", Surface: "standard", Connections: 3, Duration: 1500 * time.Millisecond, Requests: 9})
	if r.Scenario != "jwks" || r.Connections != 3 || r.Duration != "1.5s" || r.Requests != 9 || r.Phases == nil || r.Invariants == nil {
		t.Errorf("newReport = %+v", r)
	}
}

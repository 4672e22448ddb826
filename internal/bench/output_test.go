package bench

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// sample is a report with every part the text form shows: a floor, renova
// alone and beside logins, failures of each kind, ratios, held, failed
// and skipped invariants, and memory.
func sample() *Report {
	return &Report{Scenario: "refresh", Surface: "standard", Backend: "sqlite", Target: "http://127.0.0.1:40000",
		Connections: 64, Duration: "10s",
		Machine: Machine{CPUs: 2, CPUModel: "AMD EPYC", GoVersion: "go1.26.8", LoadAvg: "1.54 0.70 0.39"},
		Phases: []*Result{
			{Name: "floor", Requests: 53060, Seconds: 10.02, RPS: 5296, P50: 8.57, P95: 34.3, P99: 49.66, Max: 130.67, Errors: []ErrorCount{}},
			{Name: "renova", Requests: 34605, Seconds: 10.02, RPS: 3453.4, P50: 14.08, P95: 50.69, P99: 76.8, Max: 184.31, OfFloor: 0.652,
				Errors: []ErrorCount{{0, "connection reset", 2}, {503, "temporarily_unavailable", 1}}, FiveXX: 1},
			{Name: "renova + 32 logins", Requests: 20000, Seconds: 10, RPS: 2000, P50: 20, P95: 60, P99: 90, Max: 200, OfFloor: 0.377,
				Errors: []ErrorCount{{400, "reused", 1}}, Reused: 1},
			{Name: "logins (beside)", Requests: 180, Seconds: 10, RPS: 18, P50: 1500, P95: 2000, P99: 2064, Max: 2100, Errors: []ErrorCount{}},
		},
		Invariants: []Check{{Name: "zero 5xx", Detail: "1 answers with a 5xx status"},
			{Name: "zero false reuse detections", OK: true, Detail: "0 answers with reason reused, 0 refresh.reuse audit events"},
			{Name: "one live refresh token per session", OK: true, Skipped: true, Detail: "store not visible in --url mode"}},
		Ratios: []Ratio{{"renova / floor", 0.652}, {"renova + 32 logins / floor", 0.377}, {"renova + 32 logins / renova alone", 0.579}},
		Memory: &Memory{PeakMiB: 96.54, NowMiB: 52.8},
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from %s:\n%s", name, path, got)
	}
}

// TestWriteText: the text report, as BENCHMARKS.md quotes it.
func TestWriteText(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteText(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", buf.String())
}

// TestWriteTextMinimal: a remote run with no failures says "errors: none"
// and shows neither ratios nor memory.
func TestWriteTextMinimal(t *testing.T) {
	r := sample()
	r.Phases = r.Phases[1:2]
	r.Phases[0].Errors, r.Phases[0].OfFloor = []ErrorCount{}, 0
	r.Ratios, r.Memory, r.Invariants = nil, nil, r.Invariants[1:2]
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	got := buf.String()
	for _, want := range []string{"\nerrors: none\n", "\ninvariants:\n  ok    zero false reuse detections"} {
		if !strings.Contains(got, want) {
			t.Errorf("text report lacks %q:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"ratios (req/s)", "memory (", " %\n"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("text report shows %q without data:\n%s", unwanted, got)
		}
	}
}

// TestWriteJSON: the JSON report reads back as the same report, under the
// field names BENCHMARKS.md's readers use.
func TestWriteJSON(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, sample()) {
		t.Errorf("JSON round trip changed the report:\n%s", buf.String())
	}
	var raw map[string]any
	json.Unmarshal(buf.Bytes(), &raw)
	phase := raw["phases"].([]any)[1].(map[string]any)
	for _, key := range []string{"rps", "p50_ms", "p95_ms", "p99_ms", "max_ms", "5xx", "reused_answers", "of_floor", "errors"} {
		if _, ok := phase[key]; !ok {
			t.Errorf("JSON phase lacks %q: %v", key, phase)
		}
	}
	if _, ok := raw["phases"].([]any)[0].(map[string]any)["of_floor"]; ok {
		t.Errorf("the floor's own phase has of_floor, want it omitted")
	}
	for _, key := range []string{"scenario", "backend", "machine", "invariants", "ratios", "memory", "ok"} {
		if _, ok := raw[key]; !ok {
			t.Errorf("JSON report lacks %q", key)
		}
	}
}

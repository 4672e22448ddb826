package bench

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// Report is everything one run measured and checked; `renova bench
// --json` prints it as is.
type Report struct {
	Scenario    string    `json:"scenario"`
	Surface     string    `json:"surface"`
	Backend     string    `json:"backend"` // sqlite, postgres, or remote
	Target      string    `json:"target"`
	Connections int       `json:"connections"`
	Duration    string    `json:"duration"`
	Requests    int64     `json:"requests_bound,omitempty"`
	Machine     Machine   `json:"machine"`
	Phases      []*Result `json:"phases"`
	Invariants  []Check   `json:"invariants"`
	Ratios      []Ratio   `json:"ratios,omitempty"`
	Memory      *Memory   `json:"memory,omitempty"`
	OK          bool      `json:"ok"` // every invariant held
}

// Ratio is one phase's req/s over another's (renova over the floor,
// renova beside logins over renova alone).
type Ratio struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// Machine describes where the run took place (BENCHMARKS.md quotes it).
type Machine struct {
	CPUs      int    `json:"cpus"`
	CPUModel  string `json:"cpu_model"`
	GoVersion string `json:"go_version"`
	LoadAvg   string `json:"load_avg"` // /proc/loadavg at the end of the run
}

// Memory is the bench process's resident set at the end of an embedded
// run: load generator and server together (/proc/self/status).
type Memory struct {
	PeakMiB float64 `json:"peak_rss_mib"` // VmHWM
	NowMiB  float64 `json:"rss_mib"`      // VmRSS
}

func newReport(cfg Config) *Report {
	return &Report{Scenario: cfg.Scenario, Surface: cfg.Surface, Connections: cfg.Connections,
		Duration: cfg.Duration.String(), Requests: cfg.Requests, Phases: []*Result{}, Invariants: []Check{}}
}

// add appends a phase's figures.
func (r *Report) add(res *Result) { r.Phases = append(r.Phases, res) }

// check records an invariant's verdict; the same name twice keeps both.
func (r *Report) check(name string, ok bool, detail string) {
	r.Invariants = append(r.Invariants, Check{Name: name, OK: ok, Detail: detail})
}

// skip records an invariant that could not be checked, and why.
func (r *Report) skip(name, why string) {
	r.Invariants = append(r.Invariants, Check{Name: name, OK: true, Skipped: true, Detail: why})
}

// fiveXX sums the 5xx answers of every phase.
func (r *Report) fiveXX() int64 {
	var n int64
	for _, p := range r.Phases {
		n += p.FiveXX
	}
	return n
}

// reused sums the answers with reason "reused" of every phase.
func (r *Report) reused() int64 {
	var n int64
	for _, p := range r.Phases {
		n += p.Reused
	}
	return n
}

// phase returns the phase called name, or nil.
func (r *Report) phase(name string) *Result {
	for _, p := range r.Phases {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// finish computes the ratios, the verdict, the machine and the memory.
func (r *Report) finish(embedded bool) {
	floor, alone := r.phase("floor"), r.phase("renova")
	for _, p := range r.Phases {
		if floor != nil && p != floor && floor.RPS > 0 && !strings.HasSuffix(p.Name, "(beside)") {
			p.OfFloor = p.RPS / floor.RPS
			r.Ratios = append(r.Ratios, Ratio{p.Name + " / floor", p.OfFloor})
		}
		if alone != nil && strings.HasPrefix(p.Name, "renova + ") && alone.RPS > 0 {
			r.Ratios = append(r.Ratios, Ratio{p.Name + " / renova alone", p.RPS / alone.RPS})
		}
	}
	r.OK = true
	for _, c := range r.Invariants {
		r.OK = r.OK && c.OK
	}
	r.Machine = machine()
	if embedded {
		r.Memory = memory()
	}
}

// machine reads the CPU model and load from /proc (empty elsewhere).
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		m.CPUModel = procField(b, "model name")
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		m.LoadAvg = strings.Join(f[:min(3, len(f))], " ")
	}
	return m
}

// memory reads VmHWM and VmRSS of this process.
func memory() *Memory {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return nil
	}
	mib := func(key string) float64 {
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(procField(b, key), " kB"), 64)
		return kb / 1024
	}
	return &Memory{PeakMiB: mib("VmHWM"), NowMiB: mib("VmRSS")}
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(b []byte, key string) string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

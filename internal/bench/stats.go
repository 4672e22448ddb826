package bench

import (
	"cmp"
	"slices"
	"time"
)

// Outcome is what one request came to: the HTTP status (0 when the
// exchange failed below HTTP) and, for a failure, the reason a surface
// parsed from the body (an OAuth reason such as "reused", the error code,
// or a transport error class).
type Outcome struct {
	Status int
	Reason string
}

// ok reports a 2xx answer that the surface found no fault with (an
// introspection that says inactive is a 200 with reason "inactive").
func (o Outcome) ok() bool { return o.Status >= 200 && o.Status < 300 && o.Reason == "" }

// errorKey groups failures for the errors table.
type errorKey struct {
	Status int
	Reason string
}

// recorder is one worker's tally; workers never share one, so recording
// takes no lock. The runner merges them at the end.
type recorder struct {
	hist   Histogram
	errors map[errorKey]int64
	reused int64 // answers with reason "reused"
}

func newRecorder() *recorder { return &recorder{errors: map[errorKey]int64{}} }

// record counts one request that took d.
func (r *recorder) record(d time.Duration, o Outcome) {
	r.hist.Record(d)
	if o.Reason == "reused" {
		r.reused++
	}
	if !o.ok() {
		r.errors[errorKey(o)]++
	}
}

// merge adds o into r.
func (r *recorder) merge(o *recorder) {
	r.hist.Merge(&o.hist)
	for k, v := range o.errors {
		r.errors[k] += v
	}
	r.reused += o.reused
}

// ErrorCount is one row of the errors table.
type ErrorCount struct {
	Status int    `json:"status"`
	Reason string `json:"reason"`
	Count  int64  `json:"count"`
}

// Result is the figures of one phase of a run (the floor, renova alone,
// renova beside logins, ...).
type Result struct {
	Name     string       `json:"name"`
	Requests int64        `json:"requests"`
	Seconds  float64      `json:"seconds"`
	RPS      float64      `json:"rps"`
	P50      float64      `json:"p50_ms"`
	P95      float64      `json:"p95_ms"`
	P99      float64      `json:"p99_ms"`
	Max      float64      `json:"max_ms"`
	Mean     float64      `json:"mean_ms"`
	Errors   []ErrorCount `json:"errors"`
	Reused   int64        `json:"reused_answers"`
	FiveXX   int64        `json:"5xx"`
	OfFloor  float64      `json:"of_floor,omitempty"` // req/s as a fraction of the floor's
}

// result summarises r for a phase that ran for elapsed.
func (r *recorder) result(name string, elapsed time.Duration) *Result {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	h := &r.hist
	res := &Result{Name: name, Requests: int64(h.Count()), Seconds: elapsed.Seconds(),
		P50: ms(h.Quantile(0.50)), P95: ms(h.Quantile(0.95)), P99: ms(h.Quantile(0.99)), Max: ms(h.Max()),
		Mean: ms(h.Mean()), Reused: r.reused, Errors: []ErrorCount{}}
	if elapsed > 0 {
		res.RPS = float64(h.Count()) / elapsed.Seconds()
	}
	for k, v := range r.errors {
		res.Errors = append(res.Errors, ErrorCount{k.Status, k.Reason, v})
		if k.Status >= 500 {
			res.FiveXX += v
		}
	}
	slices.SortFunc(res.Errors, func(a, b ErrorCount) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(a.Reason, b.Reason))
	})
	return res
}

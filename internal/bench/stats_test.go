package bench

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestOutcomeOK: only a 2xx with nothing to fault is a success.
func TestOutcomeOK(t *testing.T) {
	cases := []struct {
		o    Outcome
		want bool
	}{
		{Outcome{Status: 200}, true},
		{Outcome{Status: 204}, true},
		{Outcome{Status: 299}, true},
		{Outcome{Status: 200, Reason: "inactive"}, false},
		{Outcome{Status: 199}, false},
		{Outcome{Status: 300}, false},
		{Outcome{Status: 400, Reason: "reused"}, false},
		{Outcome{Reason: "connection refused"}, false},
		{Outcome{}, false},
	}
	for _, tc := range cases {
		if got := tc.o.ok(); got != tc.want {
			t.Errorf("%+v.ok() = %v, want %v", tc.o, got, tc.want)
		}
	}
}

// TestRecorder: failures are grouped by status and reason, sorted, with
// 5xx and reused answers summed apart; merging adds everything.
func TestRecorder(t *testing.T) {
	a, b := newRecorder(), newRecorder()
	for _, o := range []Outcome{{Status: 200}, {Status: 503}, {Status: 400, Reason: "reused"}, {Status: 400, Reason: "expired"}} {
		a.record(10*time.Millisecond, o)
	}
	for _, o := range []Outcome{{Status: 200}, {Status: 503}, {Status: 500, Reason: "server_error"}, {Reason: "timeout"}} {
		b.record(30*time.Millisecond, o)
	}
	a.merge(b)
	res := a.result("renova", 2*time.Second)
	want := []ErrorCount{{0, "timeout", 1}, {400, "expired", 1}, {400, "reused", 1}, {500, "server_error", 1}, {503, "", 2}}
	if !equalErrors(res.Errors, want) {
		t.Errorf("errors = %v, want %v", res.Errors, want)
	}
	if res.Name != "renova" || res.Requests != 8 || res.RPS != 4 || res.Seconds != 2 || res.FiveXX != 3 || res.Reused != 1 {
		t.Errorf("result = %+v, want 8 requests in 2 s (4 req/s), 3 5xx, 1 reused", res)
	}
	if res.P50 < 10 || res.P50 > 10.16 || res.P99 != 30 || res.Max != 30 || res.Mean != 20 {
		t.Errorf("latencies p50 %v p99 %v max %v mean %v, want 10 (+1.6 %%), 30, 30, 20 ms", res.P50, res.P99, res.Max, res.Mean)
	}
}

// TestResultEmpty: a phase without requests reports zeros, no division by
// zero, and an empty (not null) errors list.
func TestResultEmpty(t *testing.T) {
	res := newRecorder().result("idle", 0)
	if res.Requests != 0 || res.RPS != 0 || res.P99 != 0 || res.Mean != 0 || res.Errors == nil {
		t.Errorf("empty result = %+v, want zeros and an empty errors list", res)
	}
	b, err := json.Marshal(res)
	if err != nil || !strings.Contains(string(b), `"errors":[]`) {
		t.Errorf("json(empty result) = %s, %v; want errors as []", b, err)
	}
}

// TestHistogramEdges: negative and huge latencies land in the first and
// last buckets, and no percentile exceeds the maximum.
func TestHistogramEdges(t *testing.T) {
	var h Histogram
	h.Record(-time.Second)
	h.Record(0)
	if h.Quantile(1) != 0 || h.Count() != 2 {
		t.Errorf("negative and zero latencies: p100 %v count %d, want 0 and 2", h.Quantile(1), h.Count())
	}
	var big Histogram
	big.Record(1000 * time.Hour)
	if got := big.Quantile(0.5); got != 1000*time.Hour {
		t.Errorf("p50 of one 1000 h latency = %v, want the maximum itself", got)
	}
	if bucket(1<<62) != nBuckets-1 {
		t.Errorf("bucket(2^62 µs) = %d, want the last (%d)", bucket(1<<62), nBuckets-1)
	}
	var one Histogram
	one.Record(1234567 * time.Nanosecond)
	if got := one.Quantile(0.99); got != 1234567*time.Nanosecond {
		t.Errorf("p99 of one 1.234567 ms latency = %v, want it (capped at the maximum)", got)
	}
}

package bench

import (
	"bytes"
	"context"
	"github.com/renova-auth/renova/internal/testclock"
	"sync/atomic"
	"testing"
	"time"
)

// ticking returns an op that moves clock by step per call and counts its
// calls; answer decides each call's outcome.
func ticking(clock *testclock.Clock, step time.Duration, calls *atomic.Int64, answer func(n int64) (Outcome, bool, bool)) workFn {
	return func(ctx context.Context, w int) (Outcome, bool, bool) {
		n := calls.Add(1)
		clock.Advance(step)
		return answer(n)
	}
}

// ok200 is an answer that always succeeds and asks for more.
func ok200(int64) (Outcome, bool, bool) { return Outcome{Status: 200}, true, false }

// TestPhaseTimeBound: one worker whose requests take 10 ms of a fake clock
// stops at a 100 ms bound after exactly 10 requests, and the figures are
// those of the fake clock.
func TestPhaseTimeBound(t *testing.T) {
	clock := testclock.New()
	var calls atomic.Int64
	p := phase{name: "p", workers: 1, duration: 100 * time.Millisecond, requests: 1000, now: clock.Now}
	res := p.run(context.Background(), ticking(clock, 10*time.Millisecond, &calls, ok200))
	if res.Requests != 10 || calls.Load() != 10 {
		t.Errorf("run(1 worker, 10 ms each, 100 ms) = %d requests, %d calls; want 10", res.Requests, calls.Load())
	}
	if res.Seconds != 0.1 || res.RPS != 100 {
		t.Errorf("run(1 worker, 10 ms each, 100 ms) = %v s, %v req/s; want 0.1 s, 100 req/s", res.Seconds, res.RPS)
	}
	if res.P50 != 10 || res.P99 != 10 || res.Max != 10 || res.Mean != 10 {
		t.Errorf("latencies p50 %v p99 %v max %v mean %v ms, want 10 ms each", res.P50, res.P99, res.Max, res.Mean)
	}
}

// TestPhaseTimeBoundWorkers: several workers on one clock never start a
// request after the deadline, so at most one request per other worker
// slips in beside the one that reaches it.
func TestPhaseTimeBoundWorkers(t *testing.T) {
	clock := testclock.New()
	var calls atomic.Int64
	p := phase{name: "p", workers: 4, duration: 100 * time.Millisecond, requests: 1000, now: clock.Now}
	res := p.run(context.Background(), ticking(clock, time.Millisecond, &calls, ok200))
	if res.Requests < 100 || res.Requests > 103 || res.Requests != calls.Load() {
		t.Errorf("run(4 workers, 1 ms each, 100 ms) = %d requests, %d calls; want 100 to 103, all counted", res.Requests, calls.Load())
	}
}

// TestPhaseRequestBound: the request budget is shared by the workers and
// spent exactly, however many there are.
func TestPhaseRequestBound(t *testing.T) {
	for _, workers := range []int{1, 3, 8, 64} {
		clock := testclock.New()
		var calls atomic.Int64
		p := phase{name: "p", workers: workers, duration: time.Second, requests: 100, now: clock.Now}
		res := p.run(context.Background(), ticking(clock, time.Microsecond, &calls, ok200))
		if res.Requests != 100 || calls.Load() != 100 {
			t.Errorf("run(%d workers, budget 100) = %d requests, %d calls; want 100", workers, res.Requests, calls.Load())
		}
	}
}

// TestPhaseStops: a worker stops when its op has no more to do, when the
// context ends, and a skipped request is not counted.
func TestPhaseStops(t *testing.T) {
	cases := []struct {
		name    string
		workers int
		answer  func(n int64) (Outcome, bool, bool)
		cancel  int64 // cancel the context at this call (0: never)
		calls   int64
		counted int64
	}{
		{"no more after the 5th", 1, func(n int64) (Outcome, bool, bool) { return Outcome{Status: 200}, n < 5, false }, 0, 5, 5},
		{"every worker once", 4, func(int64) (Outcome, bool, bool) { return Outcome{Status: 200}, false, false }, 0, 4, 4},
		{"every other skipped", 1, func(n int64) (Outcome, bool, bool) { return Outcome{Status: 200}, true, n%2 == 0 }, 0, 1000, 500},
		{"cancelled at the 7th", 1, ok200, 7, 7, 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			clock := testclock.New()
			var calls atomic.Int64
			answer := func(n int64) (Outcome, bool, bool) {
				if n == tc.cancel {
					cancel()
				}
				return tc.answer(n)
			}
			p := phase{name: "p", workers: tc.workers, duration: time.Second, requests: 1000, now: clock.Now}
			res := p.run(ctx, ticking(clock, time.Microsecond, &calls, answer))
			if calls.Load() != tc.calls || res.Requests != tc.counted {
				t.Errorf("run(%s) = %d calls, %d counted; want %d, %d", tc.name, calls.Load(), res.Requests, tc.calls, tc.counted)
			}
		})
	}
}

// TestPhaseErrors: failures are counted by status and reason, 5xx and
// reused answers apart, and a request that failed still counts.
func TestPhaseErrors(t *testing.T) {
	outcomes := []Outcome{{Status: 200}, {Status: 500, Reason: "server_error"}, {Status: 400, Reason: "reused"},
		{Status: 503}, {Reason: "connection refused"}, {Status: 200, Reason: "inactive"}}
	clock := testclock.New()
	var calls atomic.Int64
	p := phase{name: "p", workers: 1, duration: time.Second, requests: int64(len(outcomes)), now: clock.Now}
	res := p.run(context.Background(), ticking(clock, time.Millisecond, &calls, func(n int64) (Outcome, bool, bool) {
		return outcomes[n-1], true, false
	}))
	want := []ErrorCount{{0, "connection refused", 1}, {200, "inactive", 1}, {400, "reused", 1}, {500, "server_error", 1}, {503, "", 1}}
	if !equalErrors(res.Errors, want) || res.FiveXX != 2 || res.Reused != 1 || res.Requests != 6 {
		t.Errorf("run(mixed answers) = errors %v, 5xx %d, reused %d, requests %d; want %v, 2, 1, 6",
			res.Errors, res.FiveXX, res.Reused, res.Requests, want)
	}
}

func equalErrors(a, b []ErrorCount) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPhaseProgress: with a progress writer, the live line is cleared
// when the phase ends; without one nothing is written anywhere.
func TestPhaseProgress(t *testing.T) {
	var buf bytes.Buffer
	clock := testclock.New()
	var calls atomic.Int64
	p := phase{name: "p", workers: 2, duration: time.Second, requests: 10, now: clock.Now, progress: &buf}
	p.run(context.Background(), ticking(clock, time.Millisecond, &calls, ok200))
	if got := buf.String(); len(got) < 4 || got[len(got)-4:] != "\r\033[K" {
		t.Errorf("progress = %q, want it to end by clearing the line", got)
	}
	stop := phase{}.showProgress(time.Now(), new(atomic.Int64), new(atomic.Int64))
	stop() // no writer: nothing to start, nothing to stop
}

// TestRunPhaseShape: a scenario's phase takes the run's bounds, clock and
// progress writer.
func TestRunPhaseShape(t *testing.T) {
	var buf bytes.Buffer
	clock := testclock.New()
	r := &run{cfg: Config{Duration: 3 * time.Second, Requests: 7, Progress: &buf}, now: clock.Now}
	p := r.phase("renova", 5)
	if p.name != "renova" || p.workers != 5 || p.duration != 3*time.Second || p.requests != 7 || p.progress != &buf || !p.now().Equal(clock.Now()) {
		t.Errorf("phase(renova, 5) = %+v, want the run's bounds, clock and progress", p)
	}
}

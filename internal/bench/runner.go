package bench

import (
	"context"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// workFn makes one request for worker w and returns its outcome; more is
// false when the worker has nothing left to do (its chains are dead, its
// trials are done). A request the run's own end interrupted is reported
// with skip set and is not counted.
type workFn func(ctx context.Context, w int) (o Outcome, more, skip bool)

// phase is one timed stretch of load: workers run op in a loop until the
// request budget is spent, the duration has passed, or ctx ends. A worker
// never starts a request after the deadline and always finishes the one it
// started, so no request is cut off and counted as an error.
type phase struct {
	name     string
	workers  int
	duration time.Duration
	requests int64 // total budget across workers; 0 means no bound
	progress io.Writer
	now      func() time.Time // the clock of the bound and the latencies; default time.Now
}

// run drives op and returns the phase's figures.
func (p phase) run(ctx context.Context, op workFn) *Result {
	now := p.now
	if now == nil {
		now = time.Now
	}
	recs := make([]*recorder, p.workers)
	var left atomic.Int64
	left.Store(p.requests)
	var done, failed atomic.Int64
	start := now()
	deadline := start.Add(p.duration)
	stop := p.showProgress(start, &done, &failed)
	var wg sync.WaitGroup
	for w := range p.workers {
		recs[w] = newRecorder()
		wg.Go(func() {
			for ctx.Err() == nil && now().Before(deadline) {
				if p.requests > 0 && left.Add(-1) < 0 {
					return
				}
				t0 := now()
				o, more, skip := op(ctx, w)
				if !skip {
					recs[w].record(now().Sub(t0), o)
					done.Add(1)
					if !o.ok() {
						failed.Add(1)
					}
				}
				if !more {
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := now().Sub(start)
	stop()
	total := newRecorder()
	for _, r := range recs {
		total.merge(r)
	}
	return total.result(p.name, elapsed)
}

// showProgress prints a live line (requests per second over the last
// second, totals, errors) every second until the returned stop is called.
// It does nothing without a progress writer (stderr is not a terminal).
func (p phase) showProgress(start time.Time, done, failed *atomic.Int64) (stop func()) {
	if p.progress == nil {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		last := int64(0)
		for {
			select {
			case <-quit:
				fmt.Fprint(p.progress, "\r\033[K")
				return
			case now := <-t.C:
				n := done.Load()
				fmt.Fprintf(p.progress, "\r\033[K%s  %4.0fs  %7d req/s  %9d requests  %d errors",
					p.name, now.Sub(start).Seconds(), n-last, n, failed.Load())
				last = n
			}
		}
	})
	return func() { close(quit); wg.Wait() }
}

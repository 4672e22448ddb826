package legacy

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/testclock"
)

// TestFlightOneCall: 100 concurrent callers of one key share one call and
// its result.
func TestFlightOneCall(t *testing.T) {
	joined := make(chan struct{}, 100)
	f := &Flight[int]{joined: func() { joined <- struct{}{} }}
	var calls atomic.Int32
	release := make(chan struct{})
	entered := make(chan struct{})
	var wg sync.WaitGroup
	results := make(chan int, 100)
	start := func() {
		defer wg.Done()
		v, err := f.Do(context.Background(), "k", func(context.Context) (int, error) {
			calls.Add(1)
			close(entered)
			<-release
			return 42, nil
		})
		if err != nil {
			t.Errorf("Do = %v", err)
		}
		results <- v
	}
	wg.Add(1)
	go start()
	<-entered // the leader runs; everyone else must join it
	for range 99 {
		wg.Add(1)
		go start()
	}
	waitWaiters(t, joined, 99)
	close(release)
	wg.Wait()
	close(results)
	for v := range results {
		if v != 42 {
			t.Errorf("a caller got %d, want 42", v)
		}
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("fn ran %d times, want 1", n)
	}
}

// waitWaiters blocks until n callers joined the running call, told by
// the flight's hook (set before any caller starts).
func waitWaiters(t *testing.T, joined chan struct{}, n int) {
	t.Helper()
	for range n {
		<-joined
	}
}

// TestFlightBounded: past MaxWaiters and when its context ends, a waiter
// gets ErrBusy, and the call goes on for the others.
func TestFlightBounded(t *testing.T) {
	joined := make(chan struct{}, 1)
	f := &Flight[int]{MaxWaiters: 1, joined: func() { joined <- struct{}{} }}
	release, entered := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := f.Do(context.Background(), "k", func(context.Context) (int, error) { close(entered); <-release; return 1, nil })
		done <- err
	}()
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	waiter := make(chan error, 1)
	go func() { _, err := f.Do(ctx, "k", nil); waiter <- err }()
	waitWaiters(t, joined, 1)
	if _, err := f.Do(context.Background(), "k", nil); !errors.Is(err, ErrBusy) {
		t.Errorf("Do beyond MaxWaiters = %v, want ErrBusy", err)
	}
	cancel()
	if err := <-waiter; !errors.Is(err, ErrBusy) {
		t.Errorf("Do with a cancelled context = %v, want ErrBusy", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Errorf("leader = %v, want nil", err)
	}
}

// TestFlightNegativeCache: a rejection is remembered for NegativeTTL
// (no new call), a fault is not, and Forget drops a rejection.
func TestFlightNegativeCache(t *testing.T) {
	clock := testclock.New()
	f := &Flight[int]{NegativeTTL: 30 * time.Second, Now: clock.Now}
	calls := 0
	reject := func(context.Context) (int, error) { calls++; return 0, ErrRejected }
	fault := func(context.Context) (int, error) { calls++; return 0, ErrUnavailable }
	steps := []struct {
		name      string
		key       string
		fn        func(context.Context) (int, error)
		advance   time.Duration
		want      error
		wantCalls int
	}{
		{"first rejection calls", "dead", reject, 0, ErrRejected, 1},
		{"cached", "dead", reject, 29 * time.Second, ErrRejected, 1},
		{"expired", "dead", reject, time.Second, ErrRejected, 2},
		{"fault calls", "down", fault, 0, ErrUnavailable, 3},
		{"fault not cached", "down", fault, 0, ErrUnavailable, 4},
	}
	for _, s := range steps {
		clock.Advance(s.advance)
		if _, err := f.Do(context.Background(), s.key, s.fn); !errors.Is(err, s.want) || calls != s.wantCalls {
			t.Errorf("%s: Do = %v with %d calls, want %v with %d", s.name, err, calls, s.want, s.wantCalls)
		}
	}
	f.Forget("dead")
	if _, err := f.Do(context.Background(), "dead", func(context.Context) (int, error) { return 7, nil }); err != nil {
		t.Errorf("after Forget: Do = %v, want a fresh call", err)
	}
}

// TestFlightDeadBounded: the negative cache never grows past MaxDead.
func TestFlightDeadBounded(t *testing.T) {
	f := &Flight[int]{MaxDead: 3}
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		_, _ = f.Do(context.Background(), k, func(context.Context) (int, error) { return 0, ErrRejected })
		if len(f.dead) > 3 {
			t.Fatalf("after %s: %d remembered, want at most 3", k, len(f.dead))
		}
	}
}

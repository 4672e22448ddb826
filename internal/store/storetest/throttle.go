package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// ThrottleFactory returns a new, empty store.Throttle; the suite closes
// nothing (a backend's factory cleans up with t.Cleanup).
type ThrottleFactory func(t *testing.T) store.Throttle

// RunThrottle runs the throttle conformance suite: the in-memory store of
// a single process and the shared PostgreSQL one must count alike, so a
// deployment behaves the same whichever it runs on (issue 14).
func RunThrottle(t *testing.T, newThrottle ThrottleFactory) {
	cases := []struct {
		name string
		fn   func(*testing.T, store.Throttle)
	}{
		{"FixedWindow", testThrottleWindow},
		{"SeveralKeys", testThrottleKeys},
		{"Reset", testThrottleReset},
		{"ConcurrentAdds", testThrottleConcurrentAdds},
		{"SlidingAdmit", testThrottleAdmit},
		{"ConcurrentAdmits", testThrottleConcurrentAdmits},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newThrottle(t)) })
	}
}

// throttleCounts reads keys' counts at now, failing the test on an error.
func throttleCounts(t *testing.T, th store.Throttle, now time.Time, keys ...string) []store.Count {
	t.Helper()
	cs, err := th.Counts(ctx(t), now, keys...)
	if err != nil {
		t.Fatalf("Counts(%v) = %v", keys, err)
	}
	if len(cs) != len(keys) {
		t.Fatalf("Counts(%v) returned %d counts, want %d", keys, len(cs), len(keys))
	}
	return cs
}

// throttleAdd counts one event of keys at now, failing the test on an error.
func throttleAdd(t *testing.T, th store.Throttle, now time.Time, window time.Duration, keys ...string) {
	t.Helper()
	if err := th.Add(ctx(t), now, window, keys...); err != nil {
		t.Fatalf("Add(%v) = %v", keys, err)
	}
}

// wantThrottleCount checks one key's count at now.
func wantThrottleCount(t *testing.T, th store.Throttle, now time.Time, key string, want store.Count) {
	t.Helper()
	got := throttleCounts(t, th, now, key)[0]
	if got.N != want.N || !got.Ends.Equal(want.Ends) {
		t.Errorf("Counts(%s) at %v = %d until %v, want %d until %v", key, now.Sub(t0), got.N, got.Ends, want.N, want.Ends)
	}
}

// testThrottleWindow: a window opens at the first event, later events in
// it count without moving its end, it ends exactly at its end, and the
// next event opens a new one.
func testThrottleWindow(t *testing.T, th store.Throttle) {
	w := 15 * time.Minute
	wantThrottleCount(t, th, t0, "k", store.Count{})
	throttleAdd(t, th, t0, w, "k")
	wantThrottleCount(t, th, t0, "k", store.Count{N: 1, Ends: t0.Add(w)})
	throttleAdd(t, th, t0.Add(10*time.Minute), w, "k")
	throttleAdd(t, th, t0.Add(w-time.Microsecond), w, "k")
	wantThrottleCount(t, th, t0.Add(w-time.Microsecond), "k", store.Count{N: 3, Ends: t0.Add(w)})
	wantThrottleCount(t, th, t0.Add(w), "k", store.Count{})
	throttleAdd(t, th, t0.Add(w), w, "k")
	wantThrottleCount(t, th, t0.Add(w), "k", store.Count{N: 1, Ends: t0.Add(2 * w)})
}

// testThrottleKeys: one Add counts each key it names, Counts answers in
// the order asked, and keys never share a count.
func testThrottleKeys(t *testing.T, th store.Throttle) {
	w := time.Minute
	throttleAdd(t, th, t0, w, "a", "b", "c")
	throttleAdd(t, th, t0, w, "c", "a")
	throttleAdd(t, th, t0, 2*w, "d", "d") // a key named twice counts once
	got := throttleCounts(t, th, t0, "d", "c", "x", "b", "a")
	want := []int{1, 2, 0, 1, 2}
	for i, c := range got {
		if c.N != want[i] {
			t.Errorf("Counts(d,c,x,b,a)[%d] = %d, want %d", i, c.N, want[i])
		}
	}
	if !got[0].Ends.Equal(t0.Add(2*w)) || !got[2].Ends.IsZero() {
		t.Errorf("Counts ends = %v, %v; want %v and zero", got[0].Ends, got[2].Ends, t0.Add(2*w))
	}
	if cs := throttleCounts(t, th, t0); len(cs) != 0 {
		t.Errorf("Counts() = %v, want none", cs)
	}
}

// testThrottleReset: Reset forgets the keys it names and no other; an
// unknown key or none at all is no error.
func testThrottleReset(t *testing.T, th store.Throttle) {
	throttleAdd(t, th, t0, time.Hour, "a", "b", "c")
	for _, keys := range [][]string{{"a", "c", "unknown"}, {}} {
		if err := th.Reset(ctx(t), keys...); err != nil {
			t.Fatalf("Reset(%v) = %v", keys, err)
		}
	}
	got := throttleCounts(t, th, t0, "a", "b", "c")
	if got[0].N != 0 || got[1].N != 1 || got[2].N != 0 {
		t.Errorf("after Reset(a, c) counts = %v, want 0, 1, 0", got)
	}
	throttleAdd(t, th, t0.Add(time.Minute), time.Hour, "a")
	wantThrottleCount(t, th, t0.Add(time.Minute), "a", store.Count{N: 1, Ends: t0.Add(time.Minute + time.Hour)})
}

// testThrottleConcurrentAdds: 40 Adds at once, half naming the keys in
// the other order (two replicas recording failures of one account from
// one IP), lose no count and do not deadlock.
func testThrottleConcurrentAdds(t *testing.T, th store.Throttle) {
	const n = 40
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		keys := []string{"acct", "ip"}
		if i%2 == 1 {
			keys = []string{"ip", "acct"}
		}
		wg.Go(func() { errs <- th.Add(ctx(t), t0, time.Minute, keys...) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent Add = %v", err)
		}
	}
	for _, c := range throttleCounts(t, th, t0, "acct", "ip") {
		if c.N != n {
			t.Errorf("after %d concurrent Adds count = %d", n, c.N)
		}
	}
}

// throttleAdmit calls Admit and returns the wait, failing the test on an error.
func throttleAdmit(t *testing.T, th store.Throttle, key string, now time.Time, max int) time.Duration {
	t.Helper()
	wait, err := th.Admit(ctx(t), key, now, time.Hour, max)
	if err != nil {
		t.Fatalf("Admit(%s) = %v", key, err)
	}
	return wait
}

// testThrottleAdmit walks a sliding window of one hour, at most 3: the
// wait is until the oldest admitted event leaves the hour, to the
// microsecond, and a refused event is not recorded.
func testThrottleAdmit(t *testing.T, th store.Throttle) {
	m := time.Minute
	steps := []struct {
		at   time.Duration
		key  string
		want time.Duration
	}{
		{0, "p", 0}, {20 * m, "p", 0}, {20 * m, "p", 0},
		{30 * m, "p", 30 * m}, // the first leaves the hour at 60m
		{30 * m, "q", 0},      // another key has its own log
		{60*m - time.Microsecond, "p", time.Microsecond},
		{60 * m, "p", 0},                   // the first left; the refusals were not recorded
		{61 * m, "p", 19 * m},              // the two of 20m leave at 80m
		{80 * m, "p", 0}, {80 * m, "p", 0}, // both left: two free places
		{80 * m, "p", 40 * m}, // full again until the one of 60m leaves
	}
	for _, s := range steps {
		if got := throttleAdmit(t, th, s.key, t0.Add(s.at), 3); got != s.want {
			t.Errorf("Admit(%s) at %v = %v, want %v", s.key, s.at, got, s.want)
		}
	}
}

// testThrottleConcurrentAdmits: 30 Admits of one key at once, at most 7,
// admit exactly 7 (two replicas creating a partner's users together).
func testThrottleConcurrentAdmits(t *testing.T, th store.Throttle) {
	const n, max = 30, 7
	var wg sync.WaitGroup
	waits := make(chan time.Duration, n)
	for range n {
		wg.Go(func() {
			w, err := th.Admit(ctx(t), "p", t0, time.Hour, max)
			if err != nil {
				t.Errorf("concurrent Admit = %v", err)
			}
			waits <- w
		})
	}
	wg.Wait()
	close(waits)
	admitted := 0
	for w := range waits {
		switch w {
		case 0:
			admitted++
		case time.Hour:
		default:
			t.Errorf("concurrent Admit wait = %v, want 0 or 1h", w)
		}
	}
	if admitted != max {
		t.Errorf("%d concurrent Admits at most %d admitted %d", n, max, admitted)
	}
}

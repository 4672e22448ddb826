package throttle

import (
	"testing"
	"time"
)

// TestSlowdownDelay checks the delay's growth: none under After, then
// doubling from Base, capped at Max.
func TestSlowdownDelay(t *testing.T) {
	s := Slowdown{After: 5, Base: 250 * time.Millisecond, Max: 4 * time.Second}
	ms := time.Millisecond
	cases := []struct {
		n    int
		want time.Duration
	}{{0, 0}, {4, 0}, {5, 250 * ms}, {6, 500 * ms}, {7, time.Second}, {8, 2 * time.Second}, {9, 4 * time.Second}, {10, 4 * time.Second}, {1 << 20, 4 * time.Second}}
	for _, tc := range cases {
		if got := s.Delay(tc.n); got != tc.want {
			t.Errorf("Delay(%d) = %v, want %v", tc.n, got, tc.want)
		}
	}
}

// TestFailures counts failures in the window and forgets them after it.
func TestFailures(t *testing.T) {
	now := time.Unix(0, 0)
	l := New(0, time.Minute, func() time.Time { return now })
	for range 3 {
		l.Fail("k")
	}
	if got := l.Failures("k"); got != 3 {
		t.Errorf("Failures after 3 = %d, want 3", got)
	}
	if got := l.Failures("other"); got != 0 {
		t.Errorf("Failures(other) = %d, want 0", got)
	}
	now = now.Add(time.Minute)
	if got := l.Failures("k"); got != 0 {
		t.Errorf("Failures after the window = %d, want 0", got)
	}
}

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

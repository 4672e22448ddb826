package throttle

import "time"

// Slowdown is the delay before answering a login of an account that has
// failed n times in the window, from any number of IPs: nothing for the
// first After failures, then Base, doubling with each further failure, at
// most Max. It slows a guesser spread over many IPs without ever locking
// the owner out, who waits at most Max and then logs in (issue 14).
type Slowdown struct {
	After     int
	Base, Max time.Duration
}

// Delay returns the wait before checking a password of an account that
// has n failures.
func (s Slowdown) Delay(n int) time.Duration {
	if n < s.After || s.Base <= 0 {
		return 0
	}
	d := s.Base
	for i := s.After; i < n && d < s.Max; i++ {
		d *= 2
	}
	return min(d, s.Max)
}

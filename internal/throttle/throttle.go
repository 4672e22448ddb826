// Package throttle limits failed logins per key (account, IP) in fixed
// time windows (PRODUCT.md §6). It counts failures only, so a user who
// types the password right is never slowed down; its caller picks keys
// that behave alike whether or not a user exists, so it reveals nothing.
// Slowdown turns an account's failures from every IP into a capped delay.
// State is per process: with several replicas each enforces its own limit.
package throttle

import (
	"sync"
	"time"
)

// Limiter allows at most Max failures per key per Window.
type Limiter struct {
	Max    int
	Window time.Duration
	now    func() time.Time

	mu sync.Mutex
	m  map[string]*count
}

type count struct {
	n     int
	start time.Time
}

// maxKeys bounds memory: past it, expired windows are pruned.
const maxKeys = 100_000

// New returns a limiter of max failures per window on clock now.
func New(max int, window time.Duration, now func() time.Time) *Limiter {
	return &Limiter{Max: max, Window: window, now: now, m: map[string]*count{}}
}

// Allow reports whether key may try again, and if not, how long until it
// may.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.m[key]
	now := l.now()
	if c == nil || now.Sub(c.start) >= l.Window || c.n < l.Max {
		return true, 0
	}
	return false, c.start.Add(l.Window).Sub(now)
}

// Fail records one failure of key.
func (l *Limiter) Fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	c := l.m[key]
	if c == nil || now.Sub(c.start) >= l.Window {
		if len(l.m) >= maxKeys {
			l.prune(now)
		}
		c = &count{start: now}
		l.m[key] = c
	}
	c.n++
}

// Reset forgets key's failures (after a successful login).
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}

func (l *Limiter) prune(now time.Time) {
	for k, c := range l.m {
		if now.Sub(c.start) >= l.Window {
			delete(l.m, k)
		}
	}
}

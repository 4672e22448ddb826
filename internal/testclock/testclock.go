// Package testclock is the settable clock every test injects where the
// code takes a `now func() time.Time` (STYLE.md rule 3): tests move it
// instead of sleeping, so expiry, grace windows and lockouts are tested
// at their exact boundaries.
package testclock

import (
	"sync"
	"time"
)

// Start is where every clock begins: a fixed instant, so golden files and
// expected timestamps never depend on when the tests run.
var Start = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// Clock is a clock that only moves when a test moves it. It is safe for
// concurrent use: servers read it while a test advances it.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// New returns a clock at Start.
func New() *Clock { return &Clock{t: Start} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock by d (backwards when d is negative, to test a
// clock that steps back).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

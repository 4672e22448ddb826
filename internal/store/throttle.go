package store

import (
	"context"
	"time"
)

// Throttle keeps the login throttle's failure counts and the partners'
// creation logs (issue 14) where every replica that enforces them sees
// them: the PostgreSQL store implements it on the shared database; a
// single SQLite process keeps them in memory (throttle.Memory). It is not
// part of Store: it holds counters that may be lost without harm, never a
// record, and the two kinds of backend keep them in different places.
//
// Keys are opaque strings chosen by the caller; an implementation may
// hash them, so they never need to be read back. Times come from the
// caller's clock, so every decision is tested at its exact boundary.
type Throttle interface {
	// Counts returns, in one round trip, each key's count in its current
	// window at now, in the order of keys: a zero Count for a key that
	// has none or whose window ended at or before now.
	Counts(ctx context.Context, now time.Time, keys ...string) ([]Count, error)
	// Add counts one event for each key, in one write: a key without a
	// current window at now starts one of length window at now, with a
	// count of 1; others add 1 and keep their end. Add is atomic per key,
	// so concurrent Adds from any number of replicas lose no count.
	Add(ctx context.Context, now time.Time, window time.Duration, keys ...string) error
	// Reset forgets the counts of keys.
	Reset(ctx context.Context, keys ...string) error
	// Admit records one event of key at now, provided fewer than max of
	// key's events fall in the sliding window (now-window, now], and
	// returns 0. Otherwise it records nothing and returns how long until
	// the oldest of them leaves the window. Concurrent Admits of one key,
	// from any replica, never admit more than max in a window.
	Admit(ctx context.Context, key string, now time.Time, window time.Duration, max int) (time.Duration, error)
}

// Count is a key's count in its current fixed window, which ends at Ends.
type Count struct {
	N    int
	Ends time.Time
}

// Package throttle limits failed logins per key (account, IP) in fixed
// time windows (PRODUCT.md §6). It counts failures only, so a user who
// types the password right is never slowed down; its caller picks keys
// that behave alike whether or not a user exists, so it reveals nothing.
// Slowdown turns an account's failures from every IP into a capped delay.
//
// The counts live in a store.Throttle: on PostgreSQL the shared database,
// so every replica enforces one limit; on SQLite (one process) Memory.
package throttle

import (
	"context"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Login is the login throttle (issue 14):
//   - per account and IP: AccountLimit failures lock that pair out until
//     its window ends;
//   - per IP: IPLimit failures, whatever the accounts;
//   - per account from every IP: Slowdown's growing, capped delay, never
//     a lockout.
//
// A login reads its counts once (Check, one round trip), and writes only
// on a failure (Fail, one write) or on a success that ends counts
// (Succeed); a success with nothing to forget writes nothing.
type Login struct {
	Store        store.Throttle
	AccountLimit int
	IPLimit      int
	Window       time.Duration
	Slowdown     Slowdown
}

// Attempt is one login's keys and the counts Check read for them.
type Attempt struct {
	keys   []string // account@IP, IP, account
	counts []store.Count
	now    time.Time
}

// Key positions in Attempt.keys.
const (
	pairKey = iota
	ipKey
	accountKey
)

// Check reads the counts of a login of account (a key its caller derives
// from the user or the name) from ip, at now, in one round trip.
func (l *Login) Check(ctx context.Context, now time.Time, account, ip string) (*Attempt, error) {
	keys := []string{account + "@" + ip, "ip:" + ip, account}
	cs, err := l.Store.Counts(ctx, now, keys...)
	if err != nil {
		return nil, err
	}
	return &Attempt{keys: keys, counts: cs, now: now}, nil
}

// Wait returns how long the attempt stays locked out: the real time until
// every window that refuses it ends, 0 when it may try now.
func (l *Login) Wait(a *Attempt) time.Duration {
	var wait time.Duration
	for i, limit := range []int{pairKey: l.AccountLimit, ipKey: l.IPLimit} {
		if c := a.counts[i]; c.N >= limit {
			wait = max(wait, c.Ends.Sub(a.now))
		}
	}
	return wait
}

// Delay returns the slowdown before the attempt's password is checked.
func (l *Login) Delay(a *Attempt) time.Duration {
	return l.Slowdown.Delay(a.counts[accountKey].N)
}

// Fail records the attempt's failure at now on its three keys, in one
// write.
func (l *Login) Fail(ctx context.Context, now time.Time, a *Attempt) error {
	return l.Store.Add(ctx, now, l.Window, a.keys...)
}

// Succeed forgets the failures of the attempt's account, from its IP and
// from all, when Check found any. The IP's count stays: one account that
// logs in must not clear the failures of the others tried from its IP.
func (l *Login) Succeed(ctx context.Context, a *Attempt) error {
	if a.counts[pairKey].N == 0 && a.counts[accountKey].N == 0 {
		return nil
	}
	return l.Store.Reset(ctx, a.keys[pairKey], a.keys[accountKey])
}

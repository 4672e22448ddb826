package throttle

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/testclock"
)

// calls records which store.Throttle methods a login used, around the
// real in-process store: the hot path's cost is the number of calls, one
// round trip each on PostgreSQL.
type calls struct {
	store.Throttle
	log []string
}

func (c *calls) Counts(ctx context.Context, now time.Time, keys ...string) ([]store.Count, error) {
	c.log = append(c.log, "Counts")
	return c.Throttle.Counts(ctx, now, keys...)
}

func (c *calls) Add(ctx context.Context, now time.Time, w time.Duration, keys ...string) error {
	c.log = append(c.log, "Add")
	return c.Throttle.Add(ctx, now, w, keys...)
}

func (c *calls) Reset(ctx context.Context, keys ...string) error {
	c.log = append(c.log, "Reset")
	return c.Throttle.Reset(ctx, keys...)
}

// take returns the calls so far and forgets them.
func (c *calls) take() []string {
	l := c.log
	c.log = nil
	return l
}

// login runs one attempt of acct from ip, failing or not, the way the
// core does, and returns Check's lockout wait and slowdown delay.
func login(t *testing.T, l *Login, clock *testclock.Clock, acct, ip string, ok bool) (wait, delay time.Duration) {
	t.Helper()
	ctx := context.Background()
	a, err := l.Check(ctx, clock.Now(), acct, ip)
	if err != nil {
		t.Fatal(err)
	}
	if wait = l.Wait(a); wait > 0 {
		return wait, 0
	}
	delay = l.Delay(a)
	if ok {
		err = l.Succeed(ctx, a)
	} else {
		err = l.Fail(ctx, clock.Now(), a)
	}
	if err != nil {
		t.Fatal(err)
	}
	return wait, delay
}

func newLogin() (*Login, *calls, *testclock.Clock) {
	c := &calls{Throttle: NewMemory()}
	l := &Login{Store: c, AccountLimit: 3, IPLimit: 5, Window: 15 * time.Minute,
		Slowdown: Slowdown{After: 2, Base: time.Second, Max: 4 * time.Second}}
	return l, c, testclock.New()
}

// TestLoginCost: a success with no failures to forget costs one read; a
// failure one read and one write; a success after failures one read and
// one delete.
func TestLoginCost(t *testing.T) {
	l, c, clock := newLogin()
	cases := []struct {
		name string
		ok   bool
		want []string
	}{
		{"clean success", true, []string{"Counts"}},
		{"failure", false, []string{"Counts", "Add"}},
		{"success after a failure", true, []string{"Counts", "Reset"}},
		{"success again", true, []string{"Counts"}},
	}
	for _, tc := range cases {
		login(t, l, clock, "acct:a", "192.0.2.1", tc.ok)
		if got := c.take(); !slices.Equal(got, tc.want) {
			t.Errorf("%s: store calls = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestLoginLockout: AccountLimit failures of one account from one IP lock
// that pair out for the real rest of the window; the account from another
// IP, and another account from the IP, still try, until the IP reaches
// IPLimit; the slowdown counts the account's failures from every IP.
func TestLoginLockout(t *testing.T) {
	l, _, clock := newLogin()
	for range 3 {
		login(t, l, clock, "acct:a", "ip1", false)
		clock.Advance(time.Minute)
	}
	if wait, _ := login(t, l, clock, "acct:a", "ip1", true); wait != 12*time.Minute {
		t.Errorf("after 3 failures Wait = %v, want 12m (the window opened 3 min ago)", wait)
	}
	if wait, delay := login(t, l, clock, "acct:a", "ip2", false); wait != 0 || delay != 2*time.Second {
		t.Errorf("account from ip2 = wait %v delay %v, want 0 and 2s (3 failures, slowdown after 2)", wait, delay)
	}
	login(t, l, clock, "acct:b", "ip1", false)
	if wait, _ := login(t, l, clock, "acct:c", "ip1", false); wait != 0 {
		t.Errorf("after 4 failures from ip1 another account's Wait = %v, want 0", wait)
	}
	if wait, _ := login(t, l, clock, "acct:c", "ip1", true); wait != 12*time.Minute {
		t.Errorf("after 5 failures from ip1 another account's Wait = %v, want 12m", wait)
	}
	clock.Advance(12*time.Minute - time.Nanosecond)
	if wait, _ := login(t, l, clock, "acct:a", "ip1", true); wait != time.Nanosecond {
		t.Errorf("1ns before the window ends Wait = %v, want 1ns", wait)
	}
	clock.Advance(time.Nanosecond)
	if wait, delay := login(t, l, clock, "acct:a", "ip1", true); wait != 0 || delay != 0 {
		t.Errorf("once the window ended = wait %v delay %v, want 0, 0", wait, delay)
	}
}

// TestLoginWaitIsTheLongest: a login refused both per pair and per IP
// waits until both windows end.
func TestLoginWaitIsTheLongest(t *testing.T) {
	l, _, clock := newLogin()
	for i := range 2 {
		login(t, l, clock, "acct:x"+string(rune('0'+i)), "ip", false)
	}
	clock.Advance(5 * time.Minute)
	for range 3 {
		login(t, l, clock, "acct:a", "ip", false)
	}
	if wait, _ := login(t, l, clock, "acct:a", "ip", true); wait != 15*time.Minute {
		t.Errorf("pair and IP both over = wait %v, want 15m (the pair's window, the later one)", wait)
	}
}

// TestSucceedEndsAccountCounts: a success forgets its account's failures
// (so the slowdown ends) but not its IP's.
func TestSucceedEndsAccountCounts(t *testing.T) {
	l, c, clock := newLogin()
	for range 2 {
		login(t, l, clock, "acct:a", "ip", false)
	}
	login(t, l, clock, "acct:a", "ip", true)
	cs, _ := c.Counts(context.Background(), clock.Now(), "acct:a@ip", "ip:ip", "acct:a")
	if cs[0].N != 0 || cs[1].N != 2 || cs[2].N != 0 {
		t.Errorf("after a success counts = %v, want the pair and account forgotten, the IP's 2 kept", cs)
	}
}

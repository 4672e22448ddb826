package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/storetest"
)

// TestThrottleConformance runs the throttle suite on the shared
// PostgreSQL store, the same suite the in-process one passes.
func TestThrottleConformance(t *testing.T) {
	testURL(t)
	storetest.RunThrottle(t, func(t *testing.T) store.Throttle {
		db, _ := openFresh(t, Options{})
		t.Cleanup(func() { db.Close() })
		return db
	})
}

// TestThrottleSweeps: counts whose windows ended do not pile up. 100
// guessed names fail once each and are never seen again; once their
// windows end, further failures delete them a few per call, never a
// live count, and no row holds a key in clear text.
func TestThrottleSweeps(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	ctx := context.Background()
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 100 {
		if err := db.Add(ctx, t0, time.Minute, fmt.Sprintf("acct:guess%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	rows := func() (n int) {
		t.Helper()
		if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM throttle_counts").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := rows(); n != 100 {
		t.Fatalf("rows after 100 failures = %d, want 100", n)
	}
	later := t0.Add(time.Minute)
	for i := range 20 {
		if err := db.Add(ctx, later, time.Minute, "acct:owner", fmt.Sprintf("ip:%d", i%2)); err != nil {
			t.Fatal(err)
		}
	}
	if n := rows(); n != 3 {
		t.Errorf("rows after 20 later failures = %d, want 3 (the live owner and two IPs; 100 ended swept)", n)
	}
	if cs, _ := db.Counts(ctx, later, "acct:owner", "ip:0", "ip:1"); cs[0].N != 20 || cs[1].N != 10 || cs[2].N != 10 {
		t.Errorf("live counts after the sweep = %v, want 20, 10, 10", cs)
	}
	var clear int
	if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM throttle_counts WHERE position('acct'::bytea in key) > 0").Scan(&clear); err != nil || clear != 0 {
		t.Errorf("rows holding a key in clear = %d, %v; want 0", clear, err)
	}
}

// BenchmarkThrottle measures the throttle's cost per login on the shared
// database: Counts is what every login pays (one round trip), Add what a
// failure adds (one write), Admit what a partner's user creation pays.
func BenchmarkThrottle(b *testing.B) {
	db, _ := openFresh(b, Options{})
	defer db.Close()
	ctx := context.Background()
	now := time.Now()
	keys := []string{"acct:t:id:usr_1@192.0.2.1", "ip:192.0.2.1", "acct:t:id:usr_1"}
	b.Run("Counts", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Counts(ctx, now, keys...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Add", func(b *testing.B) {
		for b.Loop() {
			if err := db.Add(ctx, now, time.Hour, keys...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Admit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			// A creation a minute: about 60 live events, each one admitted.
			if _, err := db.Admit(ctx, "new_users:p", now.Add(time.Duration(i)*time.Minute), time.Hour, 1000); err != nil {
				b.Fatal(err)
			}
		}
	})
}

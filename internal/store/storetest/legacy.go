package storetest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// testLegacy: a key is claimed once, also by many at once; a stale
// pending claim can be taken over, a done one never; release frees only a
// pending claim; counts see done claims only.
func testLegacy(t *testing.T, s store.Store) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	claim := func(key string, at time.Time) *store.LegacyClaim {
		return &store.LegacyClaim{Key: []byte(key), Kind: store.LegacySession, TenantID: "t1", ClientID: "c1", ClaimedAt: at}
	}
	var wg sync.WaitGroup
	wins := make(chan int, 50)
	for i := range 50 {
		wg.Go(func() {
			if err := s.ClaimLegacy(ctx, claim("k1", t0), t0.Add(-time.Minute)); err == nil {
				wins <- i
			} else if !errors.Is(err, store.ErrConflict) {
				t.Errorf("ClaimLegacy(k1) = %v, want nil or ErrConflict", err)
			}
		})
	}
	wg.Wait()
	close(wins)
	if n := len(wins); n != 1 {
		t.Fatalf("50 concurrent ClaimLegacy(k1): %d won, want exactly 1", n)
	}
	steps := []struct {
		name string
		err  error
		fn   func() error
	}{
		{"fresh pending claim holds", store.ErrConflict, func() error { return s.ClaimLegacy(ctx, claim("k1", t0.Add(time.Second)), t0) }},
		{"stale pending claim is taken over", nil, func() error { return s.ClaimLegacy(ctx, claim("k1", t0.Add(time.Minute)), t0.Add(time.Second)) }},
		{"release frees it", nil, func() error { return s.ReleaseLegacy(ctx, []byte("k1")) }},
		{"claimed again", nil, func() error { return s.ClaimLegacy(ctx, claim("k1", t0.Add(time.Minute)), t0) }},
		{"finish", nil, func() error { return s.FinishLegacy(ctx, []byte("k1"), "u1", "s1", t0.Add(time.Minute)) }},
		{"release keeps a done claim", nil, func() error { return s.ReleaseLegacy(ctx, []byte("k1")) }},
		{"done claim is never taken over", store.ErrConflict, func() error { return s.ClaimLegacy(ctx, claim("k1", t0.Add(time.Hour)), t0.Add(time.Hour)) }},
		{"finish unknown", store.ErrNotFound, func() error { return s.FinishLegacy(ctx, []byte("nope"), "u", "s", t0) }},
		{"pending k2", nil, func() error { return s.ClaimLegacy(ctx, claim("k2", t0), t0) }},
	}
	for _, st := range steps {
		if err := st.fn(); !errors.Is(err, st.err) {
			t.Errorf("%s: got %v, want %v", st.name, err, st.err)
		}
	}
	got, err := s.LegacyCounts(ctx)
	want := []store.LegacyCount{{TenantID: "t1", ClientID: "c1", Kind: store.LegacySession, Count: 1}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("LegacyCounts = %v, %v; want %v", got, err, want)
	}
}

package server

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// probeCounter is a store whose write probe counts its calls and fails
// while full is set.
type probeCounter struct {
	store.Store
	calls int
	full  bool
}

func (p *probeCounter) ProbeWrite(context.Context) error {
	p.calls++
	if p.full {
		return store.ErrUnavailable
	}
	return nil
}

// TestWriteProbeRateLimited: the write probe runs at most once per
// probeEvery however often /readyz is asked, its result (failure
// included) is cached until then, and a probe cut short by the caller's
// context is not cached.
func TestWriteProbeRateLimited(t *testing.T) {
	st := &probeCounter{}
	var p writeProbe
	ctx := context.Background()
	for range 100 {
		if err := p.check(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if st.calls != 1 {
		t.Fatalf("100 checks in a row probed %d times, want 1", st.calls)
	}
	st.full = true
	p.at = p.at.Add(-probeEvery) // a second passed
	if err := p.check(ctx, st); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("check on a full disk = %v", err)
	}
	st.full = false
	if err := p.check(ctx, st); !errors.Is(err, store.ErrUnavailable) || st.calls != 2 {
		t.Fatalf("check within the second = %v after %d probes; want the cached failure", err, st.calls)
	}
	p.at = time.Now().Add(-probeEvery)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_ = p.check(canceled, st)
	if err := p.check(ctx, st); err != nil || st.calls != 4 {
		t.Fatalf("check after a canceled probe = %v after %d probes; want a fresh, passing probe", err, st.calls)
	}
}

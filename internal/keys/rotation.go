package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// DefaultRotation is how long a key signs before automatic rotation
// replaces it (--key-rotation).
const DefaultRotation = 90 * 24 * time.Hour

// RotateDue rotates every algorithm whose current key has signed for at
// least every, and returns the algorithms it rotated. The next key it
// promotes was published at the previous rotation, every ago, so verifiers
// have long had it; when every is shorter than MinNextAge, Rotate's refusal
// holds the rotation back until the next key is old enough, and RotateDue
// tries again on its next call. Several replicas may call it at once: the
// store promotes a next key once, the others find the fresh one too young
// and skip.
func (r *Ring) RotateDue(ctx context.Context, every time.Duration) ([]string, error) {
	all, err := r.st.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	now := r.now()
	var rotated []string
	var errs []error
	for _, k := range all {
		if k.State != store.KeyCurrent || now.Sub(k.ActivatedAt) < every {
			continue
		}
		switch err := r.Rotate(ctx, k.Alg); {
		case err == nil:
			rotated = append(rotated, k.Alg)
		case !errors.Is(err, store.ErrKeyTooYoung):
			errs = append(errs, err)
		}
	}
	return rotated, errors.Join(errs...)
}

// AutoRotate calls RotateDue on every tick until ctx ends, reporting each
// rotation and failure to report. The caller owns the ticker, so tests
// drive it with a fake clock.
func (r *Ring) AutoRotate(ctx context.Context, every time.Duration, tick <-chan time.Time, report func(rotated []string, err error)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			rotated, err := r.RotateDue(ctx, every)
			if ctx.Err() != nil {
				return // a call cut short by the end says nothing
			}
			if len(rotated) > 0 || err != nil {
				report(rotated, err)
			}
		}
	}
}

package legacy

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrBusy means too many requests already wait on one key, or a waiter's
// context ended first: the caller answers 503 with Retry-After.
var ErrBusy = errors.New("legacy: busy, retry later")

// Flight runs at most one call per key at a time in this process and
// shares its result with the requests that arrive while it runs (the
// database claim makes it exact across replicas, see auth/adopt.go). A key
// whose call ended in ErrRejected stays rejected for NegativeTTL without
// a new call: a dead legacy token presented in a loop costs one call.
type Flight[T any] struct {
	// MaxWaiters bounds the requests waiting on one key (default 256).
	MaxWaiters int
	// NegativeTTL is how long a rejection is remembered (default 30s).
	NegativeTTL time.Duration
	// MaxDead bounds the remembered rejections (default 10000); when
	// full, expired ones are dropped, then all.
	MaxDead int
	// Now is the clock of the negative cache.
	Now func() time.Time

	mu    sync.Mutex
	calls map[string]*call[T]
	dead  map[string]time.Time
	// joined, when set (tests), is called each time a waiter joins a call.
	joined func()
}

// call is one running call and its result.
type call[T any] struct {
	done    chan struct{}
	val     T
	err     error
	waiters int
}

// Do returns fn's result for key: it calls fn unless a call for key is
// running (then it waits for that one, bounded by ctx and MaxWaiters) or
// key was rejected less than NegativeTTL ago. fn runs detached from the
// first caller's cancellation, so one impatient client cannot fail the
// others; fn must bound itself.
func (f *Flight[T]) Do(ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	f.mu.Lock()
	f.init()
	if until, ok := f.dead[key]; ok && f.Now().Before(until) {
		f.mu.Unlock()
		return zero, ErrRejected
	}
	if c, ok := f.calls[key]; ok {
		return f.wait(ctx, c)
	}
	c := &call[T]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	c.val, c.err = fn(context.WithoutCancel(ctx))
	f.mu.Lock()
	delete(f.calls, key)
	if errors.Is(c.err, ErrRejected) {
		f.remember(key)
	}
	f.mu.Unlock()
	close(c.done)
	return c.val, c.err
}

// wait waits for a running call; f.mu is held on entry.
func (f *Flight[T]) wait(ctx context.Context, c *call[T]) (T, error) {
	var zero T
	if c.waiters >= f.MaxWaiters {
		f.mu.Unlock()
		return zero, ErrBusy
	}
	c.waiters++
	f.mu.Unlock()
	if f.joined != nil {
		f.joined()
	}
	defer func() {
		f.mu.Lock()
		c.waiters--
		f.mu.Unlock()
	}()
	select {
	case <-c.done:
		return c.val, c.err
	case <-ctx.Done():
		return zero, ErrBusy
	}
}

// remember stores a rejection; f.mu is held.
func (f *Flight[T]) remember(key string) {
	now := f.Now()
	if len(f.dead) >= f.MaxDead {
		for k, until := range f.dead {
			if !now.Before(until) {
				delete(f.dead, k)
			}
		}
		if len(f.dead) >= f.MaxDead {
			clear(f.dead)
		}
	}
	f.dead[key] = now.Add(f.NegativeTTL)
}

// Forget drops a remembered rejection (a session import adopted the key).
func (f *Flight[T]) Forget(key string) {
	f.mu.Lock()
	delete(f.dead, key)
	f.mu.Unlock()
}

// init fills defaults; f.mu is held.
func (f *Flight[T]) init() {
	if f.calls != nil {
		return
	}
	f.calls, f.dead = map[string]*call[T]{}, map[string]time.Time{}
	if f.MaxWaiters <= 0 {
		f.MaxWaiters = 256
	}
	if f.NegativeTTL <= 0 {
		f.NegativeTTL = 30 * time.Second
	}
	if f.MaxDead <= 0 {
		f.MaxDead = 10000
	}
	if f.Now == nil {
		f.Now = time.Now
	}
}

package storetest

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// testConcurrency fires 100 goroutines at one token: exactly one claims it,
// every other one gets ErrNotClaimed (never another error), and exactly one
// successor exists afterwards.
func testConcurrency(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	for trial := 0; trial < 3; trial++ {
		_, h := newSession(t, s, f)
		const n = 100
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			mu      sync.Mutex
			won     int
			lost    int
			other   []error
			winners [][]byte
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start // released together, to maximise the overlap
				next, _, err := rotate(s, t, f, h, t0.Add(time.Minute))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
					winners = append(winners, next)
				case errors.Is(err, store.ErrNotClaimed):
					lost++
				default:
					other = append(other, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if won != 1 || lost != n-1 || len(other) > 0 {
			t.Fatalf("trial %d: %d claimed, %d not claimed, other errors %v; want 1, %d, none", trial, won, lost, other, n-1)
		}
		// The database, not only the return values, must agree: the one
		// successor stored is the winner's, and the generation moved once.
		st, err := s.RefreshState(ctx(t), h)
		must(t, err)
		if st.Child == nil || string(st.Child.Hash) != string(winners[0]) {
			t.Fatalf("trial %d: successor %v, want the winner's", trial, st.Child)
		}
		if st.Session.Generation != 2 {
			t.Errorf("trial %d: generation %d, want 2 (no lost update)", trial, st.Session.Generation)
		}
	}
}

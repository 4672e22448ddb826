package storetest

import (
	"errors"
	"fmt"
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

// testClaimAuthCodeConcurrency fires 50 goroutines at one authorization
// code, each claiming it at a moment of its own: exactly one claims it,
// every other one gets ErrConflict with the record as the winner left it
// (used at the winner's moment), never another error.
func testClaimAuthCodeConcurrency(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	b := newBrowser(t, s, f, f.user.ID)
	for trial := 0; trial < 3; trial++ {
		c := newCode(t, s, f, b)
		const n = 50
		var (
			wg    sync.WaitGroup
			start = make(chan struct{})
			mu    sync.Mutex
			won   []time.Time
			lost  []*store.AuthCode
			other []error
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				at := t0.Add(time.Duration(i+1) * time.Millisecond)
				<-start
				got, err := s.ClaimAuthCode(ctx(t), c.Hash, at)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && got != nil && got.UsedAt.Equal(at):
					won = append(won, at)
				case errors.Is(err, store.ErrConflict) && got != nil:
					lost = append(lost, got)
				default:
					other = append(other, fmt.Errorf("claim at %v: %+v, %w", at, got, err))
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(won) != 1 || len(lost) != n-1 || len(other) > 0 {
			t.Fatalf("trial %d: %d claimed, %d conflicts, other outcomes %v; want 1, %d, none", trial, len(won), len(lost), other, n-1)
		}
		for _, l := range lost {
			if !l.UsedAt.Equal(won[0]) || string(l.Hash) != string(c.Hash) {
				t.Fatalf("trial %d: a losing claim saw the code used at %v, want the winner's %v", trial, l.UsedAt, won[0])
			}
		}
	}
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/storetest"
)

// TestRotateAcrossReplicas races one token through two pools, as two
// replicas would: exactly one caller claims it, the rest get ErrNotClaimed.
func TestRotateAcrossReplicas(t *testing.T) {
	a, u := openFresh(t, Options{MaxConns: 8})
	defer a.Close()
	b, err := Open(context.Background(), u, Options{MaxConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c := fixture(t, a)
	now := time.Now().UTC()
	for trial := range 3 {
		h := session(t, a, c, fmt.Sprint("ses", trial), now)
		var won, lost atomic.Int32
		var wg sync.WaitGroup
		for i := range 40 {
			db := []*DB{a, b}[i%2]
			wg.Go(func() {
				_, err := db.Rotate(context.Background(), store.RotateParams{Hash: h, ClientID: c.ID,
					Now: now, IdleUntil: now.Add(time.Hour), NextHash: digest(fmt.Sprint(trial, "/", i))})
				switch {
				case err == nil:
					won.Add(1)
				case errors.Is(err, store.ErrNotClaimed):
					lost.Add(1)
				default:
					t.Errorf("trial %d: Rotate = %v, want success or ErrNotClaimed", trial, err)
				}
			})
		}
		wg.Wait()
		if won.Load() != 1 || lost.Load() != 39 {
			t.Errorf("trial %d: %d claimed, %d not claimed; want 1, 39", trial, won.Load(), lost.Load())
		}
	}
}

// TestRotateWhileRevoking rotates a chain while other callers revoke its
// session: no deadlock, no error but ErrNotClaimed, and the session ends
// revoked with no live token left behind a successful Rotate.
func TestRotateWhileRevoking(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	c := fixture(t, db)
	ctx := context.Background()
	for trial := range 5 {
		id := fmt.Sprint("ses", trial)
		now := time.Now().UTC()
		h := session(t, db, c, id, now)
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := 0; ; i++ {
				next := digest(fmt.Sprint(id, "/", i+2))
				_, err := db.Rotate(ctx, store.RotateParams{Hash: h, ClientID: c.ID, Now: now, IdleUntil: now.Add(time.Hour), NextHash: next})
				if err != nil {
					if !errors.Is(err, store.ErrNotClaimed) {
						t.Errorf("Rotate = %v, want success or ErrNotClaimed", err)
					}
					return
				}
				h = next
			}
		})
		wg.Go(func() {
			time.Sleep(time.Duration(trial) * 2 * time.Millisecond)
			if err := db.RevokeSession(ctx, id, "logout", now); err != nil {
				t.Errorf("RevokeSession = %v", err)
			}
		})
		wg.Go(func() {
			if _, err := db.RevokeSessions(ctx, store.SessionFilter{UserID: "usr"}, "disabled", now); err != nil {
				t.Errorf("RevokeSessions = %v", err)
			}
		})
		wg.Wait()
		st, err := db.RefreshState(ctx, h)
		if err != nil {
			t.Fatal(err)
		}
		if !st.Session.Revoked() || st.Token.Used() || st.Child != nil {
			t.Errorf("trial %d: last token used %v, child %v, session revoked %v; want an unused leaf of a revoked session",
				trial, st.Token.Used(), st.Child, st.Session.Revoked())
		}
	}
}

// TestRotateLosesToRevocation holds a revocation open while Rotate starts,
// then commits it: Rotate must wait for it and claim nothing, rather than
// rotate in a session that is revoked by the time it commits.
func TestRotateLosesToRevocation(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	c := fixture(t, db)
	ctx := context.Background()
	now := time.Now().UTC()
	h := session(t, db, c, "ses", now)
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "UPDATE sessions SET revoked_at = $1, revoke_reason = 'logout' WHERE id = 'ses'", now); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := db.Rotate(ctx, store.RotateParams{Hash: h, ClientID: c.ID, Now: now, IdleUntil: now.Add(time.Hour), NextHash: digest("next")})
		done <- err
	}()
	waitForLockWait(t, db)
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, store.ErrNotClaimed) {
		t.Errorf("Rotate racing a revocation = %v, want ErrNotClaimed", err)
	}
	st, err := db.RefreshState(ctx, h)
	if err != nil {
		t.Fatal(err)
	}
	if st.Token.Used() || st.Child != nil {
		t.Errorf("token used %v, child %v; want untouched", st.Token.Used(), st.Child)
	}
}

// waitForLockWait polls until some statement of this database waits for a
// row lock, that is until Rotate is blocked behind the open transaction.
func waitForLockWait(t *testing.T, db *DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		err := db.pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%claimed%'`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("Rotate never waited for the revocation's lock")
}

// TestCreateUserSeqConcurrent creates users of one tenant at once: every
// zero Seq becomes a distinct next number.
func TestCreateUserSeqConcurrent(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	c := fixture(t, db) // user 1
	const n = 20
	seqs := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			u := &store.User{ID: fmt.Sprint("u", i), TenantID: c.TenantID, Login: fmt.Sprint("user", i), CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := db.CreateUser(context.Background(), u); err != nil {
				t.Errorf("CreateUser(%d) = %v", i, err)
			}
			seqs[i] = u.Seq
		})
	}
	wg.Wait()
	seen := map[int64]bool{}
	for i, s := range seqs {
		if s < 2 || s > n+1 || seen[s] {
			t.Errorf("user %d got Seq %d; want distinct numbers in [2, %d]", i, s, n+1)
		}
		seen[s] = true
	}
}

// BenchmarkRotate runs the shared rotation benchmark (storetest.BenchRotate)
// on PostgreSQL, beside SQLite's in internal/store/sqlite.
func BenchmarkRotate(b *testing.B) {
	db, _ := openFresh(b, Options{})
	defer db.Close()
	storetest.BenchRotate(b, db)
}

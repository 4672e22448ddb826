package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// gate is a BatchFunc that reports each batch it is given and then waits
// for the test to release it, so the test decides when a commit ends. It
// stands in for the database only to test how GroupCommit forms batches;
// the backends' tests (storetest.RunBatch) run the real thing.
type gate struct {
	got     chan []string // the ClientIDs of each batch, in order
	release chan error    // what the batch returns
}

func newGate() *gate { return &gate{got: make(chan []string, 16), release: make(chan error, 16)} }

func (g *gate) run(ctx context.Context, batch []*Rotation) error {
	ids := make([]string, len(batch))
	for i, r := range batch {
		ids[i] = r.P.ClientID
		r.Session = &store.Session{ClientID: r.P.ClientID}
	}
	g.got <- ids
	return <-g.release
}

// bounded returns a context that fails the test's calls instead of
// hanging them.
func bounded(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

// waitQueued waits until n rotations wait in g's queue, polling its
// length: the queue is the observable the batches are formed from.
func waitQueued(t *testing.T, g *GroupCommit, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); g.queued() < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d rotations queued, want %d", g.queued(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestGroupCommitBatches checks how batches form: a lone rotation is
// committed at once, alone (no wait for company); the rotations that
// arrive while it commits form the next batch, all of them together; and
// every caller gets its own answer only after its batch returned.
func TestGroupCommitBatches(t *testing.T) {
	gt := newGate()
	g := NewGroupCommit(gt.run, 1)
	defer g.Close()
	results := make(chan string, 8)
	call := func(id string) {
		s, err := g.Rotate(bounded(t), store.RotateParams{ClientID: id})
		if err != nil || s == nil || s.ClientID != id {
			results <- fmt.Sprintf("%s: %v, %v", id, s, err)
			return
		}
		results <- id
	}
	go call("lone")
	if b := <-gt.got; len(b) != 1 || b[0] != "lone" {
		t.Fatalf("first batch = %v, want [lone]", b)
	}
	for i := range 5 {
		go call(fmt.Sprint("q", i))
	}
	waitQueued(t, g, 5) // they queue behind the running commit
	select {
	case r := <-results:
		t.Fatalf("%s answered before its batch committed", r)
	default:
	}
	gt.release <- nil
	if r := <-results; r != "lone" {
		t.Fatalf("lone rotation: %s", r)
	}
	if b := <-gt.got; len(b) != 5 {
		t.Fatalf("second batch = %v, want the 5 that queued meanwhile", b)
	}
	gt.release <- nil
	for range 5 {
		if r := <-results; r[0] != 'q' || len(r) != 2 {
			t.Errorf("queued rotation: %s", r)
		}
	}
	if b, m := g.Stats(); b != 2 || m != 6 {
		t.Errorf("Stats() = %d batches, %d members; want 2, 6", b, m)
	}
}

// TestGroupCommitFailure checks that a failed batch answers each member
// ErrUnavailable, and that a caller whose deadline passes while its
// rotation still waits in the queue withdraws it: it is answered
// ErrUnavailable and the rotation never reaches a batch.
func TestGroupCommitFailure(t *testing.T) {
	gt := newGate()
	g := NewGroupCommit(gt.run, 1)
	defer g.Close()
	errs := make(chan error, 4)
	go func() { _, err := g.Rotate(bounded(t), store.RotateParams{ClientID: "a"}); errs <- err }()
	<-gt.got // a's batch runs and holds the only slot
	short, cancel := context.WithCancel(context.Background())
	go func() { _, err := g.Rotate(short, store.RotateParams{ClientID: "withdrawn"}); errs <- err }()
	waitQueued(t, g, 1)
	cancel()
	if err := <-errs; !errors.Is(err, store.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("withdrawn rotation = %v, want ErrUnavailable (canceled)", err)
	}
	gt.release <- errors.New("disk I/O error")
	if err := <-errs; !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("member of a failed batch = %v, want ErrUnavailable", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { _, err := g.Rotate(bounded(t), store.RotateParams{ClientID: "b"}); errs <- err })
	if b := <-gt.got; len(b) != 1 || b[0] != "b" {
		t.Errorf("batch after the withdrawal = %v, want [b] (the withdrawn rotation never runs)", b)
	}
	gt.release <- nil
	wg.Wait()
	if err := <-errs; err != nil {
		t.Errorf("rotation after a failed batch = %v, want success", err)
	}
}

// TestGroupCommitHold checks the test hook: HoldNext(n) keeps the next
// batch open until n rotations joined it, then commits them as one.
func TestGroupCommitHold(t *testing.T) {
	gt := newGate()
	g := NewGroupCommit(gt.run, 1)
	defer g.Close()
	g.HoldNext(4)
	for i := range 4 {
		go g.Rotate(bounded(t), store.RotateParams{ClientID: fmt.Sprint(i)})
	}
	if b := <-gt.got; len(b) != 4 {
		t.Errorf("held batch = %v, want 4 members", b)
	}
	gt.release <- nil
}

// TestGroupCommitMaxBatch queues more rotations than a batch holds: they
// are committed as a full batch and then the rest, and every caller,
// including those beyond the first batch, gets its answer.
func TestGroupCommitMaxBatch(t *testing.T) {
	gt := newGate()
	g := NewGroupCommit(gt.run, 1)
	defer g.Close()
	const n = MaxBatch + 6
	g.HoldNext(n)
	var wg sync.WaitGroup
	var failed atomic.Int32
	for i := range n {
		wg.Go(func() {
			if _, err := g.Rotate(bounded(t), store.RotateParams{ClientID: fmt.Sprint(i)}); err != nil {
				failed.Add(1)
			}
		})
	}
	if b := <-gt.got; len(b) != MaxBatch {
		t.Errorf("first batch has %d members, want %d", len(b), MaxBatch)
	}
	gt.release <- nil
	if b := <-gt.got; len(b) != n-MaxBatch {
		t.Errorf("second batch has %d members, want %d", len(b), n-MaxBatch)
	}
	gt.release <- nil
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d rotations failed, want none", failed.Load())
	}
}

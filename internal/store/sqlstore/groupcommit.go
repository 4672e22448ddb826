package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Rotation is one member of a group commit: the parameters of one
// Sessions.Rotate call and, once its batch has been committed (or has
// failed), its own outcome.
type Rotation struct {
	// P is what the caller asked for.
	P store.RotateParams
	// Session is the rotated session; the batch function sets it on a claim.
	Session *store.Session
	// Err is the member's own outcome: nil (claimed), store.ErrNotClaimed,
	// or the batch's error when the batch as a whole failed.
	Err error

	ctx   context.Context
	state atomic.Int32  // queued, taken or abandoned
	done  chan struct{} // closed when Session/Err are final
}

// Member states: the batcher takes a queued member, or its caller, whose
// context ended first, abandons it; never both.
const (
	queued int32 = iota
	taken
	abandoned
)

// BatchFunc runs every member of batch in one transaction (or statement)
// and commits it. It sets each member's Session or Err (store.ErrNotClaimed
// for a token that could not be claimed, which must not fail the others).
// An error it returns means nothing was committed: GroupCommit then
// answers every member unavailable.
type BatchFunc func(ctx context.Context, batch []*Rotation) error

// Group-commit bounds. A batch holds at most MaxBatch rotations; up to
// inFlight batches run at once (1 for SQLite's single writer).
const (
	// MaxBatch bounds the members of one batch, so one commit holds the
	// writer (or a PostgreSQL connection) for a bounded time.
	MaxBatch = 64
	// queueLen is how many rotations may wait for the batcher before
	// callers block on the send (their context still bounds them).
	queueLen = 1024
)

// ErrClosed is returned to rotations that reach a closed store.
var ErrClosed = errors.New("store: closed")

// GroupCommit gathers concurrent rotations and commits them together
// (issue 16): a rotation costs one transaction's fixed price (SQLite's
// BEGIN IMMEDIATE and WAL commit, PostgreSQL's round trip and commit
// flush) divided by the batch size.
//
// It adds no timed wait: a batch is the first rotation that arrives plus
// every rotation already queued behind it, taken at once. Batches
// therefore grow only with concurrency (the rotations that arrive while
// the previous batch commits form the next one) and a lone rotation is
// committed at once. The only wait is adaptive and tiny: when the
// previous batch held more than one rotation, the batcher yields the
// processor once before it gathers (see gather). Each member keeps its own outcome, and nothing is answered before
// its batch has committed.
type GroupCommit struct {
	in       chan *Rotation
	run      BatchFunc
	slots    chan struct{} // one per batch that may run at once
	stop     chan struct{} // closed by Close
	stopped  chan struct{} // closed when the loop has returned
	inflight sync.WaitGroup
	once     sync.Once

	hold    atomic.Int32 // test hook: the next batch waits for this many members
	batches atomic.Int64 // batches committed or failed, for tests and metrics
	members atomic.Int64 // rotations in those batches
	last    atomic.Int64 // size of the latest batch: >1 means concurrency
}

// NewGroupCommit starts a batcher that runs batches with run, at most
// inFlight at once.
func NewGroupCommit(run BatchFunc, inFlight int) *GroupCommit {
	g := &GroupCommit{in: make(chan *Rotation, queueLen), run: run, slots: make(chan struct{}, max(inFlight, 1)),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go g.loop()
	return g
}

// Rotate queues p and waits for its batch. A caller whose context ends
// while its rotation still waits in the queue withdraws it and gets
// store.ErrUnavailable; once the batcher has taken it, the caller waits
// for the batch's outcome (bounded by the latest deadline of its members),
// so an answer never precedes the commit.
func (g *GroupCommit) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	r := &Rotation{P: p, ctx: ctx, done: make(chan struct{})}
	select {
	case g.in <- r:
	case <-g.stop:
		return nil, unavailable(ErrClosed)
	case <-ctx.Done():
		return nil, unavailable(ctx.Err())
	}
	select {
	case <-r.done:
		return r.Session, r.Err
	case <-ctx.Done():
		if r.state.CompareAndSwap(queued, abandoned) {
			return nil, unavailable(ctx.Err())
		}
	case <-g.stopped:
		if r.state.CompareAndSwap(queued, abandoned) {
			return nil, unavailable(ErrClosed)
		}
	}
	<-r.done // taken: its batch is running
	return r.Session, r.Err
}

// Stats reports how many batches ran and how many rotations they held.
func (g *GroupCommit) Stats() (batches, members int64) {
	return g.batches.Load(), g.members.Load()
}

// HoldNext makes the next batch wait until n rotations have joined it, so
// a test can build a batch of known members without sleeping.
func (g *GroupCommit) HoldNext(n int) { g.hold.Store(int32(n)) }

// Close stops the batcher and waits for the batches that run; rotations
// still queued are answered store.ErrUnavailable. It is idempotent.
func (g *GroupCommit) Close() {
	g.once.Do(func() {
		close(g.stop)
		<-g.stopped
		g.inflight.Wait()
	})
}

// loop forms batches: it waits for a free slot, then for a first
// rotation, takes whatever is queued behind it and hands the batch to the
// slot. While every slot commits, arriving rotations wait in the queue and
// form the next batch.
func (g *GroupCommit) loop() {
	defer close(g.stopped)
	for {
		select {
		case g.slots <- struct{}{}:
		case <-g.stop:
			return
		}
		var first *Rotation
		select {
		case first = <-g.in:
		case <-g.stop:
			return
		}
		batch := g.gather(first)
		g.inflight.Add(1)
		go func() {
			defer g.inflight.Done()
			defer func() { <-g.slots }()
			g.commit(batch)
		}()
	}
}

// gather returns first and the rotations queued behind it, at most
// MaxBatch, without waiting for more, unless HoldNext asked for a size.
func (g *GroupCommit) gather(first *Rotation) []*Rotation {
	if g.last.Load() > 1 {
		// The adaptive wait: the previous batch had company, so more
		// rotations are likely on their way; one yield of the processor
		// lets the request goroutines that are ready run up to the queue
		// (BENCHMARKS.md, issue 16: more rotations per batch and per
		// second; four yields gained nothing over one). A lone caller
		// never pays it.
		runtime.Gosched()
	}
	batch := make([]*Rotation, 0, 8)
	batch = g.take(batch, first)
	for want := int(g.hold.Swap(0)); len(batch) < want; {
		select {
		case r := <-g.in:
			batch = g.take(batch, r)
		case <-g.stop:
			return batch
		}
	}
	for len(batch) < MaxBatch {
		select {
		case r := <-g.in:
			batch = g.take(batch, r)
		default:
			return batch
		}
	}
	return batch
}

// take appends r unless its caller has withdrawn it or its context has
// ended (then it is answered at once and never reaches the database).
func (g *GroupCommit) take(batch []*Rotation, r *Rotation) []*Rotation {
	if !r.state.CompareAndSwap(queued, taken) {
		return batch
	}
	if err := r.ctx.Err(); err != nil {
		r.Err = unavailable(err)
		close(r.done)
		return batch
	}
	return append(batch, r)
}

// commit runs one batch and answers its members.
func (g *GroupCommit) commit(batch []*Rotation) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := batchContext(batch)
	defer cancel()
	err := g.run(ctx, batch)
	g.last.Store(int64(len(batch)))
	g.batches.Add(1)
	g.members.Add(int64(len(batch)))
	if err != nil {
		err = unavailable(fmt.Errorf("group commit of %d rotations: %w", len(batch), err))
		g.answer(batch, err)
		return
	}
	for _, r := range batch {
		close(r.done)
	}
}

// answer gives every member of batch the same error, none a session.
func (g *GroupCommit) answer(batch []*Rotation, err error) {
	for _, r := range batch {
		r.Session, r.Err = nil, err
		close(r.done)
	}
}

// batchContext bounds a batch by the latest deadline of its members:
// none of them is kept waiting past its own bound by another's, and the
// batch is not cut short for the one whose deadline comes first.
func batchContext(batch []*Rotation) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, r := range batch {
		d, ok := r.ctx.Deadline()
		if !ok {
			return context.WithCancel(context.Background())
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.Background(), latest)
}

// unavailable wraps err in store.ErrUnavailable, once.
func unavailable(err error) error {
	if errors.Is(err, store.ErrUnavailable) {
		return err
	}
	return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
}

package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
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

	ctx  context.Context
	done chan struct{}    // closed when Session/Err are final
	lead chan []*Rotation // a batch this member's goroutine is to commit
}

// BatchFunc runs every member of batch in one transaction (or statement)
// and commits it. It sets each member's Session or Err (store.ErrNotClaimed
// for a token that could not be claimed, which must not fail the others).
// An error it returns means nothing was committed: GroupCommit then
// answers every member unavailable.
type BatchFunc func(ctx context.Context, batch []*Rotation) error

// MaxBatch bounds the members of one batch, so one commit holds the
// writer (or a PostgreSQL connection) for a bounded time.
const MaxBatch = 64

// ErrClosed is returned to rotations that reach a closed store.
var ErrClosed = errors.New("store: closed")

// GroupCommit gathers concurrent rotations and commits them together
// (issue 16): a rotation costs one transaction's fixed price (SQLite's
// BEGIN IMMEDIATE and WAL commit, PostgreSQL's round trip and commit
// flush) divided by the batch size.
//
// It is a leader/follower queue with no batcher goroutine and no timed
// wait. A rotation that finds a free slot (fewer than inFlight batches
// running) commits at once, on its caller's goroutine, with whatever is
// queued: a lone rotation pays nothing for the batching. Rotations that
// arrive while every slot commits queue; when a batch ends, its leader
// hands the queue, as the next batch, to the goroutine of the first
// queued rotation. Batches therefore grow only with concurrency. Each
// member keeps its own outcome, and nothing is answered before its batch
// has committed.
type GroupCommit struct {
	run      BatchFunc
	inFlight int

	mu      sync.Mutex
	queue   []*Rotation // waiting for a batch
	running int         // slots taken: batches committing or handed over
	hold    int         // test hook: the next batch waits for this many members
	closed  bool
	idle    sync.WaitGroup // one per slot taken, for Close

	batches atomic.Int64 // batches committed or failed, for tests and metrics
	members atomic.Int64 // rotations in those batches
	last    atomic.Int64 // size of the latest batch: >1 means concurrency
}

// NewGroupCommit returns a group commit that runs batches with run, at
// most inFlight at once (1 for SQLite's single writer).
func NewGroupCommit(run BatchFunc, inFlight int) *GroupCommit {
	return &GroupCommit{run: run, inFlight: max(inFlight, 1)}
}

// Rotate queues p and returns its outcome once its batch has committed.
// A caller whose context ends while its rotation still waits in the
// queue withdraws it and gets store.ErrUnavailable; once its rotation is
// in a batch, the caller waits for the batch (bounded by the latest
// deadline of its members), so an answer never precedes the commit.
func (g *GroupCommit) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	r := &Rotation{P: p, ctx: ctx, done: make(chan struct{}), lead: make(chan []*Rotation, 1)}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil, unavailable(ErrClosed)
	}
	g.queue = append(g.queue, r)
	var batch []*Rotation
	if g.running < g.inFlight && g.ready() {
		g.running++
		g.idle.Add(1)
		batch = g.take()
	}
	g.mu.Unlock()
	if batch != nil {
		g.lead(batch) // r is in it, unless the queue was longer than MaxBatch
	}
	return g.wait(ctx, r)
}

// wait returns r's outcome once its batch has committed, leading a batch
// when one is handed to r's goroutine. It withdraws r when ctx ends first.
func (g *GroupCommit) wait(ctx context.Context, r *Rotation) (*store.Session, error) {
	for {
		select {
		case <-r.done:
			return r.Session, r.Err
		case batch := <-r.lead:
			g.lead(batch)
		case <-ctx.Done():
			if g.withdraw(r) {
				return nil, unavailable(ctx.Err())
			}
			ctx = context.Background() // in a batch already: wait for it
		}
	}
}

// ready reports whether the queue may form a batch now: always, unless
// HoldNext asked for more members than have queued. g.mu is held.
func (g *GroupCommit) ready() bool { return len(g.queue) >= g.hold }

// take removes the next batch from the queue: up to MaxBatch rotations,
// in arrival order. A rotation whose caller's context has ended is
// answered at once instead and never reaches the database. g.mu is held.
func (g *GroupCommit) take() []*Rotation {
	g.hold = 0
	n := min(len(g.queue), MaxBatch)
	batch := make([]*Rotation, 0, n)
	for _, r := range g.queue[:n] {
		if err := r.ctx.Err(); err != nil {
			r.Err = unavailable(err)
			close(r.done)
			continue
		}
		batch = append(batch, r)
	}
	g.queue = slices.Delete(g.queue, 0, n)
	return batch
}

// withdraw removes r from the queue if it is still there.
func (g *GroupCommit) withdraw(r *Rotation) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	i := slices.Index(g.queue, r)
	if i < 0 {
		return false
	}
	g.queue = slices.Delete(g.queue, i, i+1)
	return true
}

// lead commits batch, then passes the slot on: to the first rotation
// queued meanwhile, with the queue as its batch, or back to the pool.
func (g *GroupCommit) lead(batch []*Rotation) {
	g.commit(batch)
	if len(batch) > 1 {
		// The adaptive wait: this batch had company, so more rotations
		// are likely on their way; one yield of the processor lets the
		// request goroutines that are ready run up to the queue
		// (BENCHMARKS.md, issue 16: more rotations per batch and per
		// second; four yields gained nothing over one). A lone rotation
		// never pays it.
		runtime.Gosched()
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		g.answer(g.queue, unavailable(ErrClosed))
		g.queue = nil
	}
	for len(g.queue) > 0 && g.ready() {
		next := g.take()
		if len(next) > 0 {
			next[0].lead <- next // buffered: the slot passes to next[0]
			return
		}
	}
	g.running--
	g.idle.Done()
}

// queued reports how many rotations wait for a batch.
func (g *GroupCommit) queued() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}

// Stats reports how many batches ran and how many rotations they held.
func (g *GroupCommit) Stats() (batches, members int64) {
	return g.batches.Load(), g.members.Load()
}

// HoldNext makes the next batch wait until n rotations have queued for
// it, so a test can build a batch of known members without sleeping.
func (g *GroupCommit) HoldNext(n int) {
	g.mu.Lock()
	g.hold = n
	g.mu.Unlock()
}

// Close refuses new rotations, answers the queued ones
// store.ErrUnavailable and waits for the batches that are committing. It
// is idempotent.
func (g *GroupCommit) Close() {
	g.mu.Lock()
	g.closed = true
	if g.running == 0 {
		g.answer(g.queue, unavailable(ErrClosed))
		g.queue = nil
	}
	g.mu.Unlock()
	g.idle.Wait()
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
		g.answer(batch, unavailable(fmt.Errorf("group commit of %d rotations: %w", len(batch), err)))
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

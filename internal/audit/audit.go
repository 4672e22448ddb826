// Package audit records who did what, when and with what outcome
// (PRODUCT.md §1). Events are logged at once and written to the store in
// small batches off the request path, so that auditing every rotation does
// not double the writes of the hot path. Events never hold a secret.
package audit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Log buffers audit events and flushes them to the store.
type Log struct {
	st     store.Audit
	logger *slog.Logger
	after  func(time.Duration) <-chan time.Time // time.After; tests fire it
	in     chan item
	done   chan struct{}
	// mu guards closed: Record and Flush send on in under the read lock,
	// Close closes in under the write lock, so a late event (a background
	// job finishing while the server stops) is never sent on a closed
	// channel.
	mu     sync.RWMutex
	closed bool

	direct  atomic.Int64 // events written synchronously: the queue was full
	dropped atomic.Int64 // events whose store write failed (they are in the log)
}

// item is an event to store or, with ack set, a flush request.
type item struct {
	e   *store.AuditEvent
	ack chan struct{}
}

// A batch is written at batchMax events or batchWait after its first
// event; queueSize events may wait for the writer before Record writes
// synchronously.
const (
	batchMax  = 256
	batchWait = 50 * time.Millisecond
	queueSize = 4096
)

// New starts a Log writing to st. Close flushes and stops it.
func New(st store.Audit, logger *slog.Logger) *Log {
	return newLog(st, logger, time.After)
}

// newLog is New with the batch timer injected, so that tests decide when
// batchWait has passed instead of sleeping through it.
func newLog(st store.Audit, logger *slog.Logger, after func(time.Duration) <-chan time.Time) *Log {
	l := &Log{st: st, logger: logger, after: after, in: make(chan item, queueSize), done: make(chan struct{})}
	go l.run()
	return l
}

// Record logs e and queues it for the store. If the queue is full (the
// database is far behind), the event is written synchronously rather than
// dropped.
func (l *Log) Record(ctx context.Context, e *store.AuditEvent) {
	level := slog.LevelDebug // successes are in the store; the log shows failures
	if e.Outcome == "failure" {
		level = slog.LevelWarn
	}
	l.logger.LogAttrs(ctx, level, "audit", slog.String("action", e.Action), slog.String("outcome", e.Outcome),
		slog.String("reason", e.Reason), slog.String("session", e.SessionID), slog.String("client", e.ClientID),
		slog.String("user", e.UserID), slog.String("ip", e.IP), slog.String("trace_id", e.TraceID))
	l.mu.RLock()
	defer l.mu.RUnlock()
	if !l.closed {
		select {
		case l.in <- item{e: e}:
			return
		default:
		}
	}
	// The queue is full (the database is far behind), or the writer has
	// stopped: write it now rather than drop it.
	l.direct.Add(1)
	l.write([]*store.AuditEvent{e})
}

// Flush returns once every event recorded before the call is stored.
func (l *Log) Flush() {
	ack := make(chan struct{})
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return // Close stored everything
	}
	l.in <- item{ack: ack}
	l.mu.RUnlock()
	<-ack
}

// Close flushes every queued event and stops the writer. Events recorded
// after it are written synchronously.
func (l *Log) Close() {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.in)
	}
	l.mu.Unlock()
	<-l.done
}

// run stores events in batches: a batch is written when it holds batchMax
// events, when batchWait has passed since its first event, on Flush and on
// Close. Waiting a little gathers many events into one transaction (one
// commit, one fsync on PostgreSQL) instead of one per burst.
func (l *Log) run() {
	defer close(l.done)
	var batch []*store.AuditEvent
	var due <-chan time.Time
	flush := func() {
		if len(batch) > 0 {
			l.write(batch)
			batch = batch[:0]
		}
		due = nil
	}
	for {
		select {
		case it, ok := <-l.in:
			if !ok {
				flush()
				return
			}
			if it.e != nil {
				batch = append(batch, it.e)
				if due == nil {
					due = l.after(batchWait)
				}
			}
			if it.ack != nil || len(batch) >= batchMax {
				flush()
			}
			if it.ack != nil {
				close(it.ack)
			}
		case <-due:
			flush()
		}
	}
}

func (l *Log) write(batch []*store.AuditEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.st.AppendAudit(ctx, batch...); err != nil {
		l.dropped.Add(int64(len(batch)))
		l.logger.Error("audit write failed; events are in the log above", "events", len(batch), "err", err)
	}
}

// Stats is the state of the queue, for the metrics.
type Stats struct {
	Depth    int   // events waiting for the writer now
	Capacity int   // the queue's size; a full queue writes synchronously
	Direct   int64 // events written synchronously since start (queue full)
	Dropped  int64 // events not stored since start (the write failed; logged)
}

// Stats reads the queue's state.
func (l *Log) Stats() Stats {
	return Stats{Depth: len(l.in), Capacity: cap(l.in), Direct: l.direct.Load(), Dropped: l.dropped.Load()}
}

package audit

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlite"
)

// recorder is the real SQLite store with AppendAudit observed: it notes
// each batch's size, reports each call on written and can hold the first
// call until release is closed, as a slow database would.
type recorder struct {
	store.Store
	mu      sync.Mutex
	sizes   []int
	written chan int
	hold    bool
	entered chan struct{}
	release chan struct{}
}

// newRecorder records over a fresh SQLite store; unless the test closes
// the store itself (closed), it is closed when the test ends.
func newRecorder(t *testing.T, closed bool) *recorder {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	if closed {
		db.Close()
	} else {
		t.Cleanup(func() { db.Close() })
	}
	return &recorder{Store: db, written: make(chan int, 64), entered: make(chan struct{}), release: make(chan struct{})}
}

func (r *recorder) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	r.mu.Lock()
	r.sizes = append(r.sizes, len(events))
	first := len(r.sizes) == 1
	r.mu.Unlock()
	if first && r.hold {
		close(r.entered)
		<-r.release
	}
	err := r.Store.AppendAudit(ctx, events...)
	r.written <- len(events)
	return err
}

func (r *recorder) batches() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.sizes)
}

func (r *recorder) count(t *testing.T, action string) int {
	t.Helper()
	evs, err := r.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return len(evs)
}

// timers is an injected time.After: every call is reported on started
// (dropped when nobody reads them, so the writer never stalls on a test
// that ignores its timers) and gets a channel the test fires by hand.
type timers struct {
	started chan time.Duration
	mu      sync.Mutex
	fired   []chan time.Time
}

func newTimers() *timers { return &timers{started: make(chan time.Duration, 16)} }

func (tm *timers) after(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	tm.mu.Lock()
	tm.fired = append(tm.fired, c)
	tm.mu.Unlock()
	select {
	case tm.started <- d:
	default:
	}
	return c
}

// wait returns the duration of the next timer started; the bound only
// turns a writer that never starts one into a failure instead of a hang.
func (tm *timers) wait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-tm.started:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the writer started no batch timer")
		return 0
	}
}

// fire makes the i-th timer go off.
func (tm *timers) fire(i int) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.fired[i] <- time.Time{}
}

func record(l *Log, n int, action string) {
	for range n {
		l.Record(context.Background(), &store.AuditEvent{Time: time.Now(), Action: action, Outcome: "success"})
	}
}

// TestBatchSizes: a burst is written batchMax events at a time, and Flush
// writes the rest in one more batch.
func TestBatchSizes(t *testing.T) {
	r := newRecorder(t, false)
	l := newLog(r, slog.New(slog.DiscardHandler), newTimers().after)
	defer l.Close()
	record(l, 2*batchMax+88, "burst")
	l.Flush()
	if got, want := r.batches(), []int{batchMax, batchMax, 88}; !slices.Equal(got, want) {
		t.Errorf("batches of a %d-event burst = %v, want %v", 2*batchMax+88, got, want)
	}
	if n := r.count(t, "burst"); n != 2*batchMax+88 {
		t.Errorf("%d events stored, want %d", n, 2*batchMax+88)
	}
}

// TestBatchWait: a batch smaller than batchMax is written when batchWait
// has passed since its first event, without any Flush; the next event
// starts a new timer, and later events of a batch do not restart it.
func TestBatchWait(t *testing.T) {
	r := newRecorder(t, false)
	tm := newTimers()
	l := newLog(r, slog.New(slog.DiscardHandler), tm.after)
	defer l.Close()

	record(l, 1, "first")
	if d := tm.wait(t); d != batchWait {
		t.Errorf("timer set for %v, want batchWait %v", d, batchWait)
	}
	// The timer starts once the event is in the batch; nothing is written
	// until it fires.
	if b := r.batches(); len(b) != 0 {
		t.Fatalf("written before batchWait passed: %v", b)
	}
	tm.fire(0)
	select {
	case n := <-r.written:
		if n != 1 {
			t.Errorf("timed batch of %d events, want 1", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the timer went off but no batch was written")
	}

	record(l, 1, "second")
	tm.wait(t) // a new batch, a new timer
	record(l, 4, "second")
	l.Flush()
	if got := r.batches(); !slices.Equal(got, []int{1, 5}) {
		t.Errorf("batches = %v, want [1 5]", got)
	}
	select {
	case d := <-tm.started:
		t.Errorf("a timer (%v) started for an event that joined a running batch", d)
	default:
	}
	tm.fire(1) // the flushed batch's timer going off late writes nothing
	l.Flush()
	if got := r.batches(); !slices.Equal(got, []int{1, 5}) {
		t.Errorf("batches after a stale timer = %v, want [1 5]", got)
	}
}

// TestFullQueueWritesSynchronously: when the writer is stuck behind a slow
// database and the queue is full, Record writes the event itself rather
// than dropping it or blocking on the queue.
func TestFullQueueWritesSynchronously(t *testing.T) {
	r := newRecorder(t, false)
	r.hold = true
	l := newLog(r, slog.New(slog.DiscardHandler), newTimers().after)
	defer l.Close()

	record(l, batchMax, "queued")
	<-r.entered // the writer is inside its first AppendAudit, held
	record(l, queueSize, "queued")
	record(l, 1, "overflow")
	if n := r.count(t, "overflow"); n != 1 {
		t.Errorf("overflow event stored %d times while the writer was held, want 1 (written by Record itself)", n)
	}
	close(r.release)
	l.Flush()
	if n := r.count(t, "queued"); n != batchMax+queueSize {
		t.Errorf("%d queued events stored, want %d", n, batchMax+queueSize)
	}
}

// TestCloseFlushesAndIsIdempotent: Close stores what is still queued and
// may be called again.
func TestCloseFlushesAndIsIdempotent(t *testing.T) {
	r := newRecorder(t, false)
	l := newLog(r, slog.New(slog.DiscardHandler), newTimers().after)
	record(l, 10, "late")
	l.Close()
	l.Close()
	if n := r.count(t, "late"); n != 10 {
		t.Errorf("after Close: %d events stored, want 10", n)
	}
}

// TestRecordAfterClose: an event recorded after Close (a background job
// that finishes while the server stops) is written at once, not sent on
// the closed queue, and Flush after Close returns.
func TestRecordAfterClose(t *testing.T) {
	r := newRecorder(t, false)
	l := newLog(r, slog.New(slog.DiscardHandler), newTimers().after)
	l.Close()
	record(l, 2, "after")
	l.Flush()
	if n := r.count(t, "after"); n != 2 {
		t.Errorf("events recorded after Close: %d stored, want 2", n)
	}
}

// TestWriteFailureIsLogged: when the store refuses a batch, the error is
// logged with the number of events lost to the store (each is in the log
// already), and the writer keeps going.
func TestWriteFailureIsLogged(t *testing.T) {
	r := newRecorder(t, true)
	var logs bytes.Buffer
	l := newLog(r, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})), newTimers().after)
	defer l.Close()
	record(l, 3, "doomed")
	l.Flush()
	if !strings.Contains(logs.String(), "audit write failed") || !strings.Contains(logs.String(), "events=3") {
		t.Errorf("log after a failed write:\n%s", logs.String())
	}
	if strings.Count(logs.String(), "action=doomed") != 3 {
		t.Errorf("each event should be logged when recorded:\n%s", logs.String())
	}
}

// TestRecordLogLevel: failures are logged at warn with their trace id;
// successes only at debug, since the store has them.
func TestRecordLogLevel(t *testing.T) {
	r := newRecorder(t, false)
	var logs bytes.Buffer
	l := newLog(r, slog.New(slog.NewTextHandler(&logs, nil)), newTimers().after)
	defer l.Close()
	l.Record(context.Background(), &store.AuditEvent{Action: "refresh.rotated", Outcome: "success"})
	l.Record(context.Background(), &store.AuditEvent{Action: "refresh.reuse", Outcome: "failure", Reason: "reused", TraceID: "t-1"})
	l.Flush()
	if strings.Contains(logs.String(), "refresh.rotated") {
		t.Errorf("a success was logged at info:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "reason=reused") || !strings.Contains(logs.String(), "trace_id=t-1") {
		t.Errorf("the failure is not logged at warn with its reason and trace id:\n%s", logs.String())
	}
}

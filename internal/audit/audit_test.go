package audit_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/audit"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlite"
)

// TestBatchesReachStore: events recorded are stored after Flush, and what
// is still queued at Close is stored too (nothing lost on shutdown).
func TestBatchesReachStore(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := audit.New(db, slog.New(slog.DiscardHandler))
	record := func(n int, action string) {
		for range n {
			l.Record(context.Background(), &store.AuditEvent{Time: time.Now(), Action: action, Outcome: "success"})
		}
	}
	count := func(action string) int {
		evs, err := db.ListAudit(context.Background(), store.AuditFilter{Action: action, Limit: 10000})
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	record(600, "a") // more than two batches
	l.Flush()
	if n := count("a"); n != 600 {
		t.Errorf("after Flush: %d events stored, want 600", n)
	}
	record(10, "b")
	l.Close()
	if n := count("b"); n != 10 {
		t.Errorf("after Close: %d events stored, want 10", n)
	}
}

// TestStatsCountDropped: events whose store write fails are counted as
// dropped (they stay only in the log), and the queue drains to zero.
func TestStatsCountDropped(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	l := audit.New(db, slog.New(slog.DiscardHandler))
	defer l.Close()
	l.Record(context.Background(), &store.AuditEvent{Time: time.Now(), Action: "kept"})
	l.Flush()
	if s := l.Stats(); s.Dropped != 0 || s.Depth != 0 || s.Capacity == 0 {
		t.Errorf("Stats() after a stored event = %+v, want nothing dropped, empty queue, a capacity", s)
	}
	db.Close() // every later write fails
	for range 3 {
		l.Record(context.Background(), &store.AuditEvent{Time: time.Now(), Action: "lost"})
	}
	l.Flush()
	if s := l.Stats(); s.Dropped != 3 || s.Depth != 0 {
		t.Errorf("Stats() after 3 failed writes = %+v, want 3 dropped, empty queue", s)
	}
}

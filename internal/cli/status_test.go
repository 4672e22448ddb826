package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// TestStatus: status reports the backend, the file sizes and exact counts
// on SQLite, and the last retention run once one was recorded.
func TestStatus(t *testing.T) {
	f := newFixture(t)
	f.app.Audit.Flush()
	var s server.Status
	runJSON(t, f.db, &s, "status")
	if s.Backend != "sqlite" || s.DatabaseBytes <= 0 || s.Estimated {
		t.Errorf("status --json = %+v, want sqlite, a size, exact counts", s)
	}
	if s.Sessions != 3 || s.Tokens != 3 || s.AuditEvents == 0 {
		t.Errorf("status --json counts = %d sessions, %d tokens, %d audit; want 3, 3, some", s.Sessions, s.Tokens, s.AuditEvents)
	}
	if s.RetentionLastRun != nil {
		t.Errorf("status --json retention_last_run = %v before any run, want none", s.RetentionLastRun)
	}
	if out := mustRun(t, f.db, "status"); !strings.Contains(out, "last retention run  never") || !strings.Contains(out, "wal size") {
		t.Errorf("status = %q, want a wal size and no retention run", out)
	}

	at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := f.app.Store.AppendAudit(context.Background(), &store.AuditEvent{Time: at, Action: "retention.run", Reason: "removed 42"}); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, f.db, "status"); !strings.Contains(out, "2026-05-06T07:08:09Z (removed 42)") {
		t.Errorf("status after a retention run = %q, want its time and result", out)
	}
}

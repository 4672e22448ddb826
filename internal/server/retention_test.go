package server_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// TestRetentionJob runs the job at a fake clock: audit events older than
// --audit-retention go, newer ones stay, and the counter says how many.
func TestRetentionJob(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: "sqlite:" + filepath.Join(t.TempDir(), "r.db"),
		LogFormat: "text", StoreTimeout: 5e9, Retention: 720 * time.Hour, AuditRetention: 2160 * time.Hour}
	app, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler),
		server.Options{Password: apptest.FastPassword, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ctx := context.Background()
	if err := app.Store.AppendAudit(ctx,
		&store.AuditEvent{Time: now.Add(-91 * 24 * time.Hour), Action: "old", SessionID: "job"},
		&store.AuditEvent{Time: now.Add(-89 * 24 * time.Hour), Action: "kept", SessionID: "job"}); err != nil {
		t.Fatal(err)
	}
	if got := app.Purge(ctx); got.AuditEvents != 1 {
		t.Errorf("Purge removed %+v, want 1 audit event", got)
	}
	ev, err := app.Store.ListAudit(ctx, store.AuditFilter{SessionID: "job"})
	if err != nil || len(ev) != 1 || ev[0].Action != "kept" {
		t.Errorf("audit after purge = %+v, %v; want only the kept event", ev, err)
	}
	want := "renova_retention_deleted_total{kind=\"audit_events\"} 1"
	mf, _ := app.Registry.Gather()
	found, series := false, 0
	for _, f := range mf {
		if f.GetName() == "renova_retention_deleted_total" {
			series = len(f.GetMetric())
			for _, m := range f.GetMetric() {
				if m.GetLabel()[0].GetValue() == "audit_events" && m.GetCounter().GetValue() == 1 {
					found = true
				}
			}
		}
	}
	if series != 5 {
		t.Errorf("renova_retention_deleted_total has %d series, want 5 kinds", series)
	}
	if !found {
		t.Errorf("want %s", strings.TrimSpace(want))
	}
}

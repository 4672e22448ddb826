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
	if series != 6 {
		t.Errorf("renova_retention_deleted_total has %d series, want 6 kinds", series)
	}
	if !found {
		t.Errorf("want %s", strings.TrimSpace(want))
	}

	// The run is audited, so `renova status` (another process) sees it.
	app.Audit.Flush()
	st, err := app.Status(ctx)
	if err != nil || st.RetentionLastRun == nil || !st.RetentionLastRun.Equal(now) || st.RetentionLastResult != "removed 1" {
		t.Errorf("Status() after the run = %+v, %v; want last run at %v, removed 1", st, err, now)
	}
	if got := gauge(t, app, "renova_retention_last_run_timestamp_seconds", ""); got != float64(now.Unix()) {
		t.Errorf("renova_retention_last_run_timestamp_seconds = %v, want %d", got, now.Unix())
	}
}

// TestSizeGauges: the store's sizes and row counts are gauges.
func TestSizeGauges(t *testing.T) {
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: "sqlite:" + filepath.Join(t.TempDir(), "g.db"),
		LogFormat: "text", StoreTimeout: 5e9}
	app, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler), server.Options{Password: apptest.FastPassword})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	if err := app.Store.AppendAudit(context.Background(), &store.AuditEvent{Time: time.Now(), Action: "a"},
		&store.AuditEvent{Time: time.Now(), Action: "b"}); err != nil {
		t.Fatal(err)
	}
	if got := gauge(t, app, "renova_db_size_bytes", "database"); got <= 0 {
		t.Errorf("renova_db_size_bytes{file=database} = %v, want > 0", got)
	}
	if got := gauge(t, app, "renova_db_rows", "audit_events"); got != 2 {
		t.Errorf("renova_db_rows{table=audit_events} = %v, want 2", got)
	}
	if got := gauge(t, app, "renova_db_rows", "sessions"); got != 0 {
		t.Errorf("renova_db_rows{table=sessions} = %v, want 0", got)
	}
}

// gauge gathers app's registry and returns the gauge name whose first
// label is label ("" for an unlabelled gauge); a missing series fails.
func gauge(t *testing.T, app *server.App, name, label string) float64 {
	t.Helper()
	mf, err := app.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range mf {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if label == "" || (len(m.GetLabel()) > 0 && m.GetLabel()[0].GetValue() == label) {
				return m.GetGauge().GetValue()
			}
		}
	}
	t.Fatalf("no series %s{%s}", name, label)
	return 0
}

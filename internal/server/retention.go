package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/renova-auth/renova/internal/store"
)

// retentionEvery is how often the retention job runs: ten minutes' worth
// of ended rows is a few batches at steady load.
const retentionEvery = 10 * time.Minute

// retentionRounds caps one run, so a huge backlog (retention turned on
// for an old database) is worked off over several runs: 2,000 rounds of
// 500 rows of each kind.
const retentionRounds = 2000

// walCheckpointer is the SQLite store's TRUNCATE checkpoint.
type walCheckpointer interface {
	CheckpointWAL(ctx context.Context) (bool, error)
}

// newRetentionMetric makes renova_retention_deleted_total{kind}.
func newRetentionMetric(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "renova_retention_deleted_total",
		Help: "Rows removed by the retention job, by kind."}, []string{"kind"})
	for _, k := range (store.PurgeResult{}).Kinds() {
		c.WithLabelValues(k.Kind) // every kind reads 0 before its first deletion
	}
	reg.MustRegister(c)
	return c
}

// newRetentionRun makes renova_retention_last_run_timestamp_seconds, the
// fake-clock-aware time this process last ran the job (0: never).
func newRetentionRun(reg prometheus.Registerer) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "renova_retention_last_run_timestamp_seconds",
		Help: "Unix time at which this process last ran the retention job; 0 before its first run."})
	reg.MustRegister(g)
	return g
}

// retain runs the retention job every retentionEvery until ctx ends, the
// first time at once. Every replica runs it: PostgreSQL's SKIP LOCKED
// lets two replicas' purges pass each other.
func (a *App) retain(ctx context.Context) {
	if a.Cfg.Retention <= 0 && a.Cfg.AuditRetention <= 0 {
		return
	}
	t := time.NewTicker(retentionEvery)
	defer t.Stop()
	for {
		a.Purge(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Purge removes, in batches, what ended more than --retention ago and the
// audit events older than --audit-retention, judged at the App's clock;
// it logs and counts what it removed, and on SQLite then truncates the
// WAL if the writer lets it. It returns the total removed.
func (a *App) Purge(ctx context.Context) store.PurgeResult {
	now := a.now()
	var p store.PurgeParams
	if a.Cfg.Retention > 0 {
		p.Before = now.Add(-a.Cfg.Retention)
	}
	if a.Cfg.AuditRetention > 0 {
		p.AuditBefore = now.Add(-a.Cfg.AuditRetention)
	}
	var sum store.PurgeResult
	if p.Before.IsZero() && p.AuditBefore.IsZero() {
		return sum
	}
	start, failed := time.Now(), false
	for range retentionRounds {
		if ctx.Err() != nil {
			break
		}
		r, err := a.Store.Purge(ctx, p)
		sum.Add(r)
		for _, k := range r.Kinds() {
			if k.Count > 0 {
				a.retained.WithLabelValues(k.Kind).Add(float64(k.Count))
			}
		}
		if err != nil {
			a.Logger.Warn("retention", "err", err)
			failed = true
			break
		}
		if r.Total() == 0 {
			break
		}
	}
	a.recordRetention(ctx, sum, failed)
	a.lastRetention.Set(float64(a.now().Unix()))
	if sum.Total() == 0 {
		return sum
	}
	args := []any{"took", time.Since(start).Round(time.Millisecond)}
	for _, k := range sum.Kinds() {
		args = append(args, k.Kind, k.Count)
	}
	if c, ok := a.Store.(walCheckpointer); ok && ctx.Err() == nil {
		truncated, err := c.CheckpointWAL(ctx)
		args = append(args, "wal_truncated", truncated)
		if err != nil {
			args = append(args, "checkpoint_err", err)
		}
	}
	a.Logger.Info("retention: removed ended records", args...)
	return sum
}

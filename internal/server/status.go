package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/renova-auth/renova/internal/store"
)

// retentionAction is the audit action of one retention run. The run is
// audited (records were removed) and that is also where `renova status`,
// a separate process, finds the last run.
const retentionAction = "retention.run"

// Status is what `renova status` prints: the store's sizes and the last
// retention run any replica made.
type Status struct {
	store.Stats
	// RetentionLastRun is when the last retention run ended; nil when none
	// ran (retention off, or a new database).
	RetentionLastRun *time.Time `json:"retention_last_run,omitempty"`
	// RetentionLastResult says what that run removed, e.g. "removed 1500".
	RetentionLastResult string `json:"retention_last_result,omitempty"`
}

// Status reads the store's sizes and the last retention run.
func (a *App) Status(ctx context.Context) (Status, error) {
	st, err := a.Store.Stats(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("status: %w", err)
	}
	s := Status{Stats: st}
	ev, err := a.Store.ListAudit(ctx, store.AuditFilter{Action: retentionAction, Limit: 1})
	if err != nil {
		return Status{}, fmt.Errorf("status: last retention run: %w", err)
	}
	if len(ev) == 1 {
		at := ev[0].Time
		s.RetentionLastRun, s.RetentionLastResult = &at, ev[0].Reason
	}
	return s, nil
}

// recordRetention audits one retention run that removed sum.
func (a *App) recordRetention(ctx context.Context, sum store.PurgeResult, failed bool) {
	outcome := "success"
	if failed {
		outcome = "failure"
	}
	a.Audit.Record(ctx, &store.AuditEvent{Time: a.now(), Action: retentionAction, Outcome: outcome,
		Reason: fmt.Sprintf("removed %d", sum.Total())})
}

// statsEvery is how long the size gauges reuse one Stats reading: exact
// counts on a large SQLite file take a moment, and sizes move slowly.
const statsEvery = 30 * time.Second

// sizeCollector serves the store's sizes as gauges at each scrape, from a
// Stats reading at most statsEvery old.
type sizeCollector struct {
	st   store.StatsReader
	now  func() time.Time
	size *prometheus.Desc
	rows *prometheus.Desc

	mu   sync.Mutex
	last store.Stats
	at   time.Time
}

func newSizeCollector(st store.StatsReader, now func() time.Time) *sizeCollector {
	return &sizeCollector{st: st, now: now,
		size: prometheus.NewDesc("renova_db_size_bytes",
			"Size of the database: file is database (the SQLite file, or renova's tables on PostgreSQL) or wal (SQLite).",
			[]string{"file"}, nil),
		rows: prometheus.NewDesc("renova_db_rows",
			"Rows of the big tables: exact on SQLite, the planner's estimate on PostgreSQL.",
			[]string{"table"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *sizeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.size; ch <- c.rows }

// Collect implements prometheus.Collector. A store that does not answer
// within two seconds leaves the series out of this scrape.
func (c *sizeCollector) Collect(ch chan<- prometheus.Metric) {
	st, ok := c.read()
	if !ok {
		return
	}
	g := prometheus.GaugeValue
	ch <- prometheus.MustNewConstMetric(c.size, g, float64(st.DatabaseBytes), "database")
	ch <- prometheus.MustNewConstMetric(c.size, g, float64(st.WALBytes), "wal")
	ch <- prometheus.MustNewConstMetric(c.rows, g, float64(st.Sessions), "sessions")
	ch <- prometheus.MustNewConstMetric(c.rows, g, float64(st.Tokens), "refresh_tokens")
	ch <- prometheus.MustNewConstMetric(c.rows, g, float64(st.AuditEvents), "audit_events")
}

// read returns the cached reading, or a fresh one once it is stale.
func (c *sizeCollector) read() (store.Stats, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() && c.now().Sub(c.at) < statsEvery {
		return c.last, true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.st.Stats(ctx)
	if err != nil {
		return st, false
	}
	c.last, c.at = st, c.now()
	return st, true
}

package server

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/renova-auth/renova/internal/audit"
	"github.com/renova-auth/renova/internal/store"
)

// timedStore observes the latency of the store calls the core and the
// audit writer make, in renova_store_operation_duration_seconds{op}: the
// refresh and login path, the audit batches and retention. The other
// verbs (admin records, reached by the CLI and the admin API) pass
// through the embedded Store unobserved.
type timedStore struct {
	store.Store
	h *prometheus.HistogramVec
}

// newTimedStore wraps st and registers the histogram with reg.
func newTimedStore(st store.Store, reg prometheus.Registerer) timedStore {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "renova_store_operation_duration_seconds",
		Help: "Time of a store call of the core, by operation.",
		// From a cached SQLite read (~50 µs) to a call at its timeout.
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"op"})
	reg.MustRegister(h)
	return timedStore{Store: st, h: h}
}

// observe records one call of op that began at start; deferred as
// defer s.observe("op", time.Now()).
func (s timedStore) observe(op string, start time.Time) {
	s.h.WithLabelValues(op).Observe(time.Since(start).Seconds())
}

// Rotate implements store.Sessions.
func (s timedStore) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	defer s.observe("rotate", time.Now())
	return s.Store.Rotate(ctx, p)
}

// RefreshState implements store.Sessions.
func (s timedStore) RefreshState(ctx context.Context, hash []byte) (*store.RefreshState, error) {
	defer s.observe("refresh_state", time.Now())
	return s.Store.RefreshState(ctx, hash)
}

// CreateSession implements store.Sessions.
func (s timedStore) CreateSession(ctx context.Context, v *store.Session, first *store.RefreshToken) error {
	defer s.observe("create_session", time.Now())
	return s.Store.CreateSession(ctx, v, first)
}

// GetSession implements store.Sessions.
func (s timedStore) GetSession(ctx context.Context, id string) (*store.Session, error) {
	defer s.observe("get_session", time.Now())
	return s.Store.GetSession(ctx, id)
}

// RevokeSession implements store.Sessions.
func (s timedStore) RevokeSession(ctx context.Context, id, reason string, now time.Time) error {
	defer s.observe("revoke_session", time.Now())
	return s.Store.RevokeSession(ctx, id, reason, now)
}

// RevokeSessions implements store.Sessions.
func (s timedStore) RevokeSessions(ctx context.Context, f store.SessionFilter, reason string, now time.Time) (int, error) {
	defer s.observe("revoke_sessions", time.Now())
	return s.Store.RevokeSessions(ctx, f, reason, now)
}

// GetClient implements store.Clients.
func (s timedStore) GetClient(ctx context.Context, id string) (*store.Client, error) {
	defer s.observe("get_client", time.Now())
	return s.Store.GetClient(ctx, id)
}

// UserByLogin implements store.Users.
func (s timedStore) UserByLogin(ctx context.Context, tenantID, login string) (*store.User, error) {
	defer s.observe("user_by_login", time.Now())
	return s.Store.UserByLogin(ctx, tenantID, login)
}

// GetUser implements store.Users.
func (s timedStore) GetUser(ctx context.Context, id string) (*store.User, error) {
	defer s.observe("get_user", time.Now())
	return s.Store.GetUser(ctx, id)
}

// ClaimAuthCode implements store.Browsers.
func (s timedStore) ClaimAuthCode(ctx context.Context, hash []byte, now time.Time) (*store.AuthCode, error) {
	defer s.observe("claim_auth_code", time.Now())
	return s.Store.ClaimAuthCode(ctx, hash, now)
}

// AppendAudit implements store.Audit.
func (s timedStore) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	defer s.observe("append_audit", time.Now())
	return s.Store.AppendAudit(ctx, events...)
}

// auditCollector serves the audit queue's state (audit.Log.Stats).
type auditCollector struct {
	log                           *audit.Log
	depth, capacity, direct, lost *prometheus.Desc
}

func newAuditCollector(log *audit.Log) *auditCollector {
	return &auditCollector{log: log,
		depth:    prometheus.NewDesc("renova_audit_queue_depth", "Audit events waiting for the batch writer.", nil, nil),
		capacity: prometheus.NewDesc("renova_audit_queue_capacity", "Size of the audit queue; when full, events are written synchronously.", nil, nil),
		direct:   prometheus.NewDesc("renova_audit_sync_writes_total", "Audit events written synchronously on the request path because the queue was full.", nil, nil),
		lost:     prometheus.NewDesc("renova_audit_dropped_total", "Audit events the store did not take (the write failed); they are only in the log.", nil, nil)}
}

// Describe implements prometheus.Collector.
func (c *auditCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.capacity
	ch <- c.direct
	ch <- c.lost
}

// Collect implements prometheus.Collector.
func (c *auditCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.log.Stats()
	ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(s.Depth))
	ch <- prometheus.MustNewConstMetric(c.capacity, prometheus.GaugeValue, float64(s.Capacity))
	ch <- prometheus.MustNewConstMetric(c.direct, prometheus.CounterValue, float64(s.Direct))
	ch <- prometheus.MustNewConstMetric(c.lost, prometheus.CounterValue, float64(s.Dropped))
}

// poolStater is a store with connection pools (both backends).
type poolStater interface {
	PoolStats() []store.PoolStat
}

// poolCollector serves the store's pools: connections by state, and the
// acquisitions that had to wait (on SQLite's writer, the write queue).
type poolCollector struct {
	st                      poolStater
	conns, waits, waitTotal *prometheus.Desc
}

func newPoolCollector(st poolStater) *poolCollector {
	return &poolCollector{st: st,
		conns: prometheus.NewDesc("renova_db_pool_connections", "Connections of a store pool, by state (acquired, idle, total).",
			[]string{"pool", "state"}, nil),
		waits: prometheus.NewDesc("renova_db_pool_wait_total", "Acquisitions that found no free connection and waited.",
			[]string{"pool"}, nil),
		waitTotal: prometheus.NewDesc("renova_db_pool_wait_seconds_total", "Time spent waiting for a connection (SQLite writer: the write queue).",
			[]string{"pool"}, nil)}
}

// Describe implements prometheus.Collector.
func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.conns
	ch <- c.waits
	ch <- c.waitTotal
}

// Collect implements prometheus.Collector.
func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	g := prometheus.GaugeValue
	for _, p := range c.st.PoolStats() {
		ch <- prometheus.MustNewConstMetric(c.conns, g, float64(p.Acquired), p.Pool, "acquired")
		ch <- prometheus.MustNewConstMetric(c.conns, g, float64(p.Idle), p.Pool, "idle")
		ch <- prometheus.MustNewConstMetric(c.conns, g, float64(p.Total), p.Pool, "total")
		ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(p.WaitCount), p.Pool)
		ch <- prometheus.MustNewConstMetric(c.waitTotal, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Pool)
	}
}

// walTruncater is the SQLite store's count of WAL truncations.
type walTruncater interface {
	WALTruncations() int64
}

// newWALTruncations serves renova_sqlite_wal_truncations_total: a WAL
// that stops being truncated under load is a WAL that grows.
func newWALTruncations(w walTruncater) prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "renova_sqlite_wal_truncations_total",
		Help: "Checkpoints that emptied the SQLite WAL (at 16 MiB, or idle for a second)."}, func() float64 { return float64(w.WALTruncations()) })
}

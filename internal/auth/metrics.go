package auth

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the core's Prometheus collectors: every rotation outcome is a
// metric so theft is visible (PRODUCT.md §2).
type Metrics struct {
	Refresh *prometheus.CounterVec // by outcome: rotated, grace_replay, reused, expired_idle, ...
	Logins  *prometheus.CounterVec // by outcome: success, failure
	Legacy  *prometheus.CounterVec // by kind (session, password) and outcome (adopted, rejected, unavailable, ...)
}

// NewMetrics makes the collectors and registers them with reg, if not nil.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		Refresh: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "renova_refresh_total", Help: "Refresh-token presentations by outcome."}, []string{"outcome"}),
		Logins:  prometheus.NewCounterVec(prometheus.CounterOpts{Name: "renova_login_total", Help: "Password logins by outcome."}, []string{"outcome"}),
		Legacy: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "renova_legacy_total",
			Help: "Zero-logout migration (issue 15): adoptions of legacy sessions and passwords by kind and outcome."}, []string{"kind", "outcome"}),
	}
	if reg != nil {
		reg.MustRegister(m.Refresh, m.Logins, m.Legacy)
	}
	return m
}

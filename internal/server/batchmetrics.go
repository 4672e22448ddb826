package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/postgres"
	"github.com/renova-auth/renova/internal/store/sqlite"
)

var (
	_ rotationBatcher = (*sqlite.DB)(nil)
	_ rotationBatcher = (*postgres.DB)(nil)
)

// rotationBatcher is a store that group-commits rotations (issue 16):
// both backends are.
type rotationBatcher interface {
	// RotationBatches reports how many rotation batches were committed (or
	// failed) and how many rotations they held.
	RotationBatches() (batches, rotations int64)
}

// registerBatchMetrics exports the store's group-commit counters, so an
// operator sees how many rotations share a commit (rotations / batches):
// 1 when idle, more under concurrency. A store without them exports
// nothing.
func registerBatchMetrics(reg prometheus.Registerer, st store.Store) {
	b, ok := st.(rotationBatcher)
	if !ok {
		return
	}
	reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "renova_rotation_batches_total",
			Help: "Rotation batches committed (or failed) in one transaction each."},
			func() float64 { n, _ := b.RotationBatches(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "renova_rotation_batched_total",
			Help: "Rotations committed (or failed) in those batches."},
			func() float64 { _, n := b.RotationBatches(); return float64(n) }),
	)
}

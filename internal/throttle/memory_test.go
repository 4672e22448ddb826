package throttle

import (
	"testing"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/storetest"
)

// TestMemoryConformance runs the throttle suite on the in-process store
// of the SQLite backend, the same suite the PostgreSQL one passes.
func TestMemoryConformance(t *testing.T) {
	storetest.RunThrottle(t, func(*testing.T) store.Throttle { return NewMemory() })
}

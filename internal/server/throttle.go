package server

import (
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/throttle"
)

// throttleStore returns where the login throttle and the partners'
// creation limit keep their counts (issue 14): in the database when the
// backend implements store.Throttle, as PostgreSQL does, because several
// replicas may serve it and must enforce one limit; in this process
// otherwise (SQLite serves one process, so memory is both enough and
// free of writes on the single writer).
func throttleStore(st store.Store) store.Throttle {
	if t, ok := st.(store.Throttle); ok {
		return t
	}
	return throttle.NewMemory()
}

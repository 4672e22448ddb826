package sqlite

import (
	"errors"

	"github.com/renova-auth/renova/internal/store/storetest"
)

// BatchHooks gives the group-commit tests a handle on db's rotation
// batcher: a batch held open for n members, and a commit that fails (the
// batch's statements have run; the transaction rolls back instead of
// committing, as when the disk fails at the commit).
func BatchHooks(db *DB) storetest.BatchHooks {
	return storetest.BatchHooks{
		Hold: db.rot.HoldNext,
		BreakCommit: func(broken bool) {
			if !broken {
				db.breakCommit.Store(nil)
				return
			}
			err := errors.New("injected commit failure")
			db.breakCommit.Store(&err)
		},
		Stats: db.rot.Stats,
	}
}

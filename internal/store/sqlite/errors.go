package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/renova-auth/renova/internal/store"
)

// unavailableCodes are SQLite primary result codes that say "not now"
// rather than "never": another process holds the lock, or the storage
// under the file is full, failing, read-only or gone for the moment. The
// same request may succeed once an operator frees space or remounts the
// volume, so callers answer 503 with Retry-After, never 500. Extended
// codes (SQLITE_IOERR_WRITE is 778, the review's 8714 SQLITE_IOERR_IN_PAGE,
// SQLITE_READONLY_DBMOVED 1032) are matched on their low byte.
var unavailableCodes = map[int]bool{
	sqlite3.SQLITE_BUSY:     true, // another process holds the lock past busy_timeout
	sqlite3.SQLITE_LOCKED:   true, // a conflicting lock in this process
	sqlite3.SQLITE_FULL:     true, // database or disk is full (13)
	sqlite3.SQLITE_IOERR:    true, // disk I/O error (10 and its extended codes)
	sqlite3.SQLITE_READONLY: true, // attempt to write a readonly database (8)
	sqlite3.SQLITE_CANTOPEN: true, // unable to open database file (14), e.g. the WAL
	sqlite3.SQLITE_NOMEM:    true, // out of memory: the process, not the data
}

// translate maps driver errors onto the store's sentinel errors, keeping
// the driver's error as the cause for the log.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	// The request's deadline passed while waiting for the writer or the
	// lock: the database is slow, not wrong.
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE, code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return store.Conflict(se.Error(), err)
		case unavailableCodes[code&0xff]:
			return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
	}
	return err
}

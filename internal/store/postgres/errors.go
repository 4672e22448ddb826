package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"github.com/renova-auth/renova/internal/store"
)

// SQLSTATE codes that translate looks for
// (https://www.postgresql.org/docs/current/errcodes-appendix.html).
const (
	codeUniqueViolation = "23505"
	codeQueryCanceled   = "57014" // statement_timeout or a cancel request
)

// unavailableCodes are server errors that say "not now" rather than "never":
// the same request may succeed once the database is back or less busy.
var unavailableCodes = map[string]bool{
	codeQueryCanceled: true,
	"57P01":           true, // admin_shutdown
	"57P02":           true, // crash_shutdown
	"57P03":           true, // cannot_connect_now (starting up, recovering)
	"57P05":           true, // idle_session_timeout
	"53300":           true, // too_many_connections
	"55P03":           true, // lock_not_available (lock_timeout)
	"40001":           true, // serialization_failure
	"40P01":           true, // deadlock_detected
	"25006":           true, // read_only_sql_transaction: a standby after failover
	"58030":           true, // io_error: the server's disk failed under it
}

// unavailableClasses are SQLSTATE classes (the first two characters) whose
// every code is "not now": 08 connection exception, and 53 insufficient
// resources (53100 disk_full, 53200 out_of_memory, 53300
// too_many_connections, 53400 configuration_limit_exceeded). A full disk
// answers 503 with Retry-After, never 500, and nothing is lost: the
// statement that hit it rolled back.
var unavailableClasses = map[string]bool{"08": true, "53": true}

// translate maps driver errors onto the store's sentinel errors: no rows is
// store.ErrNotFound, a unique violation wraps store.ErrConflict, and anything
// that says the database could not be reached or did not answer in time
// wraps store.ErrUnavailable. Other errors pass through unchanged.
func translate(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows):
		return store.ErrNotFound
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict),
		errors.Is(err, store.ErrUnavailable), errors.Is(err, store.ErrNotClaimed):
		return err // already translated
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == codeUniqueViolation:
			return store.Conflict(pgErr.ConstraintName, err)
		case unavailableCodes[pgErr.Code], len(pgErr.Code) == 5 && unavailableClasses[pgErr.Code[:2]]:
			return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		if !isConnectError(err) {
			return err
		}
	}
	if unreachable(err) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

// unreachable reports whether err means the server was not reached or did
// not answer: a failed connect, a network error, a timeout, a cancelled
// context or a closed pool.
func unreachable(err error) bool {
	var netErr net.Error
	return isConnectError(err) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		pgconn.Timeout(err) || pgconn.SafeToRetry(err) ||
		errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.Is(err, puddle.ErrClosedPool)
}

// isConnectError reports whether err happened while establishing a
// connection, including a server that refused it (wrong password, database
// missing, too many clients): every such failure makes the store unusable
// until an operator or the server fixes it.
func isConnectError(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce)
}

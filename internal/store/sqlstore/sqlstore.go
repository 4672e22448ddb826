// Package sqlstore is what renova's two SQL backends, store/sqlite and
// store/postgres, have in common: the column lists, the SQL both run
// unchanged, the scanning of rows into records, and the plain admin verbs
// (Admin). Each backend keeps what really differs: how its columns hold a
// time, a list, a map or a boolean and how its driver's errors map onto
// the store's sentinels (a Codec), and the atomic operations (Rotate,
// RefreshState, CreateSession, CreateUser, RotateKeys, AppendAudit), whose
// transactions are cut to each database's locking (STYLE.md, "Storage").
//
// Shared SQL uses PostgreSQL's numbered placeholders ($1, $2, ...).
// modernc.org/sqlite binds $N to the N-th argument as well, so one text
// runs on both databases, and a placeholder may repeat while its argument
// is passed once. SQLite's prepared hot statements keep anonymous ?
// placeholders, which bind without looking up a parameter name.
package sqlstore

import (
	"context"
	"time"
)

// Scanner is one row: a *sql.Row, *sql.Rows, pgx.Row or pgx.Rows.
type Scanner interface {
	Scan(dest ...any) error
}

// Rows is the result of a query, as pgx.Rows has it; database/sql's
// *sql.Rows needs a wrapper only because its Close returns an error.
type Rows interface {
	Scanner
	Next() bool
	Err() error
	Close()
}

// Conn runs SQL on one backend's driver. Errors are the driver's own; the
// caller translates them with Codec.Err.
type Conn interface {
	// Exec runs a statement and returns how many rows it changed.
	Exec(ctx context.Context, q string, args ...any) (int64, error)
	// QueryRow runs a query and returns its first row; a query without
	// rows fails at Scan with the driver's "no rows" error.
	QueryRow(ctx context.Context, q string, args ...any) Scanner
	// Query runs a query; the caller closes the rows.
	Query(ctx context.Context, q string, args ...any) (Rows, error)
}

// Codec is how one backend stores the Go values that SQL has no common
// type for, and how its driver reports errors. A destination method
// returns a scan destination that writes into the field p points to (no
// allocation: it is p, or p converted to a type with a Scan method); an
// argument method returns a statement argument.
type Codec interface {
	// Time is a destination for a nullable time column: NULL reads as the
	// zero time, anything else as a UTC time.
	Time(p *time.Time) any
	// TimeArg encodes t, keeping microseconds; the zero time is NULL.
	TimeArg(t time.Time) any
	// List is a destination for a list-of-strings column.
	List(p *[]string) any
	// ListArg encodes a list for a NOT NULL column: nil is an empty list.
	ListArg(l []string) any
	// Map is a destination for a string-to-string map column.
	Map(p *map[string]string) any
	// MapArg encodes a map for a NOT NULL column: nil is an empty map.
	MapArg(m map[string]string) any
	// Bool is a destination for a boolean column.
	Bool(p *bool) any
	// BoolArg encodes a boolean.
	BoolArg(b bool) any
	// Err maps a driver error onto store.ErrNotFound, store.ErrConflict or
	// store.ErrUnavailable (wrapping the cause), passes other errors
	// through unchanged, and keeps nil nil.
	Err(err error) error
}

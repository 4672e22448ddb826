package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// codec is how PostgreSQL columns hold Go values: native types
// (timestamptz, text[], jsonb, boolean), which pgx encodes and decodes
// itself, except that the zero time is NULL and NOT NULL lists and maps
// are never sent as NULL.
type codec struct{}

var _ sqlstore.Codec = codec{}

// Time scans a nullable timestamptz into *p (see nullTime).
func (codec) Time(p *time.Time) any { return (*nullTime)(p) }

// TimeArg encodes t for a timestamptz column, which keeps microseconds,
// the precision the suite expects; the zero time is NULL.
func (codec) TimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// List scans a text[] into *p.
func (codec) List(p *[]string) any { return p }

// ListArg encodes l for a NOT NULL text[] column: nil becomes '{}'.
func (codec) ListArg(l []string) any {
	if l == nil {
		return []string{}
	}
	return l
}

// Map scans a jsonb object into *p.
func (codec) Map(p *map[string]string) any { return p }

// MapArg encodes m for a NOT NULL jsonb column: nil becomes {}, not null.
func (codec) MapArg(m map[string]string) any {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// Bool scans a boolean into *p.
func (codec) Bool(p *bool) any { return p }

// BoolArg encodes a boolean.
func (codec) BoolArg(b bool) any { return b }

// Err is translate.
func (codec) Err(err error) error { return translate(err) }

// nullTime scans a nullable timestamptz straight into a record's field:
// NULL becomes the zero time, anything else a UTC time.
type nullTime time.Time

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (n *nullTime) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*n = nullTime{}
		return nil
	}
	*n = nullTime(v.Time.UTC())
	return nil
}

// conn runs the shared statements (sqlstore.Admin) on the pool; pgx
// prepares and caches each statement per connection by itself.
type conn struct{ pool *pgxpool.Pool }

// Exec runs q and returns how many rows it changed.
func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := c.pool.Exec(ctx, q, args...)
	return tag.RowsAffected(), err
}

// QueryRow runs q and returns its first row.
func (c conn) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Scanner {
	return c.pool.QueryRow(ctx, q, args...)
}

// Query runs q and returns its rows; pgx.Rows is a sqlstore.Rows as is.
func (c conn) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	rows, err := c.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return rows, nil
}

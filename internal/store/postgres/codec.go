package postgres

import (
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// tstz encodes a time for a timestamptz column; the zero time becomes NULL.
// timestamptz keeps microseconds, the precision the suite expects.
func tstz(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// nullTime scans a nullable timestamptz straight into a record's field:
// NULL becomes the zero time, anything else a UTC time.
type nullTime time.Time

// at returns a scan destination for a nullable timestamptz stored into *t.
func at(t *time.Time) *nullTime { return (*nullTime)(t) }

// ScanTimestamptz implements pgtype.TimestamptzScanner.
func (n *nullTime) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		*n = nullTime{}
		return nil
	}
	*n = nullTime(v.Time.UTC())
	return nil
}

// list encodes a list for a NOT NULL text[] column: nil becomes '{}'.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// nilIfEmpty makes an empty decoded list nil, as the SQLite store does.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// object encodes a map for a NOT NULL jsonb column: nil becomes {}, not null.
func object(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// scanner is a pgx.Row or pgx.Rows.
type scanner interface{ Scan(dest ...any) error }

// collect scans every row with scan, translating errors.
func collect[T any](rows pgx.Rows, err error, scan func(scanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

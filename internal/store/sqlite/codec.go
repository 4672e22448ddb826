package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// codec is how SQLite columns hold Go values: times as unix microseconds
// (NULL for the zero time), lists and maps as JSON text, booleans as 0/1.
// SQLite has no types for them, and integers keep the microsecond
// precision PostgreSQL's timestamptz has, so both backends round alike.
type codec struct{}

var _ sqlstore.Codec = codec{}

// Time scans an INTEGER of unix microseconds, or NULL, into *p.
func (codec) Time(p *time.Time) any { return (*microTime)(p) }

// TimeArg encodes t as unix microseconds; the zero time is NULL.
func (codec) TimeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// List scans a JSON list into *p.
func (codec) List(p *[]string) any { return (*jsonList)(p) }

// ListArg encodes l as JSON text; nil is "[]".
func (codec) ListArg(l []string) any {
	if l == nil {
		l = []string{}
	}
	return jsonText(l)
}

// Map scans a JSON object into *p.
func (codec) Map(p *map[string]string) any { return (*jsonMap)(p) }

// MapArg encodes m as JSON text; nil is "{}".
func (codec) MapArg(m map[string]string) any {
	if m == nil {
		m = map[string]string{}
	}
	return jsonText(m)
}

// Bool scans an INTEGER into *p: anything but 0 is true.
func (codec) Bool(p *bool) any { return (*intBool)(p) }

// BoolArg encodes b as 1 or 0.
func (codec) BoolArg(b bool) any {
	if b {
		return 1
	}
	return 0
}

// Err is translate.
func (codec) Err(err error) error { return translate(err) }

// microTime scans a nullable unix-microsecond column into a time.Time.
type microTime time.Time

// Scan implements sql.Scanner: NULL is the zero time, an integer a UTC time.
func (m *microTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*m = microTime{}
	case int64:
		*m = microTime(time.UnixMicro(v).UTC())
	default:
		return fmt.Errorf("sqlite: time column holds %T, want INTEGER", src)
	}
	return nil
}

// jsonList scans a JSON list column. Text that is not a JSON list reads as
// an empty list, as it always has.
type jsonList []string

// Scan implements sql.Scanner.
func (l *jsonList) Scan(src any) error {
	*l = nil
	_ = json.Unmarshal(jsonBytes(src), (*[]string)(l))
	return nil
}

// jsonMap scans a JSON object column; text that is not one reads as empty.
type jsonMap map[string]string

// Scan implements sql.Scanner.
func (m *jsonMap) Scan(src any) error {
	*m = nil
	_ = json.Unmarshal(jsonBytes(src), (*map[string]string)(m))
	return nil
}

// jsonBytes returns the text of a TEXT (or BLOB) column.
func jsonBytes(src any) []byte {
	switch v := src.(type) {
	case string:
		return []byte(v)
	case []byte:
		return v
	}
	return nil
}

// jsonText encodes a list or map column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only string slices and maps reach here
	}
	return string(b)
}

// intBool scans an INTEGER column as a boolean: any non-zero value is true.
type intBool bool

// Scan implements sql.Scanner.
func (b *intBool) Scan(src any) error {
	v, ok := src.(int64)
	if !ok {
		return fmt.Errorf("sqlite: boolean column holds %T, want INTEGER", src)
	}
	*b = v != 0
	return nil
}

// conn runs the shared statements (sqlstore.Admin) on one pool.
type conn struct{ db *sql.DB }

// Exec runs q and returns how many rows it changed.
func (c conn) Exec(ctx context.Context, q string, args ...any) (int64, error) {
	res, err := c.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// QueryRow runs q and returns its first row.
func (c conn) QueryRow(ctx context.Context, q string, args ...any) sqlstore.Scanner {
	return c.db.QueryRowContext(ctx, q, args...)
}

// Query runs q and returns its rows.
func (c conn) Query(ctx context.Context, q string, args ...any) (sqlstore.Rows, error) {
	rows, err := c.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

// sqlRows is *sql.Rows with the Close of sqlstore.Rows: the error of
// closing rows already read to the end is Err's.
type sqlRows struct{ *sql.Rows }

// Close closes the rows.
func (r sqlRows) Close() { _ = r.Rows.Close() }

package sqlite

import (
	"database/sql"
	"encoding/json"
	"time"
)

// micro encodes a time as unix microseconds; the zero time becomes NULL.
func micro(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// fromMicro decodes a nullable unix-microsecond column.
func fromMicro(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// jsonText encodes a list or map column.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only string slices and maps reach here
	}
	return string(b)
}

// jsonList decodes a JSON list column; an empty list decodes to nil.
func jsonList(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	if len(out) == 0 {
		return nil
	}
	return out
}

// jsonMap decodes a JSON object column; an empty object decodes to nil.
func jsonMap(s string) map[string]string {
	var out map[string]string
	_ = json.Unmarshal([]byte(s), &out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

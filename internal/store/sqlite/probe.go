package sqlite

import (
	"context"
	"time"
)

// ProbeWrite commits a one-row UPDATE through the writer, as every write
// does: on a full disk the WAL frame it appends cannot be written, on a
// read-only or vanished file the commit fails, and either is
// store.ErrUnavailable. It waits for the writer like any write, so ctx
// bounds it.
func (db *DB) ProbeWrite(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, "UPDATE health_probe SET probed_at = ? WHERE id = 1", time.Now().UnixNano())
	return translate(err)
}

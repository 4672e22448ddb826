package sqlite

import (
	"context"
	"time"
)

// probePad is how much ProbeWrite writes: 16 pages, more than a token
// request's transaction. A request that failed on a full disk leaves the
// WAL frames it managed to write as allocated space; the next commit
// overwrites them, so a one-page probe would succeed there while real
// requests still fail.
const probePad = 64 << 10

// ProbeWrite commits a one-row UPDATE of probePad bytes through the
// writer, as every write does: on a full disk the WAL frames it appends
// cannot be written, on a read-only or vanished file the commit fails, and
// either is store.ErrUnavailable. It waits for the writer like any write,
// so ctx bounds it.
func (db *DB) ProbeWrite(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, "UPDATE health_probe SET probed_at = ?, pad = randomblob(?) WHERE id = 1", time.Now().UnixNano(), probePad)
	return translate(err)
}

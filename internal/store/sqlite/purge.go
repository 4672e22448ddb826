package sqlite

import (
	"context"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// Purge runs one retention round (store.Retention). For each kind it
// reads up to p.Batch candidate keys on the read pool, which never holds
// the writer however long the scan, then deletes them by primary key in
// one short transaction of the writer, re-checking the kind's condition.
func (db *DB) Purge(ctx context.Context, p store.PurgeParams) (store.PurgeResult, error) {
	return sqlstore.Purge(p, func(k sqlstore.PurgeKind, before time.Time, batch int) (int, error) {
		return db.purgeKind(ctx, k, before, batch)
	})
}

// purgeKind removes up to batch rows of one kind.
func (db *DB) purgeKind(ctx context.Context, k sqlstore.PurgeKind, before time.Time, batch int) (int, error) {
	cut := codec{}.TimeArg(before)
	rows, err := db.r.QueryContext(ctx, k.Select(""), cut, batch)
	if err != nil {
		return 0, translate(err)
	}
	var keys []any
	for rows.Next() {
		var key any
		if err := rows.Scan(&key); err != nil {
			rows.Close()
			return 0, translate(err)
		}
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, translate(err)
	}
	rows.Close()
	if len(keys) == 0 {
		return 0, nil
	}
	return db.deleteKeys(ctx, k, cut, keys)
}

// deleteKeys deletes the rows of kind k with the given keys that still
// meet its condition, in one transaction of the writer. For the session
// kind it turns the foreign-key checks off on the writer connection for
// that transaction (the pragma is a no-op inside one): each deleted
// session would otherwise scan the whole token table for referring rows,
// and sqlstore.EndedSessions says why none can exist. The writer has one
// connection, held here, so no other write runs without the checks.
func (db *DB) deleteKeys(ctx context.Context, k sqlstore.PurgeKind, cut any, keys []any) (int, error) {
	c, err := db.w.Conn(ctx)
	if err != nil {
		return 0, translate(err)
	}
	defer c.Close()
	if k.Orphan {
		if _, err := c.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return 0, translate(err)
		}
		defer c.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return 0, translate(err)
	}
	defer tx.Rollback()
	del, err := tx.PrepareContext(ctx, "DELETE FROM "+k.Table+" AS x WHERE x."+k.Key+" = $2 AND "+k.Pred)
	if err != nil {
		return 0, translate(err)
	}
	defer del.Close()
	n := 0
	for _, key := range keys {
		r, err := del.ExecContext(ctx, cut, key)
		if err != nil {
			return 0, translate(err)
		}
		c, _ := r.RowsAffected()
		n += int(c)
	}
	return n, translate(tx.Commit())
}

// CheckpointWAL copies the WAL back into the database and truncates it
// to zero bytes, when that can be done at once: it runs on the writer
// connection (so no write of this process runs meanwhile) with a short
// busy timeout, and a reader in the way makes it fall back to what the
// checkpoint could do (TRUNCATE degrades to a partial checkpoint). It
// reports whether the WAL was truncated. The checkpointer calls it when
// the WAL is long or idle (checkpoint.go); the retention job after a
// purge, so its deletions leave the WAL at once.
func (db *DB) CheckpointWAL(ctx context.Context) (bool, error) {
	return db.truncateWAL(ctx, nil)
}

// truncateWAL is CheckpointWAL; when wait is not nil it is called once
// the writer connection is held, before the checkpoint (the guard waits
// there for the checkpointer's passive checkpoint, checkpoint.go).
func (db *DB) truncateWAL(ctx context.Context, wait func()) (bool, error) {
	c, err := db.w.Conn(ctx)
	if err != nil {
		return false, translate(err)
	}
	defer c.Close()
	if wait != nil {
		wait()
	}
	if _, err := c.ExecContext(ctx, "PRAGMA busy_timeout = 100"); err != nil {
		return false, translate(err)
	}
	defer c.ExecContext(context.WithoutCancel(ctx), "PRAGMA busy_timeout = 5000")
	var busy, logPages, done int
	if err := c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
		return false, translate(err)
	}
	return busy == 0, nil
}

package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// Purge runs one retention round (store.Retention): one statement per
// kind, each deleting at most p.Batch rows. The candidates are locked
// FOR UPDATE SKIP LOCKED, so a row a request holds (a session being
// rotated, revoked) is left for the next round instead of waited for, and
// the purge holds its few hundred row locks for one short statement.
func (db *DB) Purge(ctx context.Context, p store.PurgeParams) (store.PurgeResult, error) {
	return sqlstore.Purge(p, func(k sqlstore.PurgeKind, before time.Time, batch int) (int, error) {
		if k.Orphan {
			// Session rows stay: each delete would run the foreign-key
			// trigger's scan of refresh_tokens (no index on session_id,
			// see sqlstore.EndedSessions), and only a superuser may turn
			// that trigger off.
			return 0, nil
		}
		q := "DELETE FROM " + k.Table + " WHERE " + k.Key + " IN (" + k.Select(" FOR UPDATE OF x SKIP LOCKED") + ")"
		tag, err := db.pool.Exec(ctx, q, codec{}.TimeArg(before), batch)
		if err != nil {
			return 0, fmt.Errorf("postgres: purge %s: %w", k.Table, translate(err))
		}
		return int(tag.RowsAffected()), nil
	})
}

package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
			return db.purgeSessions(ctx, k, before, batch)
		}
		q := "DELETE FROM " + k.Table + " WHERE " + k.Key + " IN (" + k.Select(" FOR UPDATE OF x SKIP LOCKED") + ")"
		tag, err := db.pool.Exec(ctx, q, codec{}.TimeArg(before), batch)
		if err != nil {
			return 0, fmt.Errorf("postgres: purge %s: %w", k.Table, translate(err))
		}
		return int(tag.RowsAffected()), nil
	})
}

// purgeSessions deletes ended session rows no token refers to
// (sqlstore.EndedSessions; migration 0012 dropped the foreign key whose
// per-row check would scan the token table). "No token refers to it" is
// a NOT EXISTS here, not sqlstore's NOT IN: PostgreSQL hashes a NOT IN
// subquery only while it fits in work_mem, and otherwise rescans it per
// candidate. Nested loops are off for the statement, so the anti-join
// reads refresh_tokens once per round (there is no index on session_id
// to loop over) whatever LIMIT makes the planner expect.
func (db *DB) purgeSessions(ctx context.Context, k sqlstore.PurgeKind, before time.Time, batch int) (int, error) {
	q := "DELETE FROM sessions WHERE id IN (SELECT x.id FROM sessions x WHERE " + k.Pred +
		" AND NOT EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.session_id = x.id) LIMIT $2 FOR UPDATE OF x SKIP LOCKED)"
	var n int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL enable_nestloop = off"); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, q, codec{}.TimeArg(before), batch)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: purge sessions: %w", translate(err))
	}
	return int(n), nil
}

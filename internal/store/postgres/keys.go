package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// RotateKeys retires current, promotes next and adds fresh as next, in one
// transaction. A transaction-scoped advisory lock per alg serialises
// replicas rotating at once: the second waits, then sees the first's result
// in its fresh READ COMMITTED snapshots and rotates once more, instead of
// promoting a key twice. The three steps go in one batch: one round trip.
func (db *DB) RotateKeys(ctx context.Context, alg string, fresh *store.Key, now, publishedBy time.Time) error {
	return translate(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('renova.signing_keys.' || $1, 0))", alg); err != nil {
			return err
		}
		var next bool
		if err := tx.QueryRow(ctx, sqlstore.HasNextKey, alg, store.KeyNext).Scan(&next); err != nil {
			return err
		}
		if !next {
			return store.ErrNotFound
		}
		if err := tx.QueryRow(ctx, sqlstore.HasOldNextKey, alg, store.KeyNext, codec{}.TimeArg(sqlstore.PublishedBy(publishedBy))).Scan(&next); err != nil {
			return err
		}
		if !next {
			return store.ErrKeyTooYoung
		}
		at := codec{}.TimeArg(now)
		b := &pgx.Batch{}
		b.Queue(sqlstore.RetireKeys, store.KeyRetired, at, alg, store.KeyCurrent)
		b.Queue(sqlstore.PromoteKeys, store.KeyCurrent, at, alg, store.KeyNext)
		b.Queue(sqlstore.InsertKey, sqlstore.FreshKeyArgs(fresh, codec{})...)
		return tx.SendBatch(ctx, b).Close()
	}))
}

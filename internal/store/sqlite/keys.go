package sqlite

import (
	"context"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// RotateKeys retires current, promotes next and adds fresh as next, in one
// IMMEDIATE transaction: the single writer serialises rotations.
func (db *DB) RotateKeys(ctx context.Context, alg string, fresh *store.Key, now, publishedBy time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	var next bool
	if err := tx.QueryRowContext(ctx, sqlstore.HasNextKey, alg, store.KeyNext).Scan(codec{}.Bool(&next)); err != nil {
		return translate(err)
	}
	if !next {
		return store.ErrNotFound
	}
	if err := tx.QueryRowContext(ctx, sqlstore.HasOldNextKey, alg, store.KeyNext, codec{}.TimeArg(sqlstore.PublishedBy(publishedBy))).Scan(codec{}.Bool(&next)); err != nil {
		return translate(err)
	}
	if !next {
		return store.ErrKeyTooYoung
	}
	at := codec{}.TimeArg(now)
	steps := []struct {
		q    string
		args []any
	}{
		{sqlstore.RetireKeys, []any{store.KeyRetired, at, alg, store.KeyCurrent}},
		{sqlstore.PromoteKeys, []any{store.KeyCurrent, at, alg, store.KeyNext}},
		{sqlstore.InsertKey, sqlstore.FreshKeyArgs(fresh, codec{})},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return translate(err)
		}
	}
	return translate(tx.Commit())
}

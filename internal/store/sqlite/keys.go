package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

const keyCols = "id, alg, state, public_jwk, private_key, created_at, activated_at, retired_at"

// CreateKey stores a signing key.
func (db *DB) CreateKey(ctx context.Context, k *store.Key) error {
	_, err := db.w.ExecContext(ctx, "INSERT INTO signing_keys("+keyCols+") VALUES (?,?,?,?,?,?,?,?)",
		k.ID, k.Alg, k.State, k.Public, k.Private, micro(k.CreatedAt), micro(k.ActivatedAt), micro(k.RetiredAt))
	return translate(err)
}

// ListKeys lists every key, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]*store.Key, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+keyCols+" FROM signing_keys ORDER BY created_at, id")
	return collect(rows, err, scanKey)
}

// RotateKeys retires current, promotes next and adds fresh as next.
func (db *DB) RotateKeys(ctx context.Context, alg string, fresh *store.Key, now time.Time) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	var next int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM signing_keys WHERE alg = ? AND state = ?", alg, store.KeyNext).Scan(&next); err != nil {
		return translate(err)
	}
	if next == 0 {
		return store.ErrNotFound
	}
	steps := []struct {
		q    string
		args []any
	}{
		{"UPDATE signing_keys SET state = ?, retired_at = ? WHERE alg = ? AND state = ?", []any{store.KeyRetired, micro(now), alg, store.KeyCurrent}},
		{"UPDATE signing_keys SET state = ?, activated_at = ? WHERE alg = ? AND state = ?", []any{store.KeyCurrent, micro(now), alg, store.KeyNext}},
		{"INSERT INTO signing_keys(" + keyCols + ") VALUES (?,?,?,?,?,?,?,?)", []any{fresh.ID, fresh.Alg, store.KeyNext, fresh.Public, fresh.Private, micro(fresh.CreatedAt), nil, nil}},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return translate(err)
		}
	}
	return translate(tx.Commit())
}

func scanKey(s scanner) (*store.Key, error) {
	var k store.Key
	var created, activated, retired sql.NullInt64
	if err := s.Scan(&k.ID, &k.Alg, &k.State, &k.Public, &k.Private, &created, &activated, &retired); err != nil {
		return nil, translate(err)
	}
	k.CreatedAt, k.ActivatedAt, k.RetiredAt = fromMicro(created), fromMicro(activated), fromMicro(retired)
	return &k, nil
}

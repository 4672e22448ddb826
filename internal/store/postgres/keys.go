package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
)

const keyCols = "id, alg, state, public_jwk, private_key, created_at, activated_at, retired_at"

// CreateKey stores a signing key.
func (db *DB) CreateKey(ctx context.Context, k *store.Key) error {
	_, err := db.pool.Exec(ctx, "INSERT INTO signing_keys("+keyCols+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
		k.ID, k.Alg, k.State, k.Public, k.Private, tstz(k.CreatedAt), tstz(k.ActivatedAt), tstz(k.RetiredAt))
	return translate(err)
}

// ListKeys lists every key, oldest first.
func (db *DB) ListKeys(ctx context.Context) ([]*store.Key, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+keyCols+" FROM signing_keys ORDER BY created_at, id")
	return collect(rows, err, scanKey)
}

// RotateKeys retires current, promotes next and adds fresh as next, in one
// transaction. A transaction-scoped advisory lock per alg serialises
// replicas rotating at once: the second waits, then sees the first's result
// in its fresh READ COMMITTED snapshots and rotates once more, instead of
// promoting a key twice.
func (db *DB) RotateKeys(ctx context.Context, alg string, fresh *store.Key, now time.Time) error {
	return translate(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('renova.signing_keys.' || $1, 0))", alg); err != nil {
			return err
		}
		var next bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM signing_keys WHERE alg = $1 AND state = $2)", alg, store.KeyNext).Scan(&next); err != nil {
			return err
		}
		if !next {
			return store.ErrNotFound
		}
		b := &pgx.Batch{}
		b.Queue("UPDATE signing_keys SET state = $1, retired_at = $2 WHERE alg = $3 AND state = $4", store.KeyRetired, tstz(now), alg, store.KeyCurrent)
		b.Queue("UPDATE signing_keys SET state = $1, activated_at = $2 WHERE alg = $3 AND state = $4", store.KeyCurrent, tstz(now), alg, store.KeyNext)
		b.Queue("INSERT INTO signing_keys("+keyCols+") VALUES ($1,$2,$3,$4,$5,$6,NULL,NULL)",
			fresh.ID, fresh.Alg, store.KeyNext, fresh.Public, fresh.Private, tstz(fresh.CreatedAt))
		return tx.SendBatch(ctx, b).Close()
	}))
}

func scanKey(s scanner) (*store.Key, error) {
	var k store.Key
	if err := s.Scan(&k.ID, &k.Alg, &k.State, &k.Public, &k.Private,
		at(&k.CreatedAt), at(&k.ActivatedAt), at(&k.RetiredAt)); err != nil {
		return nil, translate(err)
	}
	return &k, nil
}

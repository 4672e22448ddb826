package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// Revocations that deletions run first, in their transaction. Like
// RevokeSessions they lock the rows in id order, so they cannot deadlock
// with another bulk revocation of the same sessions.
const (
	revokeUserSessionsSQL = `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE id IN (
		SELECT id FROM sessions WHERE revoked_at IS NULL AND user_id = $3 ORDER BY id FOR NO KEY UPDATE)`
	revokeUserBrowsersSQL = `UPDATE browser_sessions SET revoked_at = $1 WHERE id IN (
		SELECT id FROM browser_sessions WHERE revoked_at IS NULL AND user_id = $2 ORDER BY id FOR NO KEY UPDATE)`
	revokeClientSessionsSQL = `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE id IN (
		SELECT id FROM sessions WHERE revoked_at IS NULL AND client_id = $3 ORDER BY id FOR NO KEY UPDATE)`
)

// DeleteUser revokes the user's sessions and browser sessions and removes
// the user in one transaction.
func (db *DB) DeleteUser(ctx context.Context, id string, now time.Time) error {
	at := codec{}.TimeArg(now)
	return db.inTx(ctx, func(tx pgx.Tx) (int64, error) {
		if _, err := tx.Exec(ctx, revokeUserSessionsSQL, at, "user_deleted", id); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, revokeUserBrowsersSQL, at, id); err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, sqlstore.DeleteUserSQL, id)
		return tag.RowsAffected(), err
	})
}

// DeleteClient revokes the client's sessions and removes the client in
// one transaction.
func (db *DB) DeleteClient(ctx context.Context, id string, now time.Time) error {
	return db.inTx(ctx, func(tx pgx.Tx) (int64, error) {
		if _, err := tx.Exec(ctx, revokeClientSessionsSQL, codec{}.TimeArg(now), "client_deleted", id); err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, sqlstore.DeleteClientSQL, id)
		return tag.RowsAffected(), err
	})
}

// errNothing rolls back a transaction that removed no row.
var errNothing = store.ErrNotFound

// inTx runs fn in a transaction and commits it when fn removed a row;
// none removed is store.ErrNotFound, rolled back, so nothing changed.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) (int64, error)) error {
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n, err := fn(tx)
		if err == nil && n == 0 {
			return errNothing
		}
		return err
	})
	return translate(err)
}

package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// Revocations that deletions run first, in their transaction.
const (
	revokeUserSessionsSQL   = "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE revoked_at IS NULL AND user_id = $3"
	revokeUserBrowsersSQL   = "UPDATE browser_sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id = $2"
	revokeClientSessionsSQL = "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE revoked_at IS NULL AND client_id = $3"
)

// DeleteUser revokes the user's sessions and browser sessions and removes
// the user in one transaction of the single writer.
func (db *DB) DeleteUser(ctx context.Context, id string, now time.Time) error {
	at := codec{}.TimeArg(now)
	return db.inTx(ctx, func(tx *sql.Tx) (int64, error) {
		if _, err := tx.ExecContext(ctx, revokeUserSessionsSQL, at, "user_deleted", id); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, revokeUserBrowsersSQL, at, id); err != nil {
			return 0, err
		}
		return rowsAffected(tx.ExecContext(ctx, sqlstore.DeleteUserSQL, id))
	})
}

// DeleteClient revokes the client's sessions and removes the client in
// one transaction of the single writer.
func (db *DB) DeleteClient(ctx context.Context, id string, now time.Time) error {
	return db.inTx(ctx, func(tx *sql.Tx) (int64, error) {
		if _, err := tx.ExecContext(ctx, revokeClientSessionsSQL, codec{}.TimeArg(now), "client_deleted", id); err != nil {
			return 0, err
		}
		return rowsAffected(tx.ExecContext(ctx, sqlstore.DeleteClientSQL, id))
	})
}

// inTx runs fn in a writer transaction and commits it when fn removed a
// row; none removed is store.ErrNotFound, rolled back, so nothing changed.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) (int64, error)) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	n, err := fn(tx)
	if err != nil {
		return translate(err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return translate(tx.Commit())
}

// rowsAffected is how many rows a statement changed.
func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

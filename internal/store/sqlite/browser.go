package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// CreateBrowserSession, BrowserSessionByHash, CreateAuthCode and
// SetAuthCodeSession are one plain statement each: sqlstore.Admin's.

// RevokeBrowserSessions ends the live browser sessions matching f and
// returns how many it ended; sessions already revoked keep their time. The
// single writer runs one UPDATE at a time, so there is nothing to lock.
func (db *DB) RevokeBrowserSessions(ctx context.Context, f store.BrowserFilter, now time.Time) (int, error) {
	where, args, err := sqlstore.BrowserWhere(f, []any{codec{}.TimeArg(now)})
	if err != nil {
		return 0, err
	}
	res, err := db.w.ExecContext(ctx, "UPDATE browser_sessions SET revoked_at = $1 WHERE revoked_at IS NULL AND "+where, args...)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// claimCodeSQL marks an unused code used; no row means unknown or used.
const claimCodeSQL = "UPDATE auth_codes SET used_at = $1 WHERE hash = $2 AND used_at IS NULL RETURNING " + sqlstore.AuthCodeCols

// ClaimAuthCode marks the code used at now and returns it, in one
// IMMEDIATE transaction of the single writer: concurrent redemptions of
// one code queue there, and only the first finds it unused. A code used
// already comes back as stored, with store.ErrConflict; an unknown one is
// store.ErrNotFound.
func (db *DB) ClaimAuthCode(ctx context.Context, hash []byte, now time.Time) (*store.AuthCode, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	code, err := sqlstore.ScanAuthCode(tx.QueryRowContext(ctx, claimCodeSQL, codec{}.TimeArg(now), hash), codec{})
	if err == nil {
		return code, translate(tx.Commit())
	}
	if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	code, err = sqlstore.ScanAuthCode(tx.QueryRowContext(ctx, sqlstore.AuthCodeByHash, hash), codec{})
	if err != nil {
		return nil, err // store.ErrNotFound: no such code
	}
	return code, store.ErrConflict
}

package postgres

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
// returns how many it ended; sessions already revoked keep their time.
// Like RevokeSessions it locks the rows in id order first, so that two
// revocations of one user's sessions (logout racing a password change)
// cannot deadlock, and a row revoked meanwhile is re-checked and not
// counted.
func (db *DB) RevokeBrowserSessions(ctx context.Context, f store.BrowserFilter, now time.Time) (int, error) {
	where, args, err := sqlstore.BrowserWhere(f, []any{codec{}.TimeArg(now)})
	if err != nil {
		return 0, err
	}
	tag, err := db.pool.Exec(ctx, `UPDATE browser_sessions SET revoked_at = $1 WHERE id IN (
		SELECT id FROM browser_sessions WHERE revoked_at IS NULL AND `+where+` ORDER BY id FOR NO KEY UPDATE)`, args...)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
}

// claimCodeSQL marks an unused code used. Concurrent claims of one code
// queue on its row lock; under READ COMMITTED each later one re-checks
// used_at against the committed row, finds it set and updates nothing, so
// exactly one claim returns a row.
const claimCodeSQL = "UPDATE auth_codes SET used_at = $1 WHERE hash = $2 AND used_at IS NULL RETURNING " + sqlstore.AuthCodeCols

// ClaimAuthCode marks the code used at now and returns it, in one
// statement (claimCodeSQL). When it claims nothing, a second read tells a
// used code (returned as stored, with store.ErrConflict) from an unknown
// one (store.ErrNotFound); that read runs after the winner committed, so
// it sees the winner's used_at.
func (db *DB) ClaimAuthCode(ctx context.Context, hash []byte, now time.Time) (*store.AuthCode, error) {
	code, err := sqlstore.ScanAuthCode(db.pool.QueryRow(ctx, claimCodeSQL, codec{}.TimeArg(now), hash), codec{})
	if !errors.Is(err, store.ErrNotFound) {
		return code, err
	}
	code, err = sqlstore.ScanAuthCode(db.pool.QueryRow(ctx, sqlstore.AuthCodeByHash, hash), codec{})
	if err != nil {
		return nil, err
	}
	return code, store.ErrConflict
}

package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// CreateSession stores s and its first refresh token in one statement, so
// neither exists without the other. The token's foreign key is checked at
// the end of the statement, when the session row is there.
func (db *DB) CreateSession(ctx context.Context, s *store.Session, first *store.RefreshToken) error {
	_, err := db.pool.Exec(ctx, `WITH s AS (
		INSERT INTO sessions(`+sqlstore.SessionCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16))
		INSERT INTO refresh_tokens(`+sqlstore.TokenCols+`) VALUES ($17,$18,$19,$20,$21,$22)`,
		append(sqlstore.SessionArgs(s, codec{}), sqlstore.TokenArgs(first, codec{})...)...)
	return translate(err)
}

// rotateSQL locks the token's session, claims the token, bumps the session
// and inserts the successor in one statement: one round trip, one implicit
// transaction, no in-process lock.
//
// live locks the session row (FOR NO KEY UPDATE, which does not block the
// foreign-key checks of concurrent inserts). Whoever waits for that lock
// has the row's WHERE clause re-evaluated by PostgreSQL against the newest
// version once the holder commits (EvalPlanQual under READ COMMITTED), so a
// revocation or expiry committed meanwhile makes Rotate claim nothing, and a
// revocation that comes later waits for Rotate: a successful Rotate always
// found its session live, as with SQLite's single writer.
//
// N callers presenting one token queue on that lock. The first claims the
// token; for each later one, claimed finds the token unused in its
// snapshot, but the row was updated by a committed transaction, so
// PostgreSQL re-checks it, sees used_at set and skips it. They get no row
// (store.ErrNotClaimed), never a serialization or unique error. The new
// generation comes from the claimed token, so no update is lost. Every
// Rotate locks session then token, so Rotates cannot deadlock; the unique
// index on parent_hash makes a second successor impossible whatever
// happens.
const rotateSQL = `WITH live AS (
	SELECT s.id FROM sessions s
	WHERE s.id = (SELECT session_id FROM refresh_tokens WHERE hash = $1)
		AND s.client_id = $2 AND s.revoked_at IS NULL
		AND s.idle_expires_at > $3 AND s.expires_at > $3
	FOR NO KEY UPDATE
), claimed AS (
	UPDATE refresh_tokens t SET used_at = $3
	FROM live
	WHERE t.hash = $1 AND t.used_at IS NULL AND t.session_id = live.id
	RETURNING t.session_id, t.generation
), touched AS (
	UPDATE sessions SET generation = claimed.generation + 1, last_used_at = $3,
		idle_expires_at = least($4, sessions.expires_at)
	FROM claimed WHERE sessions.id = claimed.session_id
	RETURNING sessions.*
), ins AS (
	INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at)
	SELECT $5::bytea, id, $1, generation, $3 FROM touched
)
SELECT ` + sqlstore.SessionCols + ` FROM touched`

// Rotate claims the token p.Hash and stores p.NextHash as its only
// successor, in one statement (see rotateSQL). It returns the session as
// updated, or store.ErrNotClaimed when the token is unknown, used, or its
// session is revoked, expired or another client's.
func (db *DB) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	row := db.pool.QueryRow(ctx, rotateSQL, p.Hash, p.ClientID, p.Now, p.IdleUntil, p.NextHash)
	s, err := sqlstore.ScanSession(row, codec{})
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.ErrNotClaimed
	}
	return s, err
}

// refreshStateSQL reads a token, its session and its successor with one
// statement, hence from one snapshot.
const refreshStateSQL = `SELECT t.hash, t.session_id, t.parent_hash, t.generation, t.created_at, t.used_at,
	s.id, s.tenant_id, s.user_id, s.client_id, s.scope, s.generation, s.created_at, s.last_used_at,
	s.idle_expires_at, s.expires_at, s.ip, s.user_agent, s.revoked_at, s.revoke_reason, s.browser_id, s.auth_time,
	c.hash, c.session_id, c.parent_hash, c.generation, c.created_at, c.used_at
FROM refresh_tokens t
JOIN sessions s ON s.id = t.session_id
LEFT JOIN refresh_tokens c ON c.parent_hash = t.hash
WHERE t.hash = $1`

// RefreshState reads the token, its session and its successor in one
// consistent snapshot; an unknown token is store.ErrNotFound.
func (db *DB) RefreshState(ctx context.Context, hash []byte) (*store.RefreshState, error) {
	var tok, child store.RefreshToken
	var sess store.Session
	var childSession *string
	var childGen *int64
	// 28 destinations: the token's 6 columns, the session's 16, the child's 6.
	dest := sqlstore.TokenDest(make([]any, 0, 28), &tok, codec{})
	dest = sqlstore.SessionDest(dest, &sess, codec{})
	dest = append(dest, &child.Hash, &childSession, &child.ParentHash, &childGen,
		codec{}.Time(&child.CreatedAt), codec{}.Time(&child.UsedAt))
	if err := db.pool.QueryRow(ctx, refreshStateSQL, hash).Scan(dest...); err != nil {
		return nil, translate(err)
	}
	st := &store.RefreshState{Token: &tok, Session: &sess}
	if child.Hash != nil {
		child.SessionID, child.Generation = *childSession, *childGen
		st.Child = &child
	}
	return st, nil
}

// GetSession reads a session by id.
func (db *DB) GetSession(ctx context.Context, id string) (*store.Session, error) {
	return sqlstore.ScanSession(db.pool.QueryRow(ctx, sqlstore.SessionByID, id), codec{})
}

// RevokeSessions revokes every live session matching f. It locks the rows
// in id order first, so two bulk revocations over overlapping sessions
// (log out everywhere racing a password change) cannot deadlock; a session
// revoked concurrently is re-checked by PostgreSQL and not counted.
func (db *DB) RevokeSessions(ctx context.Context, f store.SessionFilter, reason string, now time.Time) (int, error) {
	f.Active = false
	where, args := sqlstore.SessionWhere(f, codec{}, []any{codec{}.TimeArg(now), reason})
	tag, err := db.pool.Exec(ctx, `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE id IN (
		SELECT id FROM sessions WHERE revoked_at IS NULL AND `+where+` ORDER BY id FOR NO KEY UPDATE)`, args...)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
}

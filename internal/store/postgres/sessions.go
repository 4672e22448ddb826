package postgres

import (
	"context"
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

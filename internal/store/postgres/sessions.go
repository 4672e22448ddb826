package postgres

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

const sessionCols = "id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at, ip, user_agent, revoked_at, revoke_reason"

const tokenCols = "hash, session_id, parent_hash, generation, created_at, used_at"

// CreateSession stores s and its first refresh token in one statement, so
// neither exists without the other. The token's foreign key is checked at
// the end of the statement, when the session row is there.
func (db *DB) CreateSession(ctx context.Context, s *store.Session, first *store.RefreshToken) error {
	_, err := db.pool.Exec(ctx, `WITH s AS (
		INSERT INTO sessions(`+sessionCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14))
		INSERT INTO refresh_tokens(`+tokenCols+`) VALUES ($15,$16,$17,$18,$19,$20)`,
		s.ID, s.TenantID, s.UserID, s.ClientID, s.Scope, s.Generation, tstz(s.CreatedAt), tstz(s.LastUsedAt),
		tstz(s.IdleExpiresAt), tstz(s.ExpiresAt), s.IP, s.UserAgent, tstz(s.RevokedAt), s.RevokeReason,
		first.Hash, first.SessionID, first.ParentHash, first.Generation, tstz(first.CreatedAt), tstz(first.UsedAt))
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
SELECT ` + sessionCols + ` FROM touched`

// Rotate claims the token p.Hash and stores p.NextHash as its only
// successor, in one statement (see rotateSQL). It returns the session as
// updated, or store.ErrNotClaimed when the token is unknown, used, or its
// session is revoked, expired or another client's.
func (db *DB) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	s, err := scanSession(db.pool.QueryRow(ctx, rotateSQL, p.Hash, p.ClientID, p.Now, p.IdleUntil, p.NextHash))
	if errors.Is(err, store.ErrNotFound) {
		return nil, store.ErrNotClaimed
	}
	return s, err
}

// refreshStateSQL reads a token, its session and its successor with one
// statement, hence from one snapshot.
const refreshStateSQL = `SELECT t.hash, t.session_id, t.parent_hash, t.generation, t.created_at, t.used_at,
	s.id, s.tenant_id, s.user_id, s.client_id, s.scope, s.generation, s.created_at, s.last_used_at,
	s.idle_expires_at, s.expires_at, s.ip, s.user_agent, s.revoked_at, s.revoke_reason,
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
	dest := append(tokenDest(&tok), sessionDest(&sess)...)
	dest = append(dest, &child.Hash, &childSession, &child.ParentHash, &childGen, at(&child.CreatedAt), at(&child.UsedAt))
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
	return scanSession(db.pool.QueryRow(ctx, "SELECT "+sessionCols+" FROM sessions WHERE id = $1", id))
}

// ListSessions lists the sessions matching f, newest first.
func (db *DB) ListSessions(ctx context.Context, f store.SessionFilter) ([]*store.Session, error) {
	where, args := sessionWhere(f, nil)
	q := "SELECT " + sessionCols + " FROM sessions WHERE " + where + " ORDER BY created_at DESC, id"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	rows, err := db.pool.Query(ctx, q, args...)
	return collect(rows, err, scanSession)
}

// RevokeSession revokes one session, keeping an earlier revocation as is.
func (db *DB) RevokeSession(ctx context.Context, id, reason string, now time.Time) error {
	return db.update(ctx, `UPDATE sessions SET revoked_at = coalesce(revoked_at, $1),
		revoke_reason = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoke_reason END WHERE id = $3`,
		tstz(now), reason, id)
}

// RevokeSessions revokes every live session matching f. It locks the rows
// in id order first, so two bulk revocations over overlapping sessions
// (log out everywhere racing a password change) cannot deadlock; a session
// revoked concurrently is re-checked by PostgreSQL and not counted.
func (db *DB) RevokeSessions(ctx context.Context, f store.SessionFilter, reason string, now time.Time) (int, error) {
	f.Active = false
	where, args := sessionWhere(f, []any{tstz(now), reason})
	tag, err := db.pool.Exec(ctx, `UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE id IN (
		SELECT id FROM sessions WHERE revoked_at IS NULL AND `+where+` ORDER BY id FOR NO KEY UPDATE)`, args...)
	if err != nil {
		return 0, translate(err)
	}
	return int(tag.RowsAffected()), nil
}

// sessionWhere builds the WHERE clause of a session filter; its
// placeholders continue after args, which it returns extended.
func sessionWhere(f store.SessionFilter, args []any) (string, []any) {
	where := "true"
	add := func(cond string, v any) {
		args = append(args, v)
		where += " AND " + cond + " $" + strconv.Itoa(len(args))
	}
	if f.TenantID != "" {
		add("tenant_id =", f.TenantID)
	}
	if f.UserID != "" {
		add("user_id =", f.UserID)
	}
	if f.ClientID != "" {
		add("client_id =", f.ClientID)
	}
	if f.ExceptSession != "" {
		add("id <>", f.ExceptSession)
	}
	if f.Active {
		where += " AND revoked_at IS NULL"
		add("idle_expires_at >", tstz(f.Now))
		add("expires_at >", tstz(f.Now))
	}
	return where, args
}

// sessionDest lists scan destinations for sessionCols.
func sessionDest(v *store.Session) []any {
	return []any{&v.ID, &v.TenantID, &v.UserID, &v.ClientID, &v.Scope, &v.Generation,
		at(&v.CreatedAt), at(&v.LastUsedAt), at(&v.IdleExpiresAt), at(&v.ExpiresAt),
		&v.IP, &v.UserAgent, at(&v.RevokedAt), &v.RevokeReason}
}

// tokenDest lists scan destinations for tokenCols.
func tokenDest(t *store.RefreshToken) []any {
	return []any{&t.Hash, &t.SessionID, &t.ParentHash, &t.Generation, at(&t.CreatedAt), at(&t.UsedAt)}
}

func scanSession(s scanner) (*store.Session, error) {
	var v store.Session
	if err := s.Scan(sessionDest(&v)...); err != nil {
		return nil, translate(err)
	}
	return &v, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

const sessionCols = "id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at, ip, user_agent, revoked_at, revoke_reason"

const tokenCols = "hash, session_id, parent_hash, generation, created_at, used_at"

// CreateSession stores s and its first refresh token in one transaction.
func (db *DB) CreateSession(ctx context.Context, s *store.Session, first *store.RefreshToken) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "INSERT INTO sessions("+sessionCols+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		s.ID, s.TenantID, s.UserID, s.ClientID, s.Scope, s.Generation, micro(s.CreatedAt), micro(s.LastUsedAt),
		micro(s.IdleExpiresAt), micro(s.ExpiresAt), s.IP, s.UserAgent, micro(s.RevokedAt), s.RevokeReason); err != nil {
		return translate(err)
	}
	if err := insertToken(ctx, tx, first); err != nil {
		return err
	}
	return translate(tx.Commit())
}

func insertToken(ctx context.Context, tx *sql.Tx, t *store.RefreshToken) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO refresh_tokens("+tokenCols+") VALUES (?,?,?,?,?,?)",
		t.Hash, t.SessionID, t.ParentHash, t.Generation, micro(t.CreatedAt), micro(t.UsedAt))
	return translate(err)
}

// The three statements of a rotation, prepared once on the writer.
const (
	claimSQL = `UPDATE refresh_tokens SET used_at = ?
		WHERE hash = ? AND used_at IS NULL AND EXISTS (
			SELECT 1 FROM sessions s WHERE s.id = refresh_tokens.session_id AND s.client_id = ?
			AND s.revoked_at IS NULL AND s.idle_expires_at > ? AND s.expires_at > ?)
		RETURNING session_id, generation`
	touchSQL = `UPDATE sessions SET generation = ?, last_used_at = ?,
		idle_expires_at = min(?, expires_at) WHERE id = ? RETURNING ` + sessionCols
	insertTokenSQL = "INSERT INTO refresh_tokens(" + tokenCols + ") VALUES (?,?,?,?,?,?)"
)

// readerQueries are the read pool's prepared queries: the refresh path.
var readerQueries = []string{
	"SELECT " + tokenCols + " FROM refresh_tokens WHERE hash = ?",
	"SELECT " + sessionCols + " FROM sessions WHERE id = ?",
	"SELECT " + tokenCols + " FROM refresh_tokens WHERE parent_hash = ?",
	"SELECT " + clientCols + " FROM clients WHERE id = ?",
}

// writerQueries are the writer's prepared queries: a rotation and the
// audit batch that follows it.
var writerQueries = []string{claimSQL, touchSQL, insertTokenSQL, insertAuditSQL}

// Rotate claims the token and stores its successor in one IMMEDIATE
// transaction on the single writer connection, so concurrent presentations
// of one token queue here and exactly one of them claims it.
func (db *DB) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	now := micro(p.Now)
	var sessionID string
	var gen int64
	claim, err := db.ws.in(ctx, tx, claimSQL)
	if err != nil {
		return nil, err
	}
	err = claim.QueryRowContext(ctx, now, p.Hash, p.ClientID, now, now).Scan(&sessionID, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotClaimed
	}
	if err != nil {
		return nil, translate(err)
	}
	touch, err := db.ws.in(ctx, tx, touchSQL)
	if err != nil {
		return nil, err
	}
	s, err := scanSession(touch.QueryRowContext(ctx, gen+1, now, micro(p.IdleUntil), sessionID))
	if err != nil {
		return nil, err
	}
	ins, err := db.ws.in(ctx, tx, insertTokenSQL)
	if err != nil {
		return nil, err
	}
	if _, err := ins.ExecContext(ctx, p.NextHash, sessionID, p.Hash, gen+1, now, nil); err != nil {
		return nil, translate(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, translate(err)
	}
	return s, nil
}

// RefreshState reads the token, its session and its successor.
func (db *DB) RefreshState(ctx context.Context, hash []byte) (*store.RefreshState, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	q := func(query string, args ...any) scanner {
		st, err := db.rs.in(ctx, tx, query)
		if err != nil {
			return errRow{err}
		}
		return st.QueryRowContext(ctx, args...)
	}
	tok, err := scanToken(q("SELECT "+tokenCols+" FROM refresh_tokens WHERE hash = ?", hash))
	if err != nil {
		return nil, err
	}
	s, err := scanSession(q("SELECT "+sessionCols+" FROM sessions WHERE id = ?", tok.SessionID))
	if err != nil {
		return nil, err
	}
	st := &store.RefreshState{Token: tok, Session: s}
	child, err := scanToken(q("SELECT "+tokenCols+" FROM refresh_tokens WHERE parent_hash = ?", hash))
	switch {
	case err == nil:
		st.Child = child
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return st, nil
}

// GetSession reads a session by id.
func (db *DB) GetSession(ctx context.Context, id string) (*store.Session, error) {
	return scanSession(db.rs.row(ctx, "SELECT "+sessionCols+" FROM sessions WHERE id = ?", id))
}

// ListSessions lists the sessions matching f, newest first.
func (db *DB) ListSessions(ctx context.Context, f store.SessionFilter) ([]*store.Session, error) {
	where, args := sessionWhere(f)
	q := "SELECT " + sessionCols + " FROM sessions WHERE " + where + " ORDER BY created_at DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	return collect(rows, err, scanSession)
}

// RevokeSession revokes one session, keeping an earlier revocation as is.
func (db *DB) RevokeSession(ctx context.Context, id, reason string, now time.Time) error {
	res, err := db.w.ExecContext(ctx, `UPDATE sessions SET revoked_at = coalesce(revoked_at, ?),
		revoke_reason = CASE WHEN revoked_at IS NULL THEN ? ELSE revoke_reason END WHERE id = ?`, micro(now), reason, id)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// RevokeSessions revokes every live session matching f.
func (db *DB) RevokeSessions(ctx context.Context, f store.SessionFilter, reason string, now time.Time) (int, error) {
	f.Active = false
	where, args := sessionWhere(f)
	res, err := db.w.ExecContext(ctx, "UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE revoked_at IS NULL AND "+where,
		append([]any{micro(now), reason}, args...)...)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// sessionWhere builds the WHERE clause of a session filter.
func sessionWhere(f store.SessionFilter) (string, []any) {
	where, args := "1 = 1", []any{}
	add := func(cond string, v any) {
		where += " AND " + cond
		args = append(args, v)
	}
	if f.TenantID != "" {
		add("tenant_id = ?", f.TenantID)
	}
	if f.UserID != "" {
		add("user_id = ?", f.UserID)
	}
	if f.ClientID != "" {
		add("client_id = ?", f.ClientID)
	}
	if f.ExceptSession != "" {
		add("id <> ?", f.ExceptSession)
	}
	if f.Active {
		where += " AND revoked_at IS NULL"
		add("idle_expires_at > ?", micro(f.Now))
		add("expires_at > ?", micro(f.Now))
	}
	return where, args
}

func scanSession(s scanner) (*store.Session, error) {
	var v store.Session
	var created, used, idle, exp, revoked sql.NullInt64
	if err := s.Scan(&v.ID, &v.TenantID, &v.UserID, &v.ClientID, &v.Scope, &v.Generation, &created, &used,
		&idle, &exp, &v.IP, &v.UserAgent, &revoked, &v.RevokeReason); err != nil {
		return nil, translate(err)
	}
	v.CreatedAt, v.LastUsedAt, v.IdleExpiresAt = fromMicro(created), fromMicro(used), fromMicro(idle)
	v.ExpiresAt, v.RevokedAt = fromMicro(exp), fromMicro(revoked)
	return &v, nil
}

func scanToken(s scanner) (*store.RefreshToken, error) {
	var t store.RefreshToken
	var created, used sql.NullInt64
	if err := s.Scan(&t.Hash, &t.SessionID, &t.ParentHash, &t.Generation, &created, &used); err != nil {
		return nil, translate(err)
	}
	t.CreatedAt, t.UsedAt = fromMicro(created), fromMicro(used)
	return &t, nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// CreateSession stores s and its first refresh token in one transaction.
func (db *DB) CreateSession(ctx context.Context, s *store.Session, first *store.RefreshToken) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, sqlstore.InsertSession, sqlstore.SessionArgs(s, codec{})...); err != nil {
		return translate(err)
	}
	ins := tx.StmtContext(ctx, db.ws.insertToken)
	if _, err := ins.ExecContext(ctx, sqlstore.TokenArgs(first, codec{})...); err != nil {
		return translate(err)
	}
	return translate(tx.Commit())
}

// Rotate claims the token and stores its successor in one IMMEDIATE
// transaction on the single writer connection, so concurrent presentations
// of one token queue here and exactly one of them claims it. It runs the
// writer's three prepared statements: claim, touch, insertToken.
func (db *DB) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	now := codec{}.TimeArg(p.Now) // encoded once, bound four times
	var sessionID string
	var gen int64
	err = tx.StmtContext(ctx, db.ws.claim).QueryRowContext(ctx, now, p.Hash, p.ClientID, now, now).Scan(&sessionID, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotClaimed
	}
	if err != nil {
		return nil, translate(err)
	}
	touch := tx.StmtContext(ctx, db.ws.touch)
	s, err := sqlstore.ScanSession(touch.QueryRowContext(ctx, gen+1, now, codec{}.TimeArg(p.IdleUntil), sessionID), codec{})
	if err != nil {
		return nil, err
	}
	ins := tx.StmtContext(ctx, db.ws.insertToken)
	if _, err := ins.ExecContext(ctx, p.NextHash, sessionID, p.Hash, gen+1, now, nil); err != nil {
		return nil, translate(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, translate(err)
	}
	return s, nil
}

// RefreshState reads the token, its session and its successor in one
// read-only transaction of the read pool, hence from one WAL snapshot.
func (db *DB) RefreshState(ctx context.Context, hash []byte) (*store.RefreshState, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, translate(err)
	}
	defer tx.Rollback()
	tok, err := sqlstore.ScanToken(tx.StmtContext(ctx, db.rs.token).QueryRowContext(ctx, hash), codec{})
	if err != nil {
		return nil, err
	}
	s, err := sqlstore.ScanSession(tx.StmtContext(ctx, db.rs.session).QueryRowContext(ctx, tok.SessionID), codec{})
	if err != nil {
		return nil, err
	}
	st := &store.RefreshState{Token: tok, Session: s}
	child, err := sqlstore.ScanToken(tx.StmtContext(ctx, db.rs.child).QueryRowContext(ctx, hash), codec{})
	switch {
	case err == nil:
		st.Child = child
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	return st, nil
}

// GetSession reads a session by id with the read pool's prepared
// statement (the one RefreshState uses).
func (db *DB) GetSession(ctx context.Context, id string) (*store.Session, error) {
	return sqlstore.ScanSession(db.rs.session.QueryRowContext(ctx, id), codec{})
}

// RevokeSessions revokes every live session matching f. The single writer
// runs one UPDATE at a time, so there is nothing to lock first.
func (db *DB) RevokeSessions(ctx context.Context, f store.SessionFilter, reason string, now time.Time) (int, error) {
	f.Active = false
	where, args := sqlstore.SessionWhere(f, codec{}, []any{codec{}.TimeArg(now), reason})
	res, err := db.w.ExecContext(ctx, "UPDATE sessions SET revoked_at = $1, revoke_reason = $2 WHERE revoked_at IS NULL AND "+where, args...)
	if err != nil {
		return 0, translate(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

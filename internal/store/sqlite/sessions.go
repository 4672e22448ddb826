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

// Rotate claims the token and stores its successor. Concurrent rotations
// are group-committed (rotateBatch): the caller waits for the one IMMEDIATE
// transaction on the single writer connection that holds its rotation, so
// concurrent presentations of one token are still claimed by exactly one
// of them.
func (db *DB) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	return db.rot.Rotate(ctx, p)
}

// rotateBatch runs every rotation of batch, in order, in one IMMEDIATE
// transaction on the writer and commits it once (issue 16). A token that
// cannot be claimed (used, revoked, expired, another client's, or claimed
// by an earlier member of this very batch) is that member's
// store.ErrNotClaimed and changes nothing; any other error rolls the whole
// batch back.
func (db *DB) rotateBatch(ctx context.Context, batch []*sqlstore.Rotation) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	st := rotateStmts{tx.StmtContext(ctx, db.ws.claim), tx.StmtContext(ctx, db.ws.touch), tx.StmtContext(ctx, db.ws.insertToken)}
	for _, r := range batch {
		r.Session, r.Err = st.rotate(ctx, r.P)
		if r.Err != nil && !errors.Is(r.Err, store.ErrNotClaimed) {
			return r.Err
		}
	}
	if err := db.breakCommit.Load(); err != nil {
		return *err
	}
	return translate(tx.Commit())
}

// rotateStmts are the writer's three rotation statements bound to one
// transaction.
type rotateStmts struct{ claim, touch, insertToken *sql.Stmt }

// rotate claims p.Hash, bumps its session and inserts the successor.
func (st rotateStmts) rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	now := codec{}.TimeArg(p.Now) // encoded once, bound four times
	var sessionID string
	var gen int64
	err := st.claim.QueryRowContext(ctx, now, p.NextHash, p.Hash, p.ClientID, now, now).Scan(&sessionID, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotClaimed
	}
	if err != nil {
		return nil, translate(err)
	}
	s, err := sqlstore.ScanSession(st.touch.QueryRowContext(ctx, gen+1, now, codec{}.TimeArg(p.IdleUntil), sessionID), codec{})
	if err != nil {
		return nil, err
	}
	if _, err := st.insertToken.ExecContext(ctx, p.NextHash, sessionID, p.Hash, gen+1, now, nil); err != nil {
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

// RotationBatches reports how many rotation batches ran and how many
// rotations they held (the server exports both as metrics).
func (db *DB) RotationBatches() (batches, rotations int64) { return db.rot.Stats() }

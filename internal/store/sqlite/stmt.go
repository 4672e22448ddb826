package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// The statements prepared once per pool. Parsing SQL was a third of a
// rotation's CPU time (BenchmarkRotate profile). They use anonymous ?
// placeholders: the driver binds those by position, without fetching a
// parameter name per argument as it does for $N.
const (
	// claimSQL marks the token used, naming its successor, if it is unused
	// and its session is live, unexpired and the client's; no row means
	// not claimed.
	claimSQL = `UPDATE refresh_tokens SET used_at = ?, child_hash = ?
		WHERE hash = ? AND used_at IS NULL AND EXISTS (
			SELECT 1 FROM sessions s WHERE s.id = refresh_tokens.session_id AND s.client_id = ?
			AND s.revoked_at IS NULL AND s.idle_expires_at > ? AND s.expires_at > ?)
		RETURNING session_id, generation`
	// touchSQL bumps the session's generation and last use; the idle expiry
	// never passes the absolute one.
	touchSQL = `UPDATE sessions SET generation = ?, last_used_at = ?,
		idle_expires_at = min(?, expires_at) WHERE id = ? RETURNING ` + sqlstore.SessionCols
	// insertTokenSQL stores a refresh token (sqlstore.TokenArgs).
	insertTokenSQL = "INSERT INTO refresh_tokens(" + sqlstore.TokenCols + ") VALUES (?,?,?,?,?,?)"
	// insertAuditSQL stores an audit event (sqlstore.AuditCols).
	insertAuditSQL = "INSERT INTO audit_events(" + sqlstore.AuditCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"

	tokenByHashSQL = "SELECT " + sqlstore.TokenCols + " FROM refresh_tokens WHERE hash = ?"
	// tokenChildSQL reads the successor a claim named (migration 0013).
	tokenChildSQL  = "SELECT " + sqlstore.TokenCols + " FROM refresh_tokens WHERE hash = (SELECT child_hash FROM refresh_tokens WHERE hash = ?)"
	sessionByIDSQL = "SELECT " + sqlstore.SessionCols + " FROM sessions WHERE id = ?"
	clientByIDSQL  = "SELECT " + sqlstore.ClientCols + " FROM clients WHERE id = ?"
)

// writeStmts are the writer's prepared statements: a rotation, the audit
// batch that follows it, and a login's first token. They are all prepared
// when the store opens: preparing lazily inside a transaction would wait
// for a second connection the single writer does not have.
type writeStmts struct {
	claim, touch, insertToken, insertAudit *sql.Stmt
}

// readStmts are the read pool's prepared statements: the refresh path.
type readStmts struct {
	token, child, session, client *sql.Stmt
}

// namedStmt ties a statement's name and SQL to the field that holds it
// once prepared, so that code uses fields and a typo in SQL fails Open
// (and TestPreparedStatements) with the statement's name.
type namedStmt struct {
	name, sql string
	st        **sql.Stmt
}

// named lists the writer's statements.
func (s *writeStmts) named() []namedStmt {
	return []namedStmt{
		{"claim", claimSQL, &s.claim},
		{"touch", touchSQL, &s.touch},
		{"insertToken", insertTokenSQL, &s.insertToken},
		{"insertAudit", insertAuditSQL, &s.insertAudit},
	}
}

// named lists the read pool's statements.
func (s *readStmts) named() []namedStmt {
	return []namedStmt{
		{"tokenByHash", tokenByHashSQL, &s.token},
		{"tokenChild", tokenChildSQL, &s.child},
		{"sessionByID", sessionByIDSQL, &s.session},
		{"clientByID", clientByIDSQL, &s.client},
	}
}

// prepare prepares every statement of list on db; on failure it closes
// those it prepared.
func prepare(ctx context.Context, db *sql.DB, list []namedStmt) error {
	for _, n := range list {
		st, err := db.PrepareContext(ctx, n.sql)
		if err != nil {
			closeStmts(list)
			return fmt.Errorf("sqlite: prepare %s: %w", n.name, err)
		}
		*n.st = st
	}
	return nil
}

// closeStmts closes the prepared statements of list and clears their
// fields.
func closeStmts(list []namedStmt) error {
	var errs []error
	for _, n := range list {
		if *n.st != nil {
			errs = append(errs, (*n.st).Close())
			*n.st = nil
		}
	}
	return errors.Join(errs...)
}

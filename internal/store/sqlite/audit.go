package sqlite

import (
	"context"
	"database/sql"

	"github.com/renova-auth/renova/internal/store"
)

const auditCols = "time, tenant_id, actor, action, outcome, reason, session_id, client_id, user_id, ip, trace_id"

const insertAuditSQL = "INSERT INTO audit_events(" + auditCols + ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"

// AppendAudit stores events in one transaction.
func (db *DB) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	ins, err := db.ws.in(ctx, tx, insertAuditSQL)
	if err != nil {
		return err
	}
	for _, e := range events {
		if _, err := ins.ExecContext(ctx, micro(e.Time), e.TenantID, e.Actor, e.Action, e.Outcome, e.Reason,
			e.SessionID, e.ClientID, e.UserID, e.IP, e.TraceID); err != nil {
			return translate(err)
		}
	}
	return translate(tx.Commit())
}

// ListAudit lists events matching f, newest first.
func (db *DB) ListAudit(ctx context.Context, f store.AuditFilter) ([]*store.AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.r.QueryContext(ctx, "SELECT id, "+auditCols+` FROM audit_events
		WHERE (? = '' OR session_id = ?) AND (? = '' OR action = ?) ORDER BY id DESC LIMIT ?`,
		f.SessionID, f.SessionID, f.Action, f.Action, limit)
	return collect(rows, err, scanAudit)
}

func scanAudit(s scanner) (*store.AuditEvent, error) {
	var e store.AuditEvent
	var t sql.NullInt64
	if err := s.Scan(&e.ID, &t, &e.TenantID, &e.Actor, &e.Action, &e.Outcome, &e.Reason, &e.SessionID, &e.ClientID, &e.UserID, &e.IP, &e.TraceID); err != nil {
		return nil, translate(err)
	}
	e.Time = fromMicro(t)
	return &e, nil
}

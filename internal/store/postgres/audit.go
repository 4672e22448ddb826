package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
)

const auditCols = "time, tenant_id, actor, action, outcome, reason, session_id, client_id, user_id, ip, trace_id"

// AppendAudit stores events in one batch: one round trip, and one implicit
// transaction, so either every event is stored or none is.
func (db *DB) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range events {
		b.Queue("INSERT INTO audit_events("+auditCols+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
			tstz(e.Time), e.TenantID, e.Actor, e.Action, e.Outcome, e.Reason, e.SessionID, e.ClientID, e.UserID, e.IP, e.TraceID)
	}
	return translate(db.pool.SendBatch(ctx, b).Close())
}

// ListAudit lists events matching f, newest first; the default limit is 100.
func (db *DB) ListAudit(ctx context.Context, f store.AuditFilter) ([]*store.AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.pool.Query(ctx, "SELECT id, "+auditCols+` FROM audit_events
		WHERE ($1 = '' OR session_id = $1) AND ($2 = '' OR action = $2) ORDER BY id DESC LIMIT $3`,
		f.SessionID, f.Action, limit)
	return collect(rows, err, scanAudit)
}

func scanAudit(s scanner) (*store.AuditEvent, error) {
	var e store.AuditEvent
	if err := s.Scan(&e.ID, at(&e.Time), &e.TenantID, &e.Actor, &e.Action, &e.Outcome, &e.Reason,
		&e.SessionID, &e.ClientID, &e.UserID, &e.IP, &e.TraceID); err != nil {
		return nil, translate(err)
	}
	return &e, nil
}

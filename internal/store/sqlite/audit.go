package sqlite

import (
	"context"

	"github.com/renova-auth/renova/internal/store"
)

// AppendAudit stores events in one transaction, with the writer's prepared
// insertAudit: a rotation's audit event follows it on the same path. The
// arguments are listed here rather than built by sqlstore.AuditArgs,
// which would allocate a slice per event on that path.
func (db *DB) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return translate(err)
	}
	defer tx.Rollback()
	ins := tx.StmtContext(ctx, db.ws.insertAudit)
	for _, e := range events {
		if _, err := ins.ExecContext(ctx, codec{}.TimeArg(e.Time), e.TenantID, e.Actor, e.Action, e.Outcome, e.Reason,
			e.SessionID, e.ClientID, e.UserID, e.IP, e.TraceID); err != nil {
			return translate(err)
		}
	}
	return translate(tx.Commit())
}

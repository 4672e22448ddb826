package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// AppendAudit stores events in one batch: one round trip, and one implicit
// transaction, so either every event is stored or none is.
func (db *DB) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, e := range events {
		b.Queue(sqlstore.InsertAudit, sqlstore.AuditArgs(e, codec{})...)
	}
	return translate(db.pool.SendBatch(ctx, b).Close())
}

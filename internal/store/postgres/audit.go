package postgres

import (
	"context"
	"time"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// insertAuditSQL stores a whole batch of events with one statement: one
// round trip, one executor start and one implicit transaction, so either
// every event is stored or none is. The events arrive as one array per
// column (sqlstore.AuditCols, in order); a NULL time (a zero Time) violates
// NOT NULL and fails the batch.
const insertAuditSQL = `INSERT INTO audit_events(` + sqlstore.AuditCols + `)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
	$7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`

// AppendAudit stores events with insertAuditSQL. It replaced a pipeline
// of one INSERT per event: the audit batch of a busy second holds a few
// thousand events, and one statement for all of them costs PostgreSQL
// (on the same cores as renova) a fraction of a statement each (issue 16).
func (db *DB) AppendAudit(ctx context.Context, events ...*store.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	n := len(events)
	times := make([]*time.Time, n)
	cols := make([][]string, 10)
	for i := range cols {
		cols[i] = make([]string, n)
	}
	for i, e := range events {
		if !e.Time.IsZero() {
			times[i] = &e.Time
		}
		for j, v := range []string{e.TenantID, e.Actor, e.Action, e.Outcome, e.Reason, e.SessionID, e.ClientID, e.UserID, e.IP, e.TraceID} {
			cols[j][i] = v
		}
	}
	_, err := db.pool.Exec(ctx, insertAuditSQL, times, cols[0], cols[1], cols[2], cols[3], cols[4],
		cols[5], cols[6], cols[7], cols[8], cols[9])
	return translate(err)
}

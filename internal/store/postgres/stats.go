package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/renova-auth/renova/internal/store"
)

// statsSQL sums the size of renova's tables (with their indexes and
// TOAST) in the current schema and reads the planner's row estimates,
// which cost nothing on a table of any size. reltuples is -1 on a table
// never analyzed yet.
const statsSQL = `SELECT
	coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint,
	coalesce(max(c.reltuples) FILTER (WHERE c.relname = 'sessions'), -1)::bigint,
	coalesce(max(c.reltuples) FILTER (WHERE c.relname = 'refresh_tokens'), -1)::bigint,
	coalesce(max(c.reltuples) FILTER (WHERE c.relname = 'audit_events'), -1)::bigint
	FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	WHERE n.nspname = current_schema() AND c.relkind = 'r'`

// Stats reads the schema's size and the row estimates. A table never
// analyzed (a young database: autovacuum analyzes after 50 changes) is
// counted exactly instead, which is cheap while it is that small.
func (db *DB) Stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{Backend: "postgres", Estimated: true}
	if err := db.pool.QueryRow(ctx, statsSQL).Scan(&st.DatabaseBytes, &st.Sessions, &st.Tokens, &st.AuditEvents); err != nil {
		return st, fmt.Errorf("postgres: stats: %w", translate(err))
	}
	for table, n := range map[string]*int64{"sessions": &st.Sessions, "refresh_tokens": &st.Tokens, "audit_events": &st.AuditEvents} {
		if *n >= 0 {
			continue
		}
		st.Estimated = false
		if err := db.pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(n); err != nil {
			return st, fmt.Errorf("postgres: count %s: %w", table, translate(err))
		}
	}
	return st, nil
}

// PoolStats reports pgxpool's statistics; the wait is the acquisitions
// that found the pool empty (a pool too small for the load).
func (db *DB) PoolStats() []store.PoolStat {
	stat := func(name string, p *pgxpool.Pool) store.PoolStat {
		s := p.Stat()
		return store.PoolStat{Pool: name, Acquired: int64(s.AcquiredConns()), Idle: int64(s.IdleConns()),
			Total: int64(s.TotalConns()), WaitCount: s.EmptyAcquireCount(), WaitDuration: s.EmptyAcquireWaitTime()}
	}
	return []store.PoolStat{stat("postgres", db.pool), stat("postgres_rotations", db.rotPool)}
}

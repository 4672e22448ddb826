package store

import (
	"context"
	"time"
)

// Stats is the size of a store, for `renova status` and the size gauges
// (issue 14): cheap to read on a large database.
type Stats struct {
	// Backend is "sqlite" or "postgres".
	Backend string `json:"backend"`
	// DatabaseBytes is the database file (SQLite) or the tables and
	// indexes of renova's schema (PostgreSQL).
	DatabaseBytes int64 `json:"database_bytes"`
	// WALBytes is the SQLite write-ahead log file; 0 on PostgreSQL.
	WALBytes int64 `json:"wal_bytes"`
	// Sessions, Tokens and AuditEvents are row counts.
	Sessions    int64 `json:"sessions"`
	Tokens      int64 `json:"refresh_tokens"`
	AuditEvents int64 `json:"audit_events"`
	// Estimated says the counts are the planner's estimates (PostgreSQL's
	// pg_class.reltuples, as of the last ANALYZE), not exact counts.
	Estimated bool `json:"estimated"`
}

// StatsReader reports the store's sizes.
type StatsReader interface {
	// Stats reads the sizes and row counts; it never locks a table.
	Stats(ctx context.Context) (Stats, error)
}

// PoolStat is one connection pool's state: PostgreSQL's pool, or SQLite's
// single writer connection and its read pool. A backend that has pools
// offers them with a PoolStats() []PoolStat method (the server's metrics
// look for it).
type PoolStat struct {
	Pool     string // "postgres", "sqlite_writer", "sqlite_reader"
	Acquired int64  // connections in use
	Idle     int64  // connections open and idle
	Total    int64  // connections open
	// WaitCount and WaitDuration add up the acquisitions that found no
	// free connection and waited, since the store opened. On SQLite's
	// writer this is the queue of writes behind the one connection.
	WaitCount    int64
	WaitDuration time.Duration
}

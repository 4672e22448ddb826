package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"

	"github.com/renova-auth/renova/internal/store"
)

// Stats reads the sizes of the database and WAL files (their path from
// pragma_database_list) and exact row counts from the read pool: count(*)
// on SQLite walks the smallest index, never the writer's lock.
func (db *DB) Stats(ctx context.Context) (store.Stats, error) {
	st := store.Stats{Backend: "sqlite"}
	var path string
	if err := db.r.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path); err != nil {
		return st, translate(err)
	}
	var err error
	if st.DatabaseBytes, err = fileSize(path); err != nil {
		return st, err
	}
	if st.WALBytes, err = fileSize(path + "-wal"); err != nil {
		return st, err
	}
	q := `SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM refresh_tokens), (SELECT count(*) FROM audit_events)`
	err = db.r.QueryRowContext(ctx, q).Scan(&st.Sessions, &st.Tokens, &st.AuditEvents)
	return st, translate(err)
}

// fileSize is the size of the file at path; a missing file (no WAL yet,
// an in-memory database) is 0.
func fileSize(path string) (int64, error) {
	if path == "" {
		return 0, nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// PoolStats reports the writer connection (its wait is the queue of
// writes, the SQLite writer queue) and the read pool.
func (db *DB) PoolStats() []store.PoolStat {
	return []store.PoolStat{poolStat("sqlite_writer", db.w.Stats()), poolStat("sqlite_reader", db.r.Stats())}
}

// WALTruncations counts the checkpoints that emptied the WAL.
func (db *DB) WALTruncations() int64 { return db.walTruncations.Load() }

// poolStat converts database/sql's statistics.
func poolStat(name string, s sql.DBStats) store.PoolStat {
	return store.PoolStat{Pool: name, Acquired: int64(s.InUse), Idle: int64(s.Idle), Total: int64(s.OpenConnections),
		WaitCount: s.WaitCount, WaitDuration: s.WaitDuration}
}

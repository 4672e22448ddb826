package floor

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// anomaliesSQL counts sessions, and those whose number of unused tokens is
// not one; it is the same on both backends.
const anomaliesSQL = `SELECT count(*), coalesce(sum(CASE WHEN n <> 1 THEN 1 ELSE 0 END), 0) FROM (
	SELECT session_id, sum(CASE WHEN used_at IS NULL THEN 1 ELSE 0 END) AS n FROM floor_tokens GROUP BY session_id) x`

// sqliteStore is the floor on SQLite: WAL, synchronous=NORMAL, and one
// writer connection whose transactions start IMMEDIATE, so writers queue
// in process (renova's own settings, internal/store/sqlite). Its two
// statements are prepared once on that connection: parsing SQL again on
// every call is work a refresh does not need (pgx does the same on
// PostgreSQL by caching prepared statements).
type sqliteStore struct {
	w           *sql.DB
	claim, succ *sql.Stmt
}

func openSQLite(ctx context.Context, path string) (*sqliteStore, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(5000)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	w, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS floor_tokens (
		hash BLOB PRIMARY KEY, session_id TEXT NOT NULL, parent_hash BLOB UNIQUE,
		created_at INTEGER NOT NULL, used_at INTEGER) WITHOUT ROWID`); err != nil {
		w.Close()
		return nil, fmt.Errorf("floor sqlite schema: %w", err)
	}
	s := &sqliteStore{w: w}
	if s.claim, err = w.PrepareContext(ctx, "UPDATE floor_tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL RETURNING session_id"); err == nil {
		s.succ, err = w.PrepareContext(ctx, "INSERT INTO floor_tokens(hash, session_id, parent_hash, created_at) VALUES (?,?,?,?)")
	}
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("floor sqlite prepare: %w", err)
	}
	return s, nil
}

func (s *sqliteStore) open(ctx context.Context, session string, hash []byte, now time.Time) error {
	_, err := s.w.ExecContext(ctx, "INSERT INTO floor_tokens(hash, session_id, created_at) VALUES (?,?,?)", hash, session, now.UnixMicro())
	return err
}

// rotate is one transaction: claim with UPDATE … RETURNING, then INSERT.
func (s *sqliteStore) rotate(ctx context.Context, hash, next []byte, now time.Time) (string, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	var session string
	err = tx.StmtContext(ctx, s.claim).QueryRowContext(ctx, now.UnixMicro(), hash).Scan(&session)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotClaimed
	}
	if err != nil {
		return "", err
	}
	if _, err := tx.StmtContext(ctx, s.succ).ExecContext(ctx, next, session, hash, now.UnixMicro()); err != nil {
		return "", err
	}
	return session, tx.Commit()
}

func (s *sqliteStore) anomalies(ctx context.Context) (int, int, error) {
	var n, bad int
	err := s.w.QueryRowContext(ctx, anomaliesSQL).Scan(&n, &bad)
	return n, bad, err
}

func (s *sqliteStore) close() error { return s.w.Close() }

// pgStore is the floor on PostgreSQL: the rotation is one statement.
type pgStore struct{ pool *pgxpool.Pool }

func openPostgres(ctx context.Context, dbURL string, maxConns int) (*pgStore, error) {
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		return nil, err
	}
	cfg.MaxConns = int32(max(maxConns, 1))
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS floor_tokens (
		hash bytea PRIMARY KEY, session_id text NOT NULL, parent_hash bytea UNIQUE,
		created_at timestamptz NOT NULL, used_at timestamptz)`); err != nil {
		pool.Close()
		return nil, fmt.Errorf("floor postgres schema: %w", err)
	}
	return &pgStore{pool: pool}, nil
}

func (s *pgStore) open(ctx context.Context, session string, hash []byte, now time.Time) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO floor_tokens(hash, session_id, created_at) VALUES ($1,$2,$3)", hash, session, now)
	return err
}

// rotateSQL claims the token and inserts its successor in one statement.
const rotateSQL = `WITH u AS (
	UPDATE floor_tokens SET used_at = $3 WHERE hash = $1 AND used_at IS NULL RETURNING session_id)
INSERT INTO floor_tokens(hash, session_id, parent_hash, created_at)
SELECT $2, session_id, $1, $3 FROM u RETURNING session_id`

func (s *pgStore) rotate(ctx context.Context, hash, next []byte, now time.Time) (string, error) {
	var session string
	err := s.pool.QueryRow(ctx, rotateSQL, hash, next, now).Scan(&session)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", ErrNotClaimed
	}
	return session, err
}

func (s *pgStore) anomalies(ctx context.Context) (int, int, error) {
	var n, bad int
	err := s.pool.QueryRow(ctx, anomaliesSQL).Scan(&n, &bad)
	return n, bad, err
}

func (s *pgStore) close() error {
	s.pool.Close()
	return nil
}

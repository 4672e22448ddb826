package benchtarget

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store"
)

// MaxSeedSessions bounds --seed-sessions: ten million sessions are about
// 3 GB of SQLite file, well past the scale the bench is meant to show.
const MaxSeedSessions = 10_000_000

// SeedClient is the client the seeded sessions belong to, so that the
// invariants, which count the bench client's sessions, never see them.
const SeedClient = "bench-seed"

// seedStmt is one statement of a bulk seed and its arguments.
type seedStmt struct {
	sql  string
	args []any
}

// seedStmts bulk-insert n live sessions of SeedClient in tenantID, each
// with a used first token and its unused successor, generated inside the
// database (no round trip per row). Token hashes are spread over the whole
// key space (random, or SHA-256 of a counter), as real ones are, so the
// bench's own tokens land among them in the indexes.
func seedStmts(lite bool, n int, tenantID string, now time.Time) []seedStmt {
	exp := now.Add(365 * 24 * time.Hour)
	if lite { // SQLite: times are microseconds since the epoch
		return []seedStmt{
			{`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < ?1)
			INSERT INTO sessions(id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at)
			SELECT 'seed-' || i, ?2, '', ?3, 'openid', 2, ?4, ?4, ?5, ?5 FROM n`,
				[]any{n, tenantID, SeedClient, now.UnixMicro(), exp.UnixMicro()}},
			{`INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at, used_at, child_hash)
			SELECT randomblob(32), id, NULL, 1, ?, ?, randomblob(32) FROM sessions WHERE client_id = ?`, []any{now.UnixMicro(), now.UnixMicro(), SeedClient}},
			{`INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at, used_at)
			SELECT child_hash, session_id, hash, 2, ?, NULL FROM refresh_tokens
			WHERE session_id LIKE 'seed-%' AND generation = 1`, []any{now.UnixMicro()}},
		}
	}
	return []seedStmt{
		{`INSERT INTO sessions(id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at)
		SELECT 'seed-' || i, $2, '', $3, 'openid', 2, $4, $4, $5, $5 FROM generate_series(1, $1::int) i`,
			[]any{n, tenantID, SeedClient, now, exp}},
		{`INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at, used_at)
		SELECT sha256(convert_to('used-' || i, 'UTF8')), 'seed-' || i, NULL, 1, $2, $2 FROM generate_series(1, $1::int) i`,
			[]any{n, now}},
		{`INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at, used_at)
		SELECT sha256(convert_to('live-' || i, 'UTF8')), 'seed-' || i, sha256(convert_to('used-' || i, 'UTF8')), 2, $2, NULL
		FROM generate_series(1, $1::int) i`, []any{n, now}},
	}
}

// seedSessions stores n extra live sessions (issue 16: a refresh must not
// cost more with a million sessions in the database than with a
// thousand) in tenant, for SeedClient, which it creates. It runs before
// the server takes requests.
func (l *Launcher) seedSessions(ctx context.Context, app *server.App, dbURL, tenant string, n int) error {
	if n <= 0 {
		return nil
	}
	if n > MaxSeedSessions {
		return fmt.Errorf("bench: --seed-sessions %d is more than %d", n, MaxSeedSessions)
	}
	ten, err := app.Store.TenantBySlug(ctx, tenant)
	if err != nil {
		return fmt.Errorf("seed sessions: %w", err)
	}
	now := app.Svc.Now().UTC().Truncate(time.Microsecond)
	c := &store.Client{ID: SeedClient, TenantID: ten.ID, Name: "renova bench (seeded sessions)", Grants: []string{"refresh_token"}, CreatedAt: now}
	if err := app.Store.CreateClient(ctx, c); err != nil {
		return fmt.Errorf("seed client: %w", err)
	}
	start := time.Now()
	if err := bulkSeed(ctx, dbURL, n, ten.ID, now); err != nil {
		return fmt.Errorf("seed %d sessions: %w", n, err)
	}
	l.cfg.Logger.Warn("bench: seeded sessions", "sessions", n, "tokens", 2*n, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// bulkSeed runs seedStmts on a connection of its own, in one
// transaction, then leaves the database as a fresh run would: SQLite's
// WAL checkpointed, PostgreSQL's planner statistics current.
func bulkSeed(ctx context.Context, dbURL string, n int, tenantID string, now time.Time) error {
	path, lite := strings.CutPrefix(dbURL, "sqlite:")
	driver, dsn, after := "pgx", dbURL, "ANALYZE sessions, refresh_tokens"
	if lite {
		driver, dsn, after = "sqlite", "file:"+path+"?_pragma=busy_timeout(5000)", "PRAGMA wal_checkpoint(TRUNCATE)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, st := range seedStmts(lite, n, tenantID, now) {
		if _, err := tx.ExecContext(ctx, st.sql, st.args...); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, after)
	return err
}

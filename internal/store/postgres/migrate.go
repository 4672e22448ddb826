package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the pg_advisory_lock key that serialises migrations of
// every renova process on one database ("renova" in ASCII).
const migrationLock int64 = 0x72656e6f7661

// migrate applies the embedded migrations that schema_migrations does not
// record yet. It runs on a dedicated connection holding migrationLock, so
// that replicas starting at once migrate one after the other; the lock dies
// with the connection whatever happens. statement_timeout is off on that
// connection (a migration may be slow, and waiting for the lock is bounded
// by ctx instead).
func migrate(ctx context.Context, cfg *pgxpool.Config) error {
	cc := cfg.ConnConfig.Copy()
	cc.RuntimeParams["statement_timeout"] = "0"
	conn, err := pgx.ConnectConfig(ctx, cc)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", translate(err))
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", translate(err))
	}
	err = applyAll(ctx, conn)
	unlockCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, uerr := conn.Exec(unlockCtx, "SELECT pg_advisory_unlock($1)", migrationLock); uerr != nil && err == nil {
		err = fmt.Errorf("postgres: migration unlock: %w", translate(uerr))
	}
	return err
}

// applyAll creates schema_migrations if needed and applies every embedded
// migration in name order.
func applyAll(ctx context.Context, conn *pgx.Conn) error {
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrate: %w", translate(err))
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := apply(ctx, conn, name); err != nil {
			return fmt.Errorf("postgres: migrate %s: %w", name, translate(err))
		}
	}
	return nil
}

// apply runs one migration and records it, in one transaction; a version
// already recorded is skipped.
func apply(ctx context.Context, conn *pgx.Conn, name string) error {
	version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		var done bool
		err := tx.QueryRow(ctx, "SELECT true FROM schema_migrations WHERE version = $1", version).Scan(&done)
		if err == nil {
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		// No arguments: pgx sends the simple protocol, which runs a
		// multi-statement script.
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO schema_migrations(version) VALUES ($1)", version)
		return err
	})
}

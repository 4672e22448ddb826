// Package postgres is renova's PostgreSQL store: the backend for more than
// one replica. The database is the only truth (PRODUCT.md §2.6): there are no
// in-process locks, every atomic operation is one statement or one
// transaction that is correct under READ COMMITTED, and any number of
// processes on one database behave as one.
package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// DB is the PostgreSQL implementation of store.Store. The plain admin
// verbs come from sqlstore.Admin, run on the same pool.
type DB struct {
	sqlstore.Admin
	pool *pgxpool.Pool
	// rotPool holds the rotation batches' own connections (rotateInFlight
	// of them, beside pool's MaxConns), where rotateSQL runs on a generic
	// plan; see rotationConfig.
	rotPool *pgxpool.Pool
	rot     *sqlstore.GroupCommit // gathers concurrent rotations into one statement
}

// rotateInFlight is how many rotation batches of one pool run at once:
// while they commit, the next rotations queue and form the next batch.
// More than one keeps a batch from waiting for another's commit flush.
const rotateInFlight = 2

// sessionOrder sorts ListSessions newest first, ties by id: PostgreSQL
// has no insertion order to fall back on.
const sessionOrder = "created_at DESC, id"

// newDB wraps the open pools: pool for everything, rotPool for the
// rotation batches.
func newDB(pool, rotPool *pgxpool.Pool) *DB {
	c := conn{pool}
	db := &DB{Admin: sqlstore.NewAdmin(c, c, codec{}, sessionOrder), pool: pool, rotPool: rotPool}
	db.rot = sqlstore.NewGroupCommit(db.rotateBatch, rotateInFlight)
	return db
}

var _ store.Store = (*DB)(nil)

// Options tunes the connection pool. Zero fields take the defaults below.
type Options struct {
	// MaxConns is the pool size; default 16.
	MaxConns int32
	// StatementTimeout bounds every statement on the server side, so a
	// stuck query frees its connection; default 5s.
	StatementTimeout time.Duration
	// ConnectTimeout bounds establishing one connection (dial, TLS,
	// authentication); default 5s.
	ConnectTimeout time.Duration
}

// withDefaults fills the zero fields of o.
func (o Options) withDefaults() Options {
	if o.MaxConns <= 0 {
		o.MaxConns = 16
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 5 * time.Second
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	return o
}

// Open connects to the database at url (a postgres:// URL or a key=value
// DSN) and applies pending migrations under an advisory lock, so replicas
// starting together migrate once. Connection failures wrap
// store.ErrUnavailable.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	cfg, err := poolConfig(url, opt.withDefaults())
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, cfg); err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", translate(err))
	}
	rotPool, err := pgxpool.NewWithConfig(ctx, rotationConfig(cfg))
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open rotation pool: %w", translate(err))
	}
	return newDB(pool, rotPool), nil
}

// rotationConfig is cfg for the rotation batches' connections: one per
// batch in flight, each with plan_cache_mode = force_generic_plan.
// rotateSQL is planned once per connection instead of once per batch:
// left to choose, PostgreSQL kept a custom plan (it knows a custom plan's
// batch size, so that plan always looks cheaper than the generic one) and
// spent 0.4 ms planning each batch, more than running it (0.1 ms; issue
// 16, pg_stat_statements with track_planning). The generic plan has the
// same shape: rotateSQL leaves the planner no choice for the token
// lookups, and takes the others by primary key once statistics exist.
// The other statements keep the default: a generic plan cannot use a
// partial index whose predicate names a parameter.
//
// A plan kept for the connection's life must also not depend on the
// tables' sizes when it was made: planned on nearly empty tables (a new
// deployment's first refresh), PostgreSQL joined sessions by a
// sequential scan, and kept doing so after a bulk import until
// autovacuum analyzed the table (TestRotationPlanSurvivesGrowth: 875
// pages for 8 members after 50,000 sessions were added; 232 with this). enable_seqscan
// off makes it reach every table by its primary key, which is what
// rotateSQL means: each member touches one token, one session and one
// new token.
func rotationConfig(cfg *pgxpool.Config) *pgxpool.Config {
	rc := cfg.Copy()
	rc.MaxConns, rc.MinConns = rotateInFlight, 0
	rc.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	rc.ConnConfig.RuntimeParams["enable_seqscan"] = "off"
	return rc
}

// poolConfig parses url and applies opt: pool size, connect timeout and the
// per-connection statement_timeout.
func poolConfig(url string, opt Options) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse url: %w", err)
	}
	cfg.MaxConns = opt.MaxConns
	cfg.ConnConfig.ConnectTimeout = opt.ConnectTimeout
	ms := max(opt.StatementTimeout.Milliseconds(), 1) // 0 would mean no limit
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(ms)
	return cfg, nil
}

// Close closes the pool, waiting for acquired connections to be released.
func (db *DB) Close() error {
	db.rot.Close() // before the pools: a running batch finishes first
	db.rotPool.Close()
	db.pool.Close()
	return nil
}

// Ping reports whether the database answers a query; it fails with
// store.ErrUnavailable, and no later than ctx's deadline, when it does not.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", translate(err))
	}
	return nil
}

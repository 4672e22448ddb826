// Package sqlite is renova's embedded default store: SQLite in WAL mode with
// one writer connection and a small read pool, so writers queue in process
// instead of spinning on busy_timeout (which measured 3× worse at p99).
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is the SQLite implementation of store.Store. The plain admin verbs
// come from sqlstore.Admin, run on the same two pools.
type DB struct {
	sqlstore.Admin
	w   *sql.DB               // exactly one connection: SQLite has one writer anyway
	r   *sql.DB               // read pool
	ws  writeStmts            // prepared statements of the writer
	rs  readStmts             // prepared statements of the read pool
	rot *sqlstore.GroupCommit // gathers concurrent rotations into one writer transaction
	// breakCommit, when it holds an error (tests only), fails every
	// rotation batch just before its commit, after its statements ran.
	breakCommit atomic.Pointer[error]
	stop        chan struct{} // closed by Close to stop the checkpointer
	done        chan struct{} // closed by the checkpointer when it has stopped

	walTruncations atomic.Int64 // checkpoints that emptied the WAL (checkpoint.go)

	closeOnce sync.Once // Close runs once; later calls get its result
	closeErr  error
}

var _ store.Store = (*DB)(nil)

// pragmas are the connection settings, in one place: WAL lets readers run
// beside the writer; synchronous=NORMAL is durable across process crashes
// (WAL) and loses at most the last commits on power loss; busy_timeout
// covers other processes (renova CLI) writing the same file. Automatic
// checkpoints are off: they would run inside a commit on the single writer
// (17 % of a rotation, issue 8 profile); checkpointer does them instead.
// journal_size_limit truncates the WAL back to 16 MiB whenever a
// checkpoint lets it restart, so one burst does not leave a huge file for
// good (issue 14: 122 MB of WAL beside a 4.9 MB database); checkpoint.go
// keeps it far smaller under load.
var pragmas = []string{
	"journal_mode(WAL)",
	"synchronous(NORMAL)",
	"busy_timeout(5000)",
	"foreign_keys(1)",
	"wal_autocheckpoint(0)",
	"journal_size_limit(16777216)",
}

// sessionOrder sorts ListSessions newest first; SQLite returns sessions
// created in the same microsecond in the order it finds them.
const sessionOrder = "created_at DESC"

// Open opens (creating if needed) the database file at path and applies
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE takes the write lock at the start of a transaction:
	// a deferred one would take a read lock first and could fail with
	// SQLITE_BUSY when it upgrades, instead of waiting busy_timeout.
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	// Migrate on the writer before the read pool exists, so that no reader
	// ever sees a half-migrated schema.
	db := &DB{w: w}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// The read pool shares the DSN (pragmas, _txlock) but runs only
	// reads, never the write lock.
	r.SetMaxOpenConns(4)
	r.SetMaxIdleConns(4)
	db.r = r
	db.Admin = sqlstore.NewAdmin(conn{r}, conn{w}, codec{}, sessionOrder)
	if err = prepare(ctx, w, db.ws.named()); err == nil {
		err = prepare(ctx, r, db.rs.named())
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	db.rot = sqlstore.NewGroupCommit(db.rotateBatch, 1) // one writer: one batch at a time
	db.stop, db.done = make(chan struct{}), make(chan struct{})
	go db.checkpointer()
	return db, nil
}

// createPrivate creates the database file 0600 when it does not exist yet,
// before SQLite would create it 0644 less the umask: the file holds token
// hashes and sealed keys (issue 14). SQLite gives the -wal and -shm files
// the database file's mode, so they are private too. An existing file
// keeps the mode its operator chose; ":memory:" is left alone.
func createPrivate(path string) error {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return fmt.Errorf("create sqlite %s: %w", path, err)
	}
	// The umask only clears bits, never sets them, so 0600 holds; Chmod
	// makes that explicit on systems whose umask is odd.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("create sqlite %s: %w", path, err)
	}
	return f.Close()
}

// Close stops the checkpointer and closes both pools; closing the last
// connection checkpoints what is left in the WAL. A second Close (a
// deferred one after an explicit one, say) returns the first's result
// instead of closing a closed channel.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		if db.rot != nil {
			db.rot.Close() // before the writer: a running batch finishes first
		}
		if db.stop != nil {
			close(db.stop)
			<-db.done
		}
		db.closeErr = errors.Join(closeStmts(db.ws.named()), closeStmts(db.rs.named()), db.r.Close(), db.w.Close())
	})
	return db.closeErr
}

// Ping reports whether the database file answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return translate(db.r.QueryRowContext(ctx, "SELECT 1").Scan(&one))
}

// migrate applies the embedded migrations that are not yet recorded in
// schema_migrations, each in its own transaction.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.apply(ctx, name); err != nil {
			return fmt.Errorf("migrate %s: %w", name, err)
		}
	}
	return nil
}

// apply runs the migration file name and records its version, in one
// transaction; a version already recorded is skipped, which makes Open
// idempotent (and a crash mid-migration leaves nothing half-applied).
func (db *DB) apply(ctx context.Context, name string) error {
	version := strings.TrimSuffix(strings.TrimPrefix(name, "migrations/"), ".sql")
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations(version, applied_at) VALUES (?, strftime('%s','now'))", version); err != nil {
		return err
	}
	return tx.Commit()
}

package postgres

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
)

// The PostgreSQL store keeps the throttle on the shared database, so every
// replica enforces one limit (store.Throttle, issue 14). Each method is
// one statement, hence one round trip, except Admit, which serialises the
// admits of one key under an advisory lock.
var _ store.Throttle = (*DB)(nil)

// sweep is how many ended counts each Add deletes besides its own keys:
// an Add creates at most len(keys) rows, and with a few more deleted per
// call the table holds little beyond the live windows, without a job.
const sweep = 8

// addSQL deletes up to $4 (sweep) ended counts of other keys (skipping rows
// another transaction holds) and upserts a count for each key of $3: a
// new or ended window restarts at 1 until $2, a live one adds 1. $3 is
// sorted and distinct, so concurrent Adds lock rows in one order and
// cannot deadlock, and no row is upserted twice in one statement.
const addSQL = `WITH swept AS (
	DELETE FROM throttle_counts WHERE key IN (
		SELECT key FROM throttle_counts WHERE ends <= $1 AND NOT key = ANY($3)
		ORDER BY ends LIMIT $4 FOR UPDATE SKIP LOCKED))
INSERT INTO throttle_counts AS t (key, n, ends)
SELECT k, 1, $2 FROM unnest($3::bytea[]) AS k
ON CONFLICT (key) DO UPDATE SET
	n = CASE WHEN t.ends <= $1 THEN 1 ELSE t.n + 1 END,
	ends = CASE WHEN t.ends <= $1 THEN excluded.ends ELSE t.ends END`

// Counts reads the live counts of keys in one statement.
func (db *DB) Counts(ctx context.Context, now time.Time, keys ...string) ([]store.Count, error) {
	out := make([]store.Count, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	rows, err := db.pool.Query(ctx, "SELECT key, n, ends FROM throttle_counts WHERE key = ANY($1) AND ends > $2", throttleKeys(keys), now)
	if err != nil {
		return nil, fmt.Errorf("postgres: throttle counts: %w", translate(err))
	}
	found := map[string]store.Count{}
	var k []byte
	var c store.Count
	_, err = pgx.ForEachRow(rows, []any{&k, &c.N, &c.Ends}, func() error {
		found[string(k)] = store.Count{N: c.N, Ends: c.Ends.UTC()}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: throttle counts: %w", translate(err))
	}
	for i, key := range keys {
		out[i] = found[string(throttleKey(key))]
	}
	return out, nil
}

// Add counts one event for each distinct key in one statement (addSQL).
func (db *DB) Add(ctx context.Context, now time.Time, window time.Duration, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	ds := throttleKeys(keys)
	slices.SortFunc(ds, bytes.Compare)
	ds = slices.CompactFunc(ds, bytes.Equal)
	if _, err := db.pool.Exec(ctx, addSQL, now, now.Add(window), ds, sweep); err != nil {
		return fmt.Errorf("postgres: throttle add: %w", translate(err))
	}
	return nil
}

// Reset deletes the counts of keys.
func (db *DB) Reset(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	if _, err := db.pool.Exec(ctx, "DELETE FROM throttle_counts WHERE key = ANY($1)", throttleKeys(keys)); err != nil {
		return fmt.Errorf("postgres: throttle reset: %w", translate(err))
	}
	return nil
}

// admitSQL runs under the key's advisory lock, so its snapshot, taken
// after the lock, holds every admit committed before: it deletes the
// key's events that left the window ($2 = now - window), counts those in
// it and records one at $3 if fewer than $4. The sub-statements share one
// snapshot, so live still sees the rows gone deletes and filters them.
const admitSQL = `WITH gone AS (
	DELETE FROM throttle_events WHERE key = $1 AND at <= $2
), live AS (
	SELECT count(*) AS n, coalesce(min(at), $3) AS first FROM throttle_events WHERE key = $1 AND at > $2
), ins AS (
	INSERT INTO throttle_events (key, at) SELECT $1, $3 FROM live WHERE n < $4
)
SELECT n, first FROM live`

// Admit records an event of key at now unless max fall in the window,
// in one transaction under a transaction-scoped advisory lock on key.
func (db *DB) Admit(ctx context.Context, key string, now time.Time, window time.Duration, max int) (time.Duration, error) {
	d := throttleKey(key)
	var n int
	var first time.Time
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('renova.throttle.' || $1, 0))", hex.EncodeToString(d)); err != nil {
			return err
		}
		return tx.QueryRow(ctx, admitSQL, d, now.Add(-window), now, max).Scan(&n, &first)
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: throttle admit: %w", translate(err))
	}
	if n < max {
		return 0, nil
	}
	return first.Add(window).Sub(now), nil
}

// throttleKey is the stored form of a throttle key: fixed-size, and no login
// name typed by anyone is kept in the database.
func throttleKey(key string) []byte {
	d := sha256.Sum256([]byte(key))
	return d[:]
}

// throttleKeys maps throttleKey over keys.
func throttleKeys(keys []string) [][]byte {
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = throttleKey(k)
	}
	return out
}

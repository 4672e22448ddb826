package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/sqlstore"
)

// rotateSQL rotates a whole batch of tokens in one statement: one round
// trip, one implicit transaction, one commit flush, no in-process lock
// (issue 16). The batch arrives as parallel arrays, one element per
// rotation, numbered by ord.
//
// tok finds each member's token by its hash first, one primary-key lookup
// per member (the LIMIT keeps the subquery a per-row lookup whatever the
// statistics say). MATERIALIZED keeps the planner from joining the batch
// to sessions on client_id before the token is known, which on a fresh
// schema it did: batch × the client's sessions token lookups (6,711
// buffers for a batch of 52; issue 16, auto_explain).
//
// live locks the session of every member whose session is live,
// unexpired and the member's client's (FOR NO KEY UPDATE, which does not
// block the foreign-key checks of concurrent inserts), in id order, so two
// batches (of this pool or of another replica) and RevokeSessions, which
// also locks in id order, cannot deadlock. Whoever waits for such a lock
// has the row's WHERE clause re-evaluated by PostgreSQL against the newest
// version once the holder commits (EvalPlanQual under READ COMMITTED), so
// a revocation or expiry committed meanwhile makes that member claim
// nothing, and a revocation that comes later waits for the batch: a
// claimed rotation always found its session live.
//
// claimed marks each member's token used if it is still unused; a token
// another batch claimed meanwhile is re-checked by PostgreSQL, found used
// and skipped, never a serialization or unique error. The new generation
// comes from the claimed token, so no update is lost. Members that claim
// nothing return no row (store.ErrNotClaimed) and change nothing; the
// others' rotations commit regardless. The unique index on parent_hash
// makes a second successor impossible whatever happens.
const rotateSQL = `WITH b AS (
	SELECT * FROM unnest($1::bytea[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::bytea[])
		WITH ORDINALITY AS b(hash, client_id, now, idle_until, next_hash, ord)
), tok AS MATERIALIZED (
	SELECT b.ord, b.client_id, b.now, t.session_id FROM b
	CROSS JOIN LATERAL (SELECT session_id FROM refresh_tokens WHERE hash = b.hash LIMIT 1) t
), live AS (
	SELECT s.id, tok.ord FROM tok
	JOIN sessions s ON s.id = tok.session_id
	WHERE s.client_id = tok.client_id AND s.revoked_at IS NULL
		AND s.idle_expires_at > tok.now AND s.expires_at > tok.now
	ORDER BY s.id
	FOR NO KEY UPDATE OF s
), claimed AS (
	UPDATE refresh_tokens t SET used_at = b.now
	FROM live JOIN b ON b.ord = live.ord
	WHERE t.hash = b.hash AND t.used_at IS NULL AND t.session_id = live.id
	RETURNING t.session_id, t.generation, b.ord
), touched AS (
	UPDATE sessions SET generation = c.generation + 1, last_used_at = b.now,
		idle_expires_at = least(b.idle_until, sessions.expires_at)
	FROM claimed c JOIN b ON b.ord = c.ord
	WHERE sessions.id = c.session_id
	RETURNING b.ord, sessions.*
), ins AS (
	INSERT INTO refresh_tokens(hash, session_id, parent_hash, generation, created_at)
	SELECT b.next_hash, touched.id, b.hash, touched.generation, b.now FROM touched JOIN b ON b.ord = touched.ord
)
SELECT ord, ` + sqlstore.SessionCols + ` FROM touched`

// Rotate claims the token p.Hash and stores p.NextHash as its only
// successor. Concurrent rotations of this pool are group-committed
// (rotateBatch); the caller gets its own outcome once its batch has
// committed: the session as updated, or store.ErrNotClaimed when the
// token is unknown, used, or its session is revoked, expired or another
// client's.
func (db *DB) Rotate(ctx context.Context, p store.RotateParams) (*store.Session, error) {
	return db.rot.Rotate(ctx, p)
}

// rotateBatch runs batch as one rotateSQL statement. A member that
// presents the same token for the same client as an earlier member is not
// sent: at most one of them could claim it, and it is the earlier one,
// exactly as if the two had queued on the session lock. Such a duplicate
// gets store.ErrNotClaimed, and its caller, which reads the state after
// the commit, finds the successor as a grace replay.
func (db *DB) rotateBatch(ctx context.Context, batch []*sqlstore.Rotation) error {
	n := len(batch)
	hashes, clients, nexts := make([][]byte, 0, n), make([]string, 0, n), make([][]byte, 0, n)
	nows, idles := make([]time.Time, 0, n), make([]time.Time, 0, n)
	sent := make([]*sqlstore.Rotation, 0, n) // sent[ord-1] is the member of row ord
	seen := make(map[string]bool, n)
	for _, r := range batch {
		r.Err = store.ErrNotClaimed // until its row says otherwise
		key := string(r.P.Hash) + "\x00" + r.P.ClientID
		if seen[key] {
			continue
		}
		seen[key] = true
		sent = append(sent, r)
		hashes, clients, nexts = append(hashes, r.P.Hash), append(clients, r.P.ClientID), append(nexts, r.P.NextHash)
		nows, idles = append(nows, r.P.Now), append(idles, r.P.IdleUntil)
	}
	rows, err := db.rotPool.Query(ctx, rotateSQL, hashes, clients, nows, idles, nexts)
	if err != nil {
		return translate(err)
	}
	return scanRotated(rows, sent)
}

// scanRotated gives each member named by a row of rows its session. The
// rows are only final once all of them are read without error: the
// statement (and its commit) may still fail after the first row.
func scanRotated(rows pgx.Rows, sent []*sqlstore.Rotation) error {
	defer rows.Close()
	type result struct {
		r *sqlstore.Rotation
		s *store.Session
	}
	var got []result
	for rows.Next() {
		var ord int64
		var s store.Session
		dest := sqlstore.SessionDest(append(make([]any, 0, 17), &ord), &s, codec{})
		if err := rows.Scan(dest...); err != nil {
			return translate(err)
		}
		if ord < 1 || int(ord) > len(sent) {
			continue // cannot happen: ord numbers the arrays
		}
		got = append(got, result{sent[ord-1], &s})
	}
	if err := rows.Err(); err != nil {
		return translate(err)
	}
	for _, g := range got {
		g.r.Session, g.r.Err = g.s, nil
	}
	return nil
}

// RotationBatches reports how many rotation batches ran and how many
// rotations they held (the server exports both as metrics).
func (db *DB) RotationBatches() (batches, rotations int64) { return db.rot.Stats() }

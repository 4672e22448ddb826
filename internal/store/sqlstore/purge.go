package sqlstore

import (
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// PurgeBatch is Purge's default batch: 500 rows per statement keeps one
// SQLite write transaction to a few milliseconds.
const PurgeBatch = 500

// PurgeKind is one kind of row the retention job removes. Pred is its
// condition on the row aliased x, with $1 the cut-off time. Select lists
// candidate keys ($2 = batch); a backend deletes them re-checking Pred.
type PurgeKind struct {
	Table string // the table
	Key   string // its primary key column
	Pred  string // the condition on x, with $1 the cut-off
	From  string // the FROM clause Select scans, x being the table
	Audit bool   // $1 is AuditBefore, not Before
	// Orphan adds to Select, not to the delete's re-check, the condition
	// that no token refers to the row any more (the session kind): it is
	// true for good once it holds (see EndedSessions).
	Orphan bool
	// Count returns the field of a PurgeResult this kind counts in.
	Count func(r *store.PurgeResult) *int
}

// Select returns the candidate query, with lock appended (PostgreSQL's
// FOR UPDATE OF x SKIP LOCKED; "" on SQLite).
func (k PurgeKind) Select(lock string) string {
	where := k.Pred
	if k.Orphan {
		// NOT IN builds the set of referenced sessions once, in one scan of
		// the tokens; a correlated NOT EXISTS would scan them per session,
		// as there is no index on refresh_tokens(session_id).
		where += " AND x.id NOT IN (SELECT session_id FROM refresh_tokens)"
	}
	return "SELECT x." + k.Key + " FROM " + k.From + " WHERE " + where + " LIMIT $2" + lock
}

// ended is a session's "ended before $1" on alias s: revoked, idle or
// absolutely expired. idle_expires_at never passes expires_at, but both
// are named so the condition does not rest on that.
const ended = "(s.revoked_at < $1 OR s.idle_expires_at < $1 OR s.expires_at < $1)"

// EndedSessions is the kind of the session rows themselves, removed once
// their tokens are gone (the kind before it, in an earlier batch or
// round). Deleting a session makes the database check refresh_tokens'
// foreign key, which without an index on refresh_tokens(session_id) scans
// the whole token table per session; that index costs a page in every
// rotation's commit (issue 8 dropped it; 5–7 % of refresh throughput on
// SQLite when it came back). So the candidates are only sessions no token
// refers to, found in one scan (Orphan), and a backend may skip the
// per-row check: no token can refer to them later, since an ended session
// never revives and only a live one gets a token (Rotate; CreateSession
// makes a new session). SQLite deletes them with foreign_keys off on its
// writer; PostgreSQL, whose check a plain role cannot turn off, has no
// such constraint since its migration 0012 (postgres.purgeSessions).
var EndedSessions = PurgeKind{Table: "sessions", Key: "id", Orphan: true,
	Pred:  "(x.revoked_at < $1 OR x.idle_expires_at < $1 OR x.expires_at < $1)",
	From:  "sessions x",
	Count: func(r *store.PurgeResult) *int { return &r.Sessions }}

// PurgeKinds are the kinds, in the order one round removes them: the
// tokens of ended sessions before the sessions (EndedSessions).
var PurgeKinds = []PurgeKind{
	{Table: "refresh_tokens", Key: "hash",
		Pred:  "EXISTS (SELECT 1 FROM sessions s WHERE s.id = x.session_id AND " + ended + ")",
		From:  "refresh_tokens x",
		Count: func(r *store.PurgeResult) *int { return &r.EndedTokens }},
	EndedSessions,
	// A used token always got its successor in the same transaction
	// (Rotate), so used_at says "rotated away". No EXISTS on the
	// successor: that one may be a used token removed in an earlier batch,
	// which would pin its parent for good. used_at < $1 is false for the
	// unused (live) token of a session, whose used_at is NULL.
	{Table: "refresh_tokens", Key: "hash",
		Pred:  "x.used_at < $1",
		From:  "refresh_tokens x",
		Count: func(r *store.PurgeResult) *int { return &r.UsedTokens }},
	{Table: "browser_sessions", Key: "id",
		Pred:  "(x.revoked_at < $1 OR x.expires_at < $1)",
		From:  "browser_sessions x",
		Count: func(r *store.PurgeResult) *int { return &r.BrowserSessions }},
	{Table: "auth_codes", Key: "hash",
		Pred:  "x.expires_at < $1",
		From:  "auth_codes x",
		Count: func(r *store.PurgeResult) *int { return &r.AuthCodes }},
	{Table: "audit_events", Key: "id", Audit: true,
		Pred:  "x.time < $1",
		From:  "audit_events x",
		Count: func(r *store.PurgeResult) *int { return &r.AuditEvents }},
}

// Purge runs one retention round over PurgeKinds: for each kind whose
// cut-off is set, del removes at most the batch (p.Batch, else PurgeBatch)
// of rows older than it, the backend's own way, and returns how many.
func Purge(p store.PurgeParams, del func(k PurgeKind, before time.Time, batch int) (int, error)) (store.PurgeResult, error) {
	var res store.PurgeResult
	batch := p.Batch
	if batch <= 0 {
		batch = PurgeBatch
	}
	for _, k := range PurgeKinds {
		before := p.Before
		if k.Audit {
			before = p.AuditBefore
		}
		if before.IsZero() {
			continue
		}
		n, err := del(k, before, batch)
		if err != nil {
			return res, err
		}
		*k.Count(&res) = n
	}
	return res, nil
}

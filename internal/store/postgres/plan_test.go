package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestRotationBatchReadsPerMember runs one batch of the rotation
// statement under EXPLAIN (ANALYZE, BUFFERS) on a fresh schema, where
// the planner has no statistics, for a client with four times as many
// sessions as the batch has members, and bounds the pages it touches per
// member. The plan it replaced joined the batch to every session of the
// client before looking tokens up: 50 members × 200 sessions token
// lookups, 6,711 buffers for a batch of 52 in the bench (issue 16).
func TestRotationBatchReadsPerMember(t *testing.T) {
	db, _ := openFresh(t, Options{})
	c := fixture(t, db)
	now := time.Now().UTC().Truncate(time.Microsecond)
	const sessions, members = 200, 50
	var hashes, nexts [][]byte
	var clients []string
	var nows, idles []time.Time
	for i := range sessions {
		h := session(t, db, c, fmt.Sprintf("s%03d", i), now)
		if i < members {
			hashes, nexts = append(hashes, h), append(nexts, digest(fmt.Sprintf("next%d", i)))
			clients, nows, idles = append(clients, c.ID), append(nows, now), append(idles, now.Add(time.Hour))
		}
	}
	ctx := context.Background()
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	pages := explainedPages(t, tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+rotateSQL, hashes, clients, nows, idles, nexts), members)
	const perMember = 50 // 25 now (token lookups, the session lock and update, the claim, the insert); 622 with the old plan
	if pages > members*perMember {
		t.Errorf("one batch of %d touched %d pages (%d per member), want at most %d per member", members, pages, pages/members, perMember)
	} else {
		t.Logf("one batch of %d touched %d pages (%d per member)", members, pages, pages/members)
	}
}

// TestRotationPlanSurvivesGrowth plans the rotation statement on a
// rotation connection while the tables are nearly empty, as a new
// deployment does at its first refresh, then adds 50,000 sessions without
// ANALYZE (a bulk import that autovacuum has not seen yet) and runs the
// cached generic plan: it must still find each member's session by key,
// not read the whole table per batch.
func TestRotationPlanSurvivesGrowth(t *testing.T) {
	db, _ := openFresh(t, Options{})
	c := fixture(t, db)
	now := time.Now().UTC().Truncate(time.Microsecond)
	const members = 8
	var hashes, nexts [][]byte
	var clients []string
	var nows, idles []time.Time
	for i := range members {
		hashes = append(hashes, session(t, db, c, fmt.Sprintf("s%03d", i), now))
		nexts = append(nexts, digest(fmt.Sprintf("next%d", i)))
		clients, nows, idles = append(clients, c.ID), append(nows, now), append(idles, now.Add(time.Hour))
	}
	ctx := context.Background()
	conn, err := db.rotPool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "PREPARE rot(bytea[], text[], timestamptz[], timestamptz[], bytea[]) AS "+rotateSQL); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, "DEALLOCATE rot")
	// Plan it now, on the small tables, and cache that plan.
	if _, err := conn.Exec(ctx, "EXPLAIN EXECUTE rot($1, $2, $3, $4, $5)", pgx.QueryExecModeSimpleProtocol, hashes, clients, nows, idles, nexts); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `INSERT INTO sessions(id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at)
		SELECT 'bulk-' || i, $1, '', $2, '', 1, $3, $3, $3, $3 FROM generate_series(1, 50000) i`, c.TenantID, c.ID, now); err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	pages := explainedPages(t, tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE rot($1, $2, $3, $4, $5)",
		pgx.QueryExecModeSimpleProtocol, hashes, clients, nows, idles, nexts), members)
	if pages > members*50 {
		t.Errorf("after 50,000 more sessions the cached plan touched %d pages for %d members, want at most %d", pages, members, members*50)
	} else {
		t.Logf("after 50,000 more sessions the cached plan touched %d pages for %d members", pages, members)
	}
}

// explainedPages reads the JSON of EXPLAIN (ANALYZE, BUFFERS) of one
// rotation batch from row, checks that it rotated all members, and
// returns the shared buffers it touched (hit or read).
func explainedPages(t *testing.T, row pgx.Row, members int64) int64 {
	t.Helper()
	var out []byte
	if err := row.Scan(&out); err != nil {
		t.Fatal(err)
	}
	var plans []struct {
		Plan struct {
			Rows int64 `json:"Actual Rows"`
			Hit  int64 `json:"Shared Hit Blocks"`
			Read int64 `json:"Shared Read Blocks"`
		}
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("EXPLAIN output %s: %v", out, err)
	}
	p := plans[0].Plan
	if p.Rows != members {
		t.Fatalf("batch rotated %d of %d members", p.Rows, members)
	}
	return p.Hit + p.Read
}

package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
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
	var out []byte
	if err := tx.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+rotateSQL, hashes, clients, nows, idles, nexts).Scan(&out); err != nil {
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
	const perMember = 50 // 25 now (token lookups, the session lock and update, the claim, the insert); 622 with the old plan
	if pages := p.Hit + p.Read; pages > members*perMember {
		t.Errorf("one batch of %d touched %d pages (%d per member), want at most %d per member", members, pages, pages/members, perMember)
	} else {
		t.Logf("one batch of %d touched %d pages (%d per member)", members, pages, pages/members)
	}
}

package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// TestPurgeSessions checks the SQLite side of sqlstore.EndedSessions: an
// ended session's row goes in the round after its tokens, a live one
// stays, and the writer's foreign-key checks are on again afterwards (a
// token for a missing session is still refused, foreign_key_check finds
// nothing).
func TestPurgeSessions(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	s, h := seed(t, db)
	rotateChain(t, db, h, 3)
	must(t, db.RevokeSession(ctx, s.ID, "logout", t0.Add(2*time.Minute)))
	live := &store.Session{ID: "live", TenantID: "ten", UserID: "usr", ClientID: "cli", Generation: 1, CreatedAt: t0,
		LastUsedAt: t0, IdleExpiresAt: t0.Add(48 * time.Hour), ExpiresAt: t0.Add(48 * time.Hour)}
	must(t, db.CreateSession(ctx, live, &store.RefreshToken{Hash: []byte("live-token-hash-0123456789abcdefg"),
		SessionID: live.ID, Generation: 1, CreatedAt: t0}))

	p := store.PurgeParams{Before: t0.Add(time.Hour), Batch: 2}
	var sum store.PurgeResult
	for range 10 {
		r, err := db.Purge(ctx, p)
		must(t, err)
		sum.Add(r)
		if r.Total() == 0 {
			break
		}
	}
	if sum.EndedTokens+sum.UsedTokens != 4 || sum.Sessions != 1 {
		t.Errorf("Purge removed %+v, want the revoked session's 4 tokens and its row", sum)
	}
	if _, err := db.GetSession(ctx, s.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSession(revoked) after purge = %v, want ErrNotFound", err)
	}
	if _, err := db.GetSession(ctx, live.ID); err != nil {
		t.Errorf("GetSession(live) after purge = %v", err)
	}
	if on := queryString(t, db.w, "PRAGMA foreign_keys"); on != "1" {
		t.Errorf("writer's foreign_keys after purge = %s, want 1", on)
	}
	orphan := &store.RefreshToken{Hash: []byte("orphan-token-hash-0123456789abcd"), SessionID: s.ID, Generation: 9, CreatedAt: t0}
	_, err := db.w.ExecContext(ctx, insertTokenSQL, orphan.Hash, orphan.SessionID, nil, orphan.Generation, int64(0), nil)
	if err == nil {
		t.Error("a token of the purged session was stored: foreign keys are off")
	}
	rows, err := db.r.QueryContext(ctx, "PRAGMA foreign_key_check")
	must(t, err)
	defer rows.Close()
	if rows.Next() {
		t.Error("foreign_key_check found a row referring to a purged session")
	}
}

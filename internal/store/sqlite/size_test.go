package sqlite

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// TestRetentionSize measures database + WAL after RENOVA_SIZE_ROTATIONS
// rotations (100 per session, a fake clock one second per rotation), with
// the retention job (retention 1h, a purge and TRUNCATE checkpoint every
// 10,000 rotations) and without. Skipped unless the variable is set.
func TestRetentionSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("RENOVA_SIZE_ROTATIONS"))
	if n == 0 {
		t.Skip("set RENOVA_SIZE_ROTATIONS=100000 to measure")
	}
	for _, purge := range []bool{false, true} {
		t.Run(fmt.Sprint("purge=", purge), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "size.db")
			db := openAt(t, path)
			ctx := context.Background()
			t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			must := func(err error) {
				if err != nil {
					t.Fatal(err)
				}
			}
			must(db.CreateTenant(ctx, &store.Tenant{ID: "t", Slug: "t", Name: "t", Code: 1, CreatedAt: t0}))
			must(db.CreateClient(ctx, &store.Client{ID: "c", TenantID: "t", Alg: "ES256", AccessTTL: time.Minute,
				IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, Grace: 10 * time.Second, CreatedAt: t0}))
			rnd := func() []byte { b := make([]byte, 32); rand.Read(b); return b }
			now := t0
			var h []byte
			start := time.Now()
			var removed int
			for i := range n {
				now = now.Add(time.Second)
				if i%100 == 0 {
					s := &store.Session{ID: fmt.Sprint("s", i), TenantID: "t", UserID: "u", ClientID: "c", Generation: 1,
						CreatedAt: now, LastUsedAt: now, IdleExpiresAt: now.Add(time.Hour), ExpiresAt: now.Add(24 * time.Hour)}
					h = rnd()
					must(db.CreateSession(ctx, s, &store.RefreshToken{Hash: h, SessionID: s.ID, Generation: 1, CreatedAt: now}))
					continue
				}
				next := rnd()
				_, err := db.Rotate(ctx, store.RotateParams{Hash: h, ClientID: "c", Now: now, IdleUntil: now.Add(time.Hour), NextHash: next})
				must(err)
				h = next
				if purge && i%10000 == 50 {
					for {
						r, err := db.Purge(ctx, store.PurgeParams{Before: now.Add(-time.Hour), AuditBefore: now.Add(-time.Hour)})
						must(err)
						removed += r.Total()
						if r.Total() == 0 {
							break
						}
					}
					_, err := db.CheckpointWAL(ctx)
					must(err)
				}
			}
			time.Sleep(300 * time.Millisecond) // one passive checkpoint
			size := func(p string) int64 {
				fi, err := os.Stat(p)
				if err != nil {
					return 0
				}
				return fi.Size()
			}
			t.Logf("%d rotations in %v, purge=%v removed %d: db %.1f MB, wal %.1f MB",
				n, time.Since(start).Round(time.Millisecond), purge, removed, float64(size(path))/1e6, float64(size(path+"-wal"))/1e6)
		})
	}
}

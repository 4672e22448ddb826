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

// TestRetentionSize measures database + WAL during and after
// RENOVA_SIZE_ROTATIONS rotations (100 per session, a fake clock one
// second per rotation), with the retention job and without. The job runs
// as the server's does, every 10 minutes of the fake clock (600
// rotations) with a 1h retention, purging until a round removes nothing;
// the job's TRUNCATE checkpoint after a purge is left out, because 600
// rotations take a fraction of a second here (10 real minutes in a
// server), so the WAL is bounded only by the store's own checkpointer,
// running on the real clock. The size is sampled every 20 rotations (about
// 0.5 MB of WAL) and the largest reported. Skipped unless the variable
// is set; the issue 14 acceptance run is RENOVA_SIZE_ROTATIONS=1000000
// (RENOVA_SIZE_PURGE_ONLY=1 skips the run without retention).
func TestRetentionSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("RENOVA_SIZE_ROTATIONS"))
	if n == 0 {
		t.Skip("set RENOVA_SIZE_ROTATIONS=100000 to measure")
	}
	purges := []bool{false, true}
	if os.Getenv("RENOVA_SIZE_PURGE_ONLY") != "" {
		purges = purges[1:]
	}
	for _, purge := range purges {
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
			size := func(p string) int64 {
				fi, err := os.Stat(p)
				if err != nil {
					return 0
				}
				return fi.Size()
			}
			var maxDB, maxWAL, maxSum int64
			rnd := func() []byte { b := make([]byte, 32); rand.Read(b); return b }
			now := t0
			var h []byte
			start := time.Now()
			var removed int
			for i := range n {
				now = now.Add(time.Second)
				if i%20 == 0 {
					maxDB, maxWAL = max(maxDB, size(path)), max(maxWAL, size(path+"-wal"))
					maxSum = max(maxSum, size(path)+size(path+"-wal"))
				}
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
				if purge && i%600 == 50 {
					for {
						r, err := db.Purge(ctx, store.PurgeParams{Before: now.Add(-time.Hour), AuditBefore: now.Add(-time.Hour)})
						must(err)
						removed += r.Total()
						if r.Total() == 0 {
							break
						}
					}
				}
			}
			mb := func(n int64) float64 { return float64(n) / 1e6 }
			t.Logf("%d rotations in %v, purge=%v removed %d: at the end db %.1f MB, wal %.1f MB; largest db %.1f MB, wal %.1f MB, db+wal %.1f MB",
				n, time.Since(start).Round(time.Millisecond), purge, removed, mb(size(path)), mb(size(path+"-wal")),
				mb(maxDB), mb(maxWAL), mb(maxSum))
		})
	}
}

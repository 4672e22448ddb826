package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// BenchRotate rotates chains in parallel on s (16 workers on 2 cores), each
// worker its own session, and reports rotations per second.
func BenchRotate(b *testing.B, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	ten := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "bench", Code: nextCode(), CreatedAt: now}
	u := &store.User{ID: id("usr"), TenantID: ten.ID, Login: "bench", CreatedAt: now, UpdatedAt: now}
	c := &store.Client{ID: id("cli"), TenantID: ten.ID, Alg: "ES256", CreatedAt: now}
	if err := s.CreateTenant(ctx, ten); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	if err := s.CreateClient(ctx, c); err != nil {
		b.Fatal(err)
	}
	// A failed rotation breaks its worker's chain (the next token was never
	// stored), so the worker stops; the benchmark fails at the end rather
	// than from inside RunParallel.
	var errs atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	// Each worker owns one session: the benchmark measures rotations that
	// do not contend for one token (that is testConcurrency's job), only
	// for the database's writer.
	b.RunParallel(func(pb *testing.PB) {
		sess := &store.Session{ID: id("ses"), TenantID: ten.ID, UserID: u.ID, ClientID: c.ID, Generation: 1, CreatedAt: now,
			LastUsedAt: now, IdleExpiresAt: now.Add(time.Hour), ExpiresAt: now.Add(time.Hour)}
		h := randomHash()
		if err := s.CreateSession(ctx, sess, &store.RefreshToken{Hash: h, SessionID: sess.ID, Generation: 1, CreatedAt: now}); err != nil {
			b.Error(err)
			return
		}
		for pb.Next() {
			next := randomHash()
			at := time.Now()
			if _, err := s.Rotate(ctx, store.RotateParams{Hash: h, ClientID: c.ID, Now: at, IdleUntil: at.Add(time.Hour), NextHash: next}); err != nil {
				errs.Add(1)
				return
			}
			h = next
		}
	})
	b.StopTimer()
	if errs.Load() > 0 {
		b.Fatalf("%d rotations failed", errs.Load())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rotations/s")
}

// randomHash returns the hash of a fresh random secret, as a login or a
// rotation stores it.
func randomHash() []byte {
	var b [32]byte
	rand.Read(b[:])
	h := sha256.Sum256(b[:])
	return h[:]
}

// BenchAppendAudit appends audit events in batches of 256, as the audit
// writer does, each event naming a tenant, user, client and session like
// a refresh's: what migration 0006's audit indexes cost on the hot path.
// It reports events per second.
func BenchAppendAudit(b *testing.B, s store.Store) {
	ctx := context.Background()
	now := time.Now().UTC()
	batch := make([]*store.AuditEvent, 256)
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		for j := range batch {
			n := (i + j) % 5000
			batch[j] = &store.AuditEvent{Time: now, TenantID: "ten_bench", Actor: "usr_" + itoa(n), Action: "refresh.rotated",
				Outcome: "success", SessionID: "ses_" + itoa(i+j), ClientID: "cli_" + itoa(n%20), UserID: "usr_" + itoa(n)}
		}
		if err := s.AppendAudit(ctx, batch...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// itoa is strconv.Itoa without the import for one use.
func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

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

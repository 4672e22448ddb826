package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// BenchmarkImport imports auth.MaxImportUsers (10^5) users in one call
// into a fresh tenant, on SQLite and PostgreSQL (issue 13, acceptance 2):
// bcrypt cost-4 hashes made at setup (1,000 distinct ones, used in turn:
// an import parses hashes, never computes them) and five users of each
// other format. It reports users/s and the peak Go heap during the
// import; the process's peak RSS comes from /usr/bin/time -v:
//
//	/usr/bin/time -v go test ./internal/auth -run '^$' -bench Import -benchtime 1x
func BenchmarkImport(b *testing.B) {
	hashes := bcryptFixtures(b, 1000)
	b.Run("sqlite", func(b *testing.B) { benchImport(b, apptest.Options{}, hashes) })
	b.Run("postgres", func(b *testing.B) { benchImport(b, apptest.Options{DatabaseURL: apptest.PostgresURL(b)}, hashes) })
}

func benchImport(b *testing.B, opt apptest.Options, hashes []string) {
	env := apptest.Start(b, opt)
	ctx := context.Background()
	var peak uint64
	for i := 0; b.Loop(); i++ {
		ten := &store.Tenant{ID: fmt.Sprintf("ten_bench%d", i), Slug: fmt.Sprintf("bench%d", i), Code: int64(1000 + i), CreatedAt: time.Now()}
		if err := env.App.Store.CreateTenant(ctx, ten); err != nil {
			b.Fatal(err)
		}
		stop := sampleHeap(&peak)
		sum, err := env.App.Svc.ImportUsers(ctx, ten.ID, &importGen{hashes: hashes, n: auth.MaxImportUsers}, func(auth.ImportResult) error { return nil })
		stop()
		if err != nil || sum.Created != auth.MaxImportUsers {
			b.Fatalf("ImportUsers = %+v, %v; want %d created", sum, err, auth.MaxImportUsers)
		}
	}
	b.ReportMetric(float64(b.N*auth.MaxImportUsers)/b.Elapsed().Seconds(), "users/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
}

// bcryptFixtures makes n distinct bcrypt cost-4 hashes.
func bcryptFixtures(b *testing.B, n int) []string {
	hashes := make([]string, n)
	for i := range hashes {
		h, err := bcrypt.GenerateFromPassword(fmt.Appendf(nil, "password %d", i), bcrypt.MinCost)
		if err != nil {
			b.Fatal(err)
		}
		hashes[i] = string(h)
	}
	return hashes
}

// sampleHeap records the largest heap in use into *peak until the
// returned stop is called; stop waits for the sampler to end.
func sampleHeap(peak *uint64) (stop func()) {
	done, ended := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(ended)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peak = max(*peak, m.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-ended }
}

// importGen streams an import of n users without holding it: line 1 the
// Firebase options, then five users of each non-bcrypt format, then bcrypt
// users.
type importGen struct {
	hashes []string
	n, i   int // users, users written
	buf    bytes.Buffer
	opts   bool
}

// others are the non-bcrypt users, five of each format.
var others = func() []string {
	var ls []string
	for k := range 5 {
		ls = append(ls, hashLine(fmt.Sprintf("argon%d", k), argonHash), hashLine(fmt.Sprintf("django%d", k), djangoHash),
			keycloakLine(fmt.Sprintf("kc256-%d", k), "pbkdf2-sha256", 27500, kcSHA256),
			keycloakLine(fmt.Sprintf("kc512-%d", k), "pbkdf2-sha512", 30000, kcSHA512),
			`{"login":"fire`+fmt.Sprint(k)+`","firebase_scrypt":{"hash":"`+fbHash+`","salt":"`+fbSalt+`"}}`)
	}
	return ls
}()

func (g *importGen) Read(p []byte) (int, error) {
	for g.buf.Len() < len(p) && (g.i < g.n || !g.opts) {
		switch {
		case !g.opts:
			g.opts = true
			g.buf.WriteString(fbOptions + "\n")
		case g.i < len(others):
			g.buf.WriteString(others[g.i] + "\n")
			g.i++
		default:
			fmt.Fprintf(&g.buf, `{"login":"user%06d","email":"user%06d@example.com","name":"User %d","password_hash":"%s"}`+"\n",
				g.i, g.i, g.i, g.hashes[g.i%len(g.hashes)])
			g.i++
		}
	}
	if g.buf.Len() == 0 {
		return 0, io.EOF
	}
	return g.buf.Read(p)
}

package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
	"github.com/renova-auth/renova/internal/store/storetest"
)

func testURL(tb testing.TB) string { return pgtest.URL(tb) }

func freshSchema(tb testing.TB, base string) string { return pgtest.FreshSchema(tb, base) }

// openFresh opens a store on a fresh schema.
func openFresh(tb testing.TB, opt Options) (*DB, string) {
	tb.Helper()
	u := freshSchema(tb, testURL(tb))
	db, err := Open(context.Background(), u, opt)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return db, u
}

func TestConformance(t *testing.T) {
	testURL(t) // skip (or fail in CI) once, not in every subtest
	storetest.Run(t, func(t *testing.T) store.Store {
		db, _ := openFresh(t, Options{})
		return db
	})
}

// TestOpenRace starts two replicas on one empty schema at once: the
// advisory lock makes one migrate and the other find the work done.
func TestOpenRace(t *testing.T) {
	u := freshSchema(t, testURL(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			db, err := Open(ctx, u, Options{MaxConns: 2})
			if err == nil {
				err = db.Ping(ctx)
				db.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open #%d = %v, want success", i, err)
		}
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM schema_migrations WHERE version = '0001_init'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("schema_migrations has %d rows for 0001_init, want 1", n)
	}
}

// TestStatementTimeout checks that Options.StatementTimeout reaches the
// server and that a cancelled statement is store.ErrUnavailable.
func TestStatementTimeout(t *testing.T) {
	db, _ := openFresh(t, Options{StatementTimeout: 100 * time.Millisecond})
	defer db.Close()
	ctx := context.Background()
	var setting string
	if err := db.pool.QueryRow(ctx, "SHOW statement_timeout").Scan(&setting); err != nil {
		t.Fatal(err)
	}
	if setting != "100ms" {
		t.Errorf("statement_timeout = %q, want 100ms", setting)
	}
	_, err := db.pool.Exec(ctx, "SELECT pg_sleep(2)")
	if err = translate(err); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("slow statement = %v, want ErrUnavailable", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping after a timeout = %v, want success", err)
	}
}

// TestUnreachable needs no database: a closed port and a server that
// accepts but never answers must both fail with store.ErrUnavailable, and
// fail fast.
func TestUnreachable(t *testing.T) {
	hung := hungServer(t)
	opt := Options{ConnectTimeout: 500 * time.Millisecond}
	cases := []struct{ name, url string }{
		{"closed port", "postgres://x@127.0.0.1:1/x?sslmode=disable"},
		{"closed port, sslmode prefer", "postgres://x@127.0.0.1:1/x"},
		{"silent server", "postgres://x@" + hung + "/x?sslmode=disable"},
	}
	for _, tc := range cases {
		start := time.Now()
		_, err := Open(context.Background(), tc.url, opt)
		t.Logf("Open(%s) after %v: %v", tc.name, time.Since(start).Round(time.Millisecond), err)
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("Open(%s) = %v, want ErrUnavailable", tc.name, err)
		}
		if d := time.Since(start); d > 3*opt.ConnectTimeout {
			t.Errorf("Open(%s) took %v, want under %v", tc.name, d, 3*opt.ConnectTimeout)
		}
		testPingUnreachable(t, tc.name, tc.url)
	}
}

// testPingUnreachable checks Ping on a pool that never connected: it must
// give up by the context deadline even with a long connect timeout.
func testPingUnreachable(t *testing.T, name, u string) {
	cfg, err := poolConfig(u, Options{ConnectTimeout: time.Minute}.withDefaults())
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	rotPool, err := pgxpool.NewWithConfig(context.Background(), rotationConfig(cfg))
	if err != nil {
		t.Fatal(err)
	}
	db := newDB(pool, rotPool)
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = db.Ping(ctx)
	t.Logf("Ping(%s) after %v: %v", name, time.Since(start).Round(time.Millisecond), err)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Ping(%s) = %v, want ErrUnavailable", name, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Ping(%s) took %v, want about the 300ms deadline", name, d)
	}
}

// hungServer listens on a loopback port, accepts connections and never
// writes a byte, like a database host that stopped answering.
func hungServer(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestTranslate(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code}) }
	cases := []struct {
		name string
		err  error
		want error // nil: none of the sentinels
	}{
		{"no rows", pgx.ErrNoRows, store.ErrNotFound},
		{"unique violation", pg("23505"), store.ErrConflict},
		{"statement timeout", pg("57014"), store.ErrUnavailable},
		{"admin shutdown", pg("57P01"), store.ErrUnavailable},
		{"connection failure", pg("08006"), store.ErrUnavailable},
		{"deadline", fmt.Errorf("query: %w", context.DeadlineExceeded), store.ErrUnavailable},
		{"network", &net.OpError{Op: "read", Err: errors.New("reset")}, store.ErrUnavailable},
		{"foreign key", pg("23503"), nil},
		{"syntax", pg("42601"), nil},
	}
	sentinels := []error{store.ErrNotFound, store.ErrConflict, store.ErrUnavailable, store.ErrNotClaimed}
	for _, tc := range cases {
		got := translate(tc.err)
		for _, s := range sentinels {
			if errors.Is(got, s) != (s == tc.want) {
				t.Errorf("translate(%s) = %v; errors.Is(%v) = %v", tc.name, got, s, !(s == tc.want))
			}
		}
		if tc.want != nil && tc.want != store.ErrNotFound && !errors.Is(got, tc.err) {
			t.Errorf("translate(%s) = %v, lost the cause", tc.name, got)
		}
	}
}

// fixture creates a tenant, user and client on db and returns the client.
func fixture(t testing.TB, db *DB) *store.Client {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	ten := &store.Tenant{ID: "ten", Slug: "acme", Name: "Acme", Code: 1, CreatedAt: now}
	if err := db.CreateTenant(ctx, ten); err != nil {
		t.Fatal(err)
	}
	u := &store.User{ID: "usr", TenantID: ten.ID, Login: "alice", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	c := &store.Client{ID: "cli", TenantID: ten.ID, Alg: "ES256", IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, CreatedAt: now}
	if err := db.CreateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// session stores a fresh session of c starting at now and returns its
// first token's hash.
func session(t testing.TB, db *DB, c *store.Client, id string, now time.Time) []byte {
	t.Helper()
	s := &store.Session{ID: id, TenantID: c.TenantID, UserID: "usr", ClientID: c.ID, Generation: 1,
		CreatedAt: now, LastUsedAt: now, IdleExpiresAt: now.Add(c.IdleTTL), ExpiresAt: now.Add(c.AbsoluteTTL)}
	h := digest(id + "/1")
	if err := db.CreateSession(context.Background(), s, &store.RefreshToken{Hash: h, SessionID: id, Generation: 1, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	return h
}

func digest(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"github.com/renova-auth/renova/internal/store/storetest"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/renova-auth/renova/internal/store"
)

// connect opens a connection of its own to u, closed when the test ends:
// what the tests read or change behind the store's back.
func connect(t *testing.T, u string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// queryText runs q on its own connection to u and returns its one value.
func queryText(t *testing.T, u, q string) string {
	t.Helper()
	var s string
	if err := connect(t, u).QueryRow(context.Background(), q).Scan(&s); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return s
}

// exec runs q on its own connection to u.
func exec(t *testing.T, u, q string) {
	t.Helper()
	if _, err := connect(t, u).Exec(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// reopen opens a store on u and closes it: Open applies the migrations.
func reopen(t *testing.T, u string) {
	t.Helper()
	db, err := Open(context.Background(), u, Options{MaxConns: 2})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	db.Close()
}

// TestMigrationsIdempotent opens one schema three times: every embedded
// migration is recorded once, with the time of its first run.
func TestMigrationsIdempotent(t *testing.T) {
	u := freshSchema(t, testURL(t))
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range names {
		names[i] = strings.TrimSuffix(filepath.Base(n), ".sql")
	}
	const list = "SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations"
	const stamps = "SELECT string_agg(applied_at::text, ',' ORDER BY version) FROM schema_migrations"
	var first string
	for i := range 3 {
		reopen(t, u)
		if got := queryText(t, u, list); got != strings.Join(names, ",") {
			t.Fatalf("open #%d: schema_migrations = %s, want %s", i+1, got, strings.Join(names, ","))
		}
		if i == 0 {
			first = queryText(t, u, stamps)
		} else if got := queryText(t, u, stamps); got != first {
			t.Errorf("open #%d: applied_at = %s, want %s (re-applied)", i+1, got, first)
		}
	}
}

// TestPendingMigrationApplied undoes the last migration by hand, as on a
// database of an older release: Open applies it again, and only it.
func TestPendingMigrationApplied(t *testing.T) {
	u := freshSchema(t, testURL(t))
	reopen(t, u)
	exec(t, u, `CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
		DELETE FROM schema_migrations WHERE version = '0002_drop_token_session_index'`)
	reopen(t, u)
	if n := queryText(t, u, "SELECT count(*)::text FROM pg_indexes WHERE indexname = 'refresh_tokens_session' AND schemaname = current_schema()"); n != "0" {
		t.Errorf("index refresh_tokens_session after reopening: %s, want 0 (0002 applied again)", n)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if n := queryText(t, u, "SELECT count(*)::text FROM schema_migrations"); n != fmt.Sprint(len(names)) {
		t.Errorf("schema_migrations has %s rows, want %d (one per embedded migration)", n, len(names))
	}
}

// TestPoolConfig checks how Options reach pgx: defaults for zero fields,
// and statement_timeout in whole milliseconds, never 0 (which would mean
// no limit at all).
func TestPoolConfig(t *testing.T) {
	const u = "postgres://x@127.0.0.1:5432/x?sslmode=disable"
	cases := []struct {
		name    string
		opt     Options
		conns   int32
		connect time.Duration
		stmt    string
	}{
		{"defaults", Options{}, 16, 5 * time.Second, "5000"},
		{"explicit", Options{MaxConns: 3, StatementTimeout: 250 * time.Millisecond, ConnectTimeout: time.Second}, 3, time.Second, "250"},
		{"under a millisecond", Options{StatementTimeout: time.Microsecond}, 16, 5 * time.Second, "1"},
	}
	for _, tc := range cases {
		cfg, err := poolConfig(u, tc.opt.withDefaults())
		if err != nil {
			t.Fatalf("poolConfig(%s) = %v", tc.name, err)
		}
		got := fmt.Sprint(cfg.MaxConns, cfg.ConnConfig.ConnectTimeout, cfg.ConnConfig.RuntimeParams["statement_timeout"])
		if want := fmt.Sprint(tc.conns, tc.connect, tc.stmt); got != want {
			t.Errorf("poolConfig(%s) = %s, want %s", tc.name, got, want)
		}
	}
	if _, err := poolConfig("postgres://x@[::1", Options{}.withDefaults()); err == nil || errors.Is(err, store.ErrUnavailable) {
		t.Errorf("poolConfig(bad URL) = %v, want a plain error (a typo is not an outage)", err)
	}
}

// TestRotationPlanIsGeneric checks, on the server, that rotations run on
// their own connections with a generic plan that reaches tables by key
// (TestRotationPlanSurvivesGrowth), and that the rest keep PostgreSQL's
// choice: a custom plan per batch cost 0.4 ms of planning
// against 0.1 ms of execution (issue 16), and a generic plan elsewhere
// could not use the partial indexes.
func TestRotationPlanIsGeneric(t *testing.T) {
	db, _ := openFresh(t, Options{MaxConns: 3})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		pool *pgxpool.Pool
		want string
	}{{"rotation pool", db.rotPool, "force_generic_plan off"}, {"main pool", db.pool, "auto on"}} {
		var mode, seqscan string
		if err := tc.pool.QueryRow(ctx, "SELECT current_setting('plan_cache_mode'), current_setting('enable_seqscan')").Scan(&mode, &seqscan); err != nil {
			t.Fatal(err)
		}
		if got := mode + " " + seqscan; got != tc.want {
			t.Errorf("%s: plan_cache_mode, enable_seqscan = %s, want %s", tc.name, got, tc.want)
		}
	}
	if got := db.rotPool.Config().MaxConns; got != rotateInFlight {
		t.Errorf("rotation pool size = %d, want %d (one per batch in flight)", got, rotateInFlight)
	}
}

// TestErrorsFromTheServer provokes real errors and checks their mapping
// through the store's verbs: the sentinel, and the driver's error kept as
// the cause for the log.
func TestErrorsFromTheServer(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	ctx := context.Background()
	c := fixture(t, db)
	dupTenant := db.CreateTenant(ctx, &store.Tenant{ID: "t2", Slug: "acme", Name: "n", Code: 2, CreatedAt: t0})
	var pgErr *pgconn.PgError
	if !errors.Is(dupTenant, store.ErrConflict) || !errors.As(dupTenant, &pgErr) || pgErr.Code != "23505" {
		t.Errorf("CreateTenant(taken slug) = %v, want ErrConflict wrapping SQLSTATE 23505", dupTenant)
	}
	orphan := db.CreateUser(ctx, &store.User{ID: "u2", TenantID: "nope", Login: "bob", CreatedAt: t0, UpdatedAt: t0})
	if orphan == nil || errors.Is(orphan, store.ErrConflict) || errors.Is(orphan, store.ErrUnavailable) {
		t.Errorf("CreateUser(unknown tenant) = %v, want a foreign-key error that is no sentinel", orphan)
	}
	if _, err := db.GetClient(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetClient(unknown) = %v, want ErrNotFound", err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.GetClient(canceled, c.ID); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("GetClient(canceled context) = %v, want ErrUnavailable", err)
	}
	if _, err := db.Rotate(ctx, store.RotateParams{Hash: digest("unknown"), ClientID: c.ID, Now: t0, IdleUntil: t0}); !errors.Is(err, store.ErrNotClaimed) {
		t.Errorf("Rotate(unknown) = %v, want ErrNotClaimed", err)
	}
	db.Close()
	if _, err := db.GetClient(ctx, c.ID); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("GetClient after Close = %v, want ErrUnavailable", err)
	}
}

// TestRotateKeysAcrossReplicas rotates one algorithm's keys from two pools
// at once, as two replicas' schedulers might: the advisory lock makes the
// rotations run one after the other, so the keys end as one chain.
func TestRotateKeysAcrossReplicas(t *testing.T) {
	a, u := openFresh(t, Options{MaxConns: 4})
	defer a.Close()
	b, err := Open(context.Background(), u, Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	key := func(id, state string) *store.Key {
		return &store.Key{ID: id, Alg: "ES256", State: state, Public: []byte("{}"), Private: []byte{1}, CreatedAt: t0}
	}
	must(t, a.CreateKey(ctx, key("k0", store.KeyCurrent)))
	must(t, a.CreateKey(ctx, key("k1", store.KeyNext)))
	const n = 10
	var wg sync.WaitGroup
	for i := range n {
		db := []*DB{a, b}[i%2]
		wg.Go(func() {
			if err := db.RotateKeys(ctx, "ES256", key(fmt.Sprint("f", i), store.KeyNext), t0.Add(time.Minute), time.Time{}); err != nil {
				t.Errorf("RotateKeys #%d = %v", i, err)
			}
		})
	}
	wg.Wait()
	keys, err := a.ListKeys(ctx)
	must(t, err)
	count := map[string]int{}
	for _, k := range keys {
		count[k.State]++
	}
	want := map[string]int{store.KeyRetired: n, store.KeyCurrent: 1, store.KeyNext: 1}
	if fmt.Sprint(count) != fmt.Sprint(want) {
		t.Errorf("after %d concurrent rotations: %v, want %v", n, count, want)
	}
}

// TestBulkRevocationsOverlap runs two bulk revocations over the same
// sessions at once (log out everywhere racing a password change): no
// deadlock, and every session is counted by exactly one of them.
func TestBulkRevocationsOverlap(t *testing.T) {
	db, _ := openFresh(t, Options{MaxConns: 4})
	defer db.Close()
	c := fixture(t, db)
	const n = 30
	for i := range n {
		session(t, db, c, fmt.Sprint("ses", i), t0)
	}
	ctx := context.Background()
	counts := make([]int, 2)
	var wg sync.WaitGroup
	for i, f := range []store.SessionFilter{{UserID: "usr"}, {ClientID: c.ID}} {
		wg.Go(func() {
			var err error
			counts[i], err = db.RevokeSessions(ctx, f, fmt.Sprint("reason", i), t0)
			if err != nil {
				t.Errorf("RevokeSessions(%+v) = %v", f, err)
			}
		})
	}
	wg.Wait()
	if counts[0]+counts[1] != n {
		t.Errorf("revoked %d + %d sessions, want %d in all", counts[0], counts[1], n)
	}
}

// TestListSessionsBreaksTiesByID checks PostgreSQL's order: newest first,
// and sessions created in the same microsecond by id, since PostgreSQL has
// no insertion order to fall back on.
func TestListSessionsBreaksTiesByID(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	c := fixture(t, db)
	for _, id := range []string{"b", "c", "a"} {
		session(t, db, c, id, t0)
	}
	session(t, db, c, "newest", t0.Add(time.Second))
	list, err := db.ListSessions(context.Background(), store.SessionFilter{ClientID: c.ID})
	must(t, err)
	var ids []string
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	if want := []string{"newest", "a", "b", "c"}; !slices.Equal(ids, want) {
		t.Errorf("ListSessions = %v, want %v", ids, want)
	}
}

// TestMigrateKeepsData builds a schema as the release before browser
// sign-in left it (every migration before 0003_browsers), with a tenant,
// a user, a client, a session and its token, then opens it: 0003 applies,
// every row reads back as before, the new fields read as empty, and the
// refresh path still works on the old session.
func TestMigrateKeepsData(t *testing.T) {
	u := freshSchema(t, testURL(t))
	ctx := context.Background()
	conn := connect(t, u)
	if _, err := conn.Exec(ctx, `CREATE TABLE schema_migrations (
		version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		t.Fatal(err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	must(t, err)
	slices.Sort(names)
	for _, name := range names {
		if name >= "migrations/0003_browsers.sql" {
			break
		}
		must(t, apply(ctx, conn, name))
	}
	for _, q := range []string{
		"INSERT INTO tenants(id, slug, name, code, created_at) VALUES ('ten', 'acme', 'Acme', 1, $1)",
		"INSERT INTO users(id, tenant_id, login, seq, created_at, updated_at) VALUES ('usr', 'ten', 'alice', 1, $1, $1)",
		`INSERT INTO clients(id, tenant_id, name, redirect_uris, grants, alg, access_ttl, idle_ttl, absolute_ttl, grace, created_at)
			VALUES ('cli', 'ten', 'old', '{https://old.example/cb}', '{password,refresh_token}', 'ES256', 60000000000, 3600000000000, 86400000000000, 0, $1)`,
		`INSERT INTO sessions(id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at, ip)
			VALUES ('ses', 'ten', 'usr', 'cli', 'openid', 1, $1, $1, $1::timestamptz + interval '1 hour', $1::timestamptz + interval '1 day', '192.0.2.1')`,
		"INSERT INTO refresh_tokens(hash, session_id, generation, created_at) VALUES ('\\x0102', 'ses', 1, $1)",
	} {
		if _, err := conn.Exec(ctx, q, t0); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db, err := Open(ctx, u, Options{MaxConns: 2})
	must(t, err)
	defer db.Close()
	if n := queryText(t, u, "SELECT count(*)::text FROM schema_migrations WHERE version = '0003_browsers'"); n != "1" {
		t.Fatalf("0003_browsers recorded %s times, want 1", n)
	}
	storetest.CheckMigrated(t, db, t0)
}

// TestResourceFaultsAreUnavailable raises, from a real server, the errors
// a full or read-only database answers with: each is ErrUnavailable (the
// 503 to retry) wrapping the server's error, and a constraint error is
// still no sentinel.
func TestResourceFaultsAreUnavailable(t *testing.T) {
	db, _ := openFresh(t, Options{})
	defer db.Close()
	ctx := context.Background()
	raise := func(code string) error {
		_, err := db.pool.Exec(ctx, fmt.Sprintf(`DO $$ BEGIN RAISE EXCEPTION 'provoked' USING ERRCODE = '%s'; END $$`, code))
		return err
	}
	for _, code := range []string{"53100", "53200", "53300", "53400", "53000", "25006", "57P01", "57P03", "58030", "08006"} {
		err := raise(code)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != code {
			t.Fatalf("raise %s = %v", code, err)
		}
		if got := translate(err); !errors.Is(got, store.ErrUnavailable) || !errors.Is(got, err) {
			t.Errorf("translate(SQLSTATE %s) = %v, want ErrUnavailable wrapping the cause", code, got)
		}
	}
	if got := translate(raise("23503")); errors.Is(got, store.ErrUnavailable) || errors.Is(got, store.ErrConflict) {
		t.Errorf("translate(foreign key violation) = %v, want no sentinel", got)
	}
	// A real read-only transaction, as on a standby after failover.
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "CREATE TEMP TABLE x(a int)")
	if got := translate(err); !errors.Is(got, store.ErrUnavailable) {
		t.Errorf("write in a read-only transaction: translate(%v) = %v, want ErrUnavailable", err, got)
	}
}

// Package storetest is the conformance suite every store.Store backend runs
// unchanged (STYLE.md rule 6): a backend's test is one line calling Run.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Factory returns a new, empty, migrated store; the suite closes it.
type Factory func(t *testing.T) store.Store

// t0 is the suite's fixed clock origin; times are truncated to microseconds,
// the precision every backend keeps.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Run runs the whole conformance suite against stores made by newStore.
func Run(t *testing.T, newStore Factory) {
	cases := []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"Tenants", testTenants},
		{"Users", testUsers},
		{"CreateUsers", testCreateUsers},
		{"Clients", testClients},
		{"RotateClaimsOnce", testRotateClaimsOnce},
		{"RotateRefusesDeadSessions", testRotateRefuses},
		{"RotateKeepsAbsoluteExpiry", testRotateAbsolute},
		{"RefreshState", testRefreshState},
		{"RevokeSessions", testRevokeSessions},
		{"Keys", testKeys},
		{"Audit", testAudit},
		{"AllOrNothing", testAllOrNothing},
		{"RoundTrip", testRoundTrip},
		{"BrowserSessions", testBrowserSessions},
		{"RevokeBrowserSessions", testRevokeBrowserSessions},
		{"AuthCodes", testAuthCodes},
		{"SessionsByBrowser", testSessionsByBrowser},
		{"Concurrency", testConcurrency},
		{"ConcurrentAuthCodeClaims", testClaimAuthCodeConcurrency},
		{"Retention", testRetention},
		{"Legacy", testLegacy},
		{"Stats", testStats},
		{"CreateTenantWith", testSeed},
	}
	// Every case gets a store of its own: cases cannot depend on each
	// other's data, and a backend that leaks state between stores (a
	// shared file, a shared schema) shows up as a failing case.
	for _, tc := range append(cases, adminCases...) {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

// ctx returns a context that bounds one store call of the test, so that a
// backend that hangs (a lost lock, a stuck writer) fails the test instead
// of blocking the whole run until go test's timeout.
func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// id returns a random id with a readable prefix. Ids are random, not
// counted, because PostgreSQL factories may hand out schemas that other
// packages' tests share a server with, and because a random id makes a
// test that leaks state into another fail instead of passing by luck.
func id(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return fmt.Sprintf("%s_%x", prefix, b)
}

// hash returns the SHA-256 of s, the form in which tokens are stored.
func hash(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// must stops the test on an error of a call that is set-up, not the
// subject of the test.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture is a tenant, a user and a client to hang sessions on.
type fixture struct {
	tenant *store.Tenant // a tenant of its own, so fixtures never collide
	user   *store.User   // Alice, with one role and one attribute
	client *store.Client // a confidential client: idle 1h, absolute 24h
}

// codes hands out tenant codes, which are unique per database: a channel
// of one, so that subtests and benchmarks running in parallel never take
// the same code.
var codes = make(chan int64, 1)

func init() { codes <- 1000 }

// nextCode returns an unused tenant code.
func nextCode() int64 {
	c := <-codes
	codes <- c + 1
	return c
}

// newFixture stores a tenant, a user with roles and attributes, and a
// confidential client with a grace window, all created at t0.
func newFixture(t *testing.T, s store.Store) fixture {
	t.Helper()
	ten := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "Acme", Type: "matriz", Code: nextCode(), CreatedAt: t0}
	must(t, s.CreateTenant(ctx(t), ten))
	u := &store.User{ID: id("usr"), TenantID: ten.ID, Login: "Alice", Email: "alice@example.com", Name: "Alice A",
		Roles: []string{"admin"}, Attributes: map[string]string{"cpf": "123"}, PasswordHash: "h", CreatedAt: t0, UpdatedAt: t0}
	must(t, s.CreateUser(ctx(t), u))
	c := &store.Client{ID: id("cli"), TenantID: ten.ID, Name: "web", Alg: "ES256", Grants: []string{"password", "refresh_token"},
		AccessTTL: 15 * time.Minute, IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, Grace: 10 * time.Second, CreatedAt: t0}
	must(t, s.CreateClient(ctx(t), c))
	return fixture{ten, u, c}
}

// newSession stores a session of f created at t0 and returns it with the
// hash of its first token.
func newSession(t *testing.T, s store.Store, f fixture) (*store.Session, []byte) {
	t.Helper()
	sess := &store.Session{ID: id("ses"), TenantID: f.tenant.ID, UserID: f.user.ID, ClientID: f.client.ID, Scope: "openid",
		Generation: 1, CreatedAt: t0, LastUsedAt: t0, IdleExpiresAt: t0.Add(time.Hour), ExpiresAt: t0.Add(24 * time.Hour),
		IP: "127.0.0.1", UserAgent: "test"}
	h := hash(id("rt"))
	must(t, s.CreateSession(ctx(t), sess, &store.RefreshToken{Hash: h, SessionID: sess.ID, Generation: 1, CreatedAt: t0}))
	return sess, h
}

// rotate presents the token h for f's client at the moment at, with an
// idle timeout of one hour, and returns the successor's hash with Rotate's
// results.
func rotate(s store.Store, t *testing.T, f fixture, h []byte, at time.Time) ([]byte, *store.Session, error) {
	next := hash(id("rt"))
	sess, err := s.Rotate(ctx(t), store.RotateParams{Hash: h, ClientID: f.client.ID, Now: at, IdleUntil: at.Add(time.Hour), NextHash: next})
	return next, sess, err
}

// testTenants checks the tenant verbs: a stored tenant reads back equal,
// an unknown id is ErrNotFound, and a taken slug is ErrConflict (a slug
// names the tenant in URLs, so two tenants cannot share one).
func testTenants(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	got, err := s.TenantBySlug(ctx(t), f.tenant.Slug)
	must(t, err)
	if *got != *f.tenant {
		t.Errorf("TenantBySlug = %+v, want %+v", got, f.tenant)
	}
	if _, err := s.GetTenant(ctx(t), "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetTenant(unknown) = %v, want ErrNotFound", err)
	}
	dup := *f.tenant
	dup.ID = id("ten")
	if err := s.CreateTenant(ctx(t), &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateTenant(same slug) = %v, want ErrConflict", err)
	}
	list, err := s.ListTenants(ctx(t))
	must(t, err)
	if len(list) != 1 {
		t.Errorf("ListTenants = %d tenants, want 1", len(list))
	}
}

// testUsers checks the user verbs: login by name or e-mail in any case
// (users type their login as they remember it), a login taken in another
// case is ErrConflict, sequence numbers count up per tenant, and the
// one-row updates report an unknown user as ErrNotFound.
func testUsers(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	for _, login := range []string{"alice", "ALICE", "alice@example.com", "Alice@Example.com"} {
		u, err := s.UserByLogin(ctx(t), f.tenant.ID, login)
		if err != nil || u.ID != f.user.ID {
			t.Errorf("UserByLogin(%q) = %v, %v; want user %s", login, u, err, f.user.ID)
		}
	}
	if _, err := s.UserByLogin(ctx(t), f.tenant.ID, "bob"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UserByLogin(bob) = %v, want ErrNotFound", err)
	}
	u, err := s.GetUser(ctx(t), f.user.ID)
	must(t, err)
	if u.Seq != 1 || u.Roles[0] != "admin" || u.Attributes["cpf"] != "123" || !u.CreatedAt.Equal(t0) {
		t.Errorf("GetUser = %+v, want seq 1, roles [admin], cpf 123", u)
	}
	// "alice" against the stored "Alice": logins are unique without regard
	// to case, or two users could log in as each other's name.
	dup := &store.User{ID: id("usr"), TenantID: f.tenant.ID, Login: "alice", CreatedAt: t0, UpdatedAt: t0}
	if err := s.CreateUser(ctx(t), dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateUser(same login, other case) = %v, want ErrConflict", err)
	}
	// A zero Seq asks the store for the tenant's next number.
	bob := &store.User{ID: id("usr"), TenantID: f.tenant.ID, Login: "bob", CreatedAt: t0, UpdatedAt: t0}
	must(t, s.CreateUser(ctx(t), bob))
	if bob.Seq != 2 {
		t.Errorf("second user's Seq = %d, want 2", bob.Seq)
	}
	must(t, s.SetPassword(ctx(t), bob.ID, "new-hash", t0.Add(time.Minute)))
	must(t, s.SetDisabled(ctx(t), bob.ID, true, t0.Add(time.Minute)))
	got, err := s.GetUser(ctx(t), bob.ID)
	must(t, err)
	if got.PasswordHash != "new-hash" || !got.Disabled || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("after SetPassword+SetDisabled: %+v", got)
	}
	if err := s.SetDisabled(ctx(t), "nope", true, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetDisabled(unknown) = %v, want ErrNotFound", err)
	}
	list, err := s.ListUsers(ctx(t), f.tenant.ID)
	must(t, err)
	if len(list) != 2 || list[0].Login != "Alice" {
		t.Errorf("ListUsers = %d users, want 2 with Alice first", len(list))
	}
}

// testClients checks the client verbs, including the partner API key:
// the empty hash never matches, and setting "" revokes a key.
func testClients(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	c, err := s.GetClient(ctx(t), f.client.ID)
	must(t, err)
	if c.Grace != 10*time.Second || c.AbsoluteTTL != 24*time.Hour || len(c.Grants) != 2 || c.Alg != "ES256" {
		t.Errorf("GetClient = %+v", c)
	}
	if err := s.CreateClient(ctx(t), f.client); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateClient(same id) = %v, want ErrConflict", err)
	}
	list, err := s.ListClients(ctx(t), "")
	must(t, err)
	if len(list) != 1 {
		t.Errorf("ListClients = %d, want 1", len(list))
	}
	if _, err := s.ClientByAPIKey(ctx(t), ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ClientByAPIKey(\"\") = %v, want ErrNotFound", err)
	}
	// Set, find, revoke, and no longer find: the key's whole life.
	must(t, s.SetAPIKey(ctx(t), f.client.ID, "abc123"))
	got, err := s.ClientByAPIKey(ctx(t), "abc123")
	if err != nil || got.ID != f.client.ID {
		t.Errorf("ClientByAPIKey = %v, %v; want %s", got, err, f.client.ID)
	}
	must(t, s.SetAPIKey(ctx(t), f.client.ID, ""))
	if _, err := s.ClientByAPIKey(ctx(t), "abc123"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ClientByAPIKey after revoking = %v, want ErrNotFound", err)
	}
	if err := s.SetAPIKey(ctx(t), "nope", "x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetAPIKey(unknown) = %v, want ErrNotFound", err)
	}
}

// testRotateClaimsOnce checks the heart of rotation (PRODUCT.md §2): a
// token is claimed once, the session's generation and idle expiry move
// on, a second presentation is ErrNotClaimed, and the successor rotates.
func testRotateClaimsOnce(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	sess, h := newSession(t, s, f)
	at := t0.Add(time.Minute)
	next, got, err := rotate(s, t, f, h, at)
	must(t, err)
	if got.ID != sess.ID || got.Generation != 2 || !got.LastUsedAt.Equal(at) || !got.IdleExpiresAt.Equal(at.Add(time.Hour)) {
		t.Errorf("Rotate = %+v, want generation 2, last use %v", got, at)
	}
	if _, _, err := rotate(s, t, f, h, at); !errors.Is(err, store.ErrNotClaimed) {
		t.Errorf("second Rotate of one token = %v, want ErrNotClaimed", err)
	}
	if _, _, err := rotate(s, t, f, next, at.Add(time.Second)); err != nil {
		t.Errorf("Rotate(successor) = %v, want success", err)
	}
	if _, _, err := rotate(s, t, f, hash("unknown"), at); !errors.Is(err, store.ErrNotClaimed) {
		t.Errorf("Rotate(unknown) = %v, want ErrNotClaimed", err)
	}
}

// testRotateRefuses checks every reason Rotate must claim nothing for, and
// that refusing leaves the token untouched: the caller reads RefreshState
// afterwards to tell the client why, and a refused token must still look
// unused.
func testRotateRefuses(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	other := &store.Client{ID: id("cli"), TenantID: f.tenant.ID, Alg: "ES256", CreatedAt: t0}
	must(t, s.CreateClient(ctx(t), other))
	cases := []struct {
		name string
		at   time.Duration
		prep func(sess *store.Session)
		fx   func(fixture) fixture
	}{
		// Expiry is exclusive: at exactly t0+1h the idle expiry has passed.
		{"idle expired", time.Hour, nil, nil},
		{"absolute expired", 25 * time.Hour, nil, nil},
		{"revoked", time.Minute, func(sess *store.Session) { must(t, s.RevokeSession(ctx(t), sess.ID, "logout", t0)) }, nil},
		// A token presented by a client that does not own its session is
		// refused like an unknown one (a leaked token is useless elsewhere).
		{"other client", time.Minute, nil, func(f fixture) fixture { f.client = other; return f }},
	}
	for _, tc := range cases {
		sess, h := newSession(t, s, f)
		if tc.prep != nil {
			tc.prep(sess)
		}
		fx := f
		if tc.fx != nil {
			fx = tc.fx(f)
		}
		if _, _, err := rotate(s, t, fx, h, t0.Add(tc.at)); !errors.Is(err, store.ErrNotClaimed) {
			t.Errorf("Rotate(%s) = %v, want ErrNotClaimed", tc.name, err)
		}
		st, err := s.RefreshState(ctx(t), h)
		must(t, err)
		if st.Token.Used() || st.Child != nil {
			t.Errorf("Rotate(%s) changed the token: used %v, child %v", tc.name, st.Token.Used(), st.Child)
		}
	}
}

// testRotateAbsolute rotates a chain every 50 minutes for a day: each
// rotation extends the idle expiry, but never past the absolute one, and
// at the absolute expiry the chain ends however recently it was used.
func testRotateAbsolute(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	_, h := newSession(t, s, f)
	var got *store.Session
	// Every 50 minutes keeps the chain inside its one-hour idle window.
	for at := 50 * time.Minute; at < 24*time.Hour; at += 50 * time.Minute {
		next, sess, err := rotate(s, t, f, h, t0.Add(at))
		must(t, err)
		h, got = next, sess
	}
	end := t0.Add(24 * time.Hour)
	if !got.IdleExpiresAt.Equal(end) || !got.ExpiresAt.Equal(end) {
		t.Errorf("after a day of rotations: idle expiry %v, absolute %v; want both %v", got.IdleExpiresAt, got.ExpiresAt, end)
	}
	if _, _, err := rotate(s, t, f, h, end); !errors.Is(err, store.ErrNotClaimed) {
		t.Errorf("Rotate at the absolute expiry = %v, want ErrNotClaimed", err)
	}
}

// testRefreshState checks what the core reads to explain a refused Rotate:
// a fresh token has no child, a rotated one has exactly its successor
// (with the right parent and generation), an unknown one is ErrNotFound.
func testRefreshState(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	sess, h := newSession(t, s, f)
	st, err := s.RefreshState(ctx(t), h)
	must(t, err)
	if st.Token.Used() || st.Child != nil || st.Session.ID != sess.ID || st.Token.Generation != 1 {
		t.Errorf("RefreshState(fresh) = %+v", st)
	}
	at := t0.Add(time.Minute)
	next, _, err := rotate(s, t, f, h, at)
	must(t, err)
	st, err = s.RefreshState(ctx(t), h)
	must(t, err)
	if !st.Token.UsedAt.Equal(at) || st.Child == nil || string(st.Child.Hash) != string(next) || st.Child.Generation != 2 || st.Session.Generation != 2 {
		t.Errorf("RefreshState(rotated) = token %+v child %+v session gen %d", st.Token, st.Child, st.Session.Generation)
	}
	if string(st.Child.ParentHash) != string(h) {
		t.Errorf("child's parent = %x, want %x", st.Child.ParentHash, h)
	}
	if _, err := s.RefreshState(ctx(t), hash("unknown")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RefreshState(unknown) = %v, want ErrNotFound", err)
	}
}

// testRevokeSessions checks single and bulk revocation: the first
// revocation's reason and time win (an audit trail must not be rewritten
// by a later logout), ExceptSession spares the caller's own session, and
// Active listing leaves revoked sessions out.
func testRevokeSessions(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a, _ := newSession(t, s, f)
	b, _ := newSession(t, s, f)
	c, _ := newSession(t, s, f)
	must(t, s.RevokeSession(ctx(t), a.ID, "logout", t0.Add(time.Minute)))
	must(t, s.RevokeSession(ctx(t), a.ID, "again", t0.Add(2*time.Minute)))
	got, err := s.GetSession(ctx(t), a.ID)
	must(t, err)
	if got.RevokeReason != "logout" || !got.RevokedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("revoked twice: reason %q at %v, want the first", got.RevokeReason, got.RevokedAt)
	}
	if err := s.RevokeSession(ctx(t), "nope", "x", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RevokeSession(unknown) = %v, want ErrNotFound", err)
	}
	// a is revoked already and c is spared: only b is left to revoke, and
	// the count must say so (the core reports it to the user).
	n, err := s.RevokeSessions(ctx(t), store.SessionFilter{UserID: f.user.ID, ExceptSession: c.ID}, "password_changed", t0.Add(time.Minute))
	must(t, err)
	if n != 1 {
		t.Errorf("RevokeSessions(except c) = %d, want 1 (b)", n)
	}
	active, err := s.ListSessions(ctx(t), store.SessionFilter{UserID: f.user.ID, Active: true, Now: t0.Add(time.Minute)})
	must(t, err)
	if len(active) != 1 || active[0].ID != c.ID {
		t.Errorf("active sessions = %v, want only %s", active, c.ID)
	}
	all, err := s.ListSessions(ctx(t), store.SessionFilter{TenantID: f.tenant.ID})
	must(t, err)
	if len(all) != 3 {
		t.Errorf("all sessions = %d, want 3", len(all))
	}
	_ = b
}

// testKeys checks key rotation: without a next key there is nothing to
// promote (ErrNotFound, nothing changed); with one, current retires, next
// becomes current and the fresh key becomes next, so the JWKS always
// publishes a key before it signs.
func testKeys(t *testing.T, s store.Store) {
	mk := func(id, state string) *store.Key {
		return &store.Key{ID: id, Alg: "ES256", State: state, Public: []byte(`{"kid":"` + id + `"}`), Private: []byte{1, 2, 3}, CreatedAt: t0}
	}
	must(t, s.CreateKey(ctx(t), mk("k1", store.KeyCurrent)))
	must(t, s.CreateKey(ctx(t), mk("k2", store.KeyNext)))
	// RS256 has no next key: rotating it would leave no current key.
	if err := s.RotateKeys(ctx(t), "RS256", mk("x", store.KeyNext), t0, time.Time{}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RotateKeys(no next key) = %v, want ErrNotFound", err)
	}
	// k2 was created at t0: not promoted when it must predate t0.
	if err := s.RotateKeys(ctx(t), "ES256", mk("x", store.KeyNext), t0.Add(time.Hour), t0.Add(-time.Microsecond)); !errors.Is(err, store.ErrKeyTooYoung) {
		t.Errorf("RotateKeys(next key too young) = %v, want ErrKeyTooYoung", err)
	}
	must(t, s.RotateKeys(ctx(t), "ES256", mk("k3", store.KeyNext), t0.Add(time.Hour), t0))
	keys, err := s.ListKeys(ctx(t))
	must(t, err)
	state := map[string]string{}
	for _, k := range keys {
		state[k.ID] = k.State
	}
	want := map[string]string{"k1": store.KeyRetired, "k2": store.KeyCurrent, "k3": store.KeyNext}
	if fmt.Sprint(state) != fmt.Sprint(want) {
		t.Errorf("after RotateKeys: %v, want %v", state, want)
	}
}

// testAudit checks that events come back newest first and filtered by
// session or action, the two ways operators look for them.
func testAudit(t *testing.T, s store.Store) {
	must(t, s.AppendAudit(ctx(t),
		&store.AuditEvent{Time: t0, Action: "refresh.rotated", Outcome: "success", SessionID: "s1"},
		&store.AuditEvent{Time: t0, Action: "refresh.reuse", Outcome: "failure", Reason: "reused", SessionID: "s1", TraceID: "tr"},
		&store.AuditEvent{Time: t0, Action: "login.failed", Outcome: "failure"}))
	got, err := s.ListAudit(ctx(t), store.AuditFilter{SessionID: "s1"})
	must(t, err)
	if len(got) != 2 || got[0].Action != "refresh.reuse" || got[0].TraceID != "tr" || !got[0].Time.Equal(t0) {
		t.Errorf("ListAudit(s1) = %+v, want 2 events, newest first", got)
	}
	got, err = s.ListAudit(ctx(t), store.AuditFilter{Action: "login.failed"})
	must(t, err)
	if len(got) != 1 {
		t.Errorf("ListAudit(login.failed) = %d, want 1", len(got))
	}
}

// testAllOrNothing checks the writes documented as one transaction: a
// session whose first token cannot be stored is not stored either, and an
// audit batch with one bad event (a zero time violates NOT NULL) stores
// none of its events.
func testAllOrNothing(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	_, h := newSession(t, s, f)
	sess := &store.Session{ID: id("ses"), TenantID: f.tenant.ID, UserID: f.user.ID, ClientID: f.client.ID,
		Generation: 1, CreatedAt: t0, LastUsedAt: t0, IdleExpiresAt: t0.Add(time.Hour), ExpiresAt: t0.Add(time.Hour)}
	// The first token reuses a stored hash, so its INSERT fails after the
	// session's has run: only a transaction keeps the session out.
	dup := &store.RefreshToken{Hash: h, SessionID: sess.ID, Generation: 1, CreatedAt: t0}
	if err := s.CreateSession(ctx(t), sess, dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateSession(taken token hash) = %v, want ErrConflict", err)
	}
	if _, err := s.GetSession(ctx(t), sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetSession after a failed CreateSession = %v, want ErrNotFound", err)
	}
	good := &store.AuditEvent{Time: t0, Action: "all.or.nothing", Outcome: "success"}
	// The bad event comes second, so a backend that stores events one by
	// one without a transaction would leave the first behind.
	bad := &store.AuditEvent{Action: "all.or.nothing"}
	if err := s.AppendAudit(ctx(t), good, bad); err == nil {
		t.Error("AppendAudit(event without a time) = nil, want an error")
	}
	got, err := s.ListAudit(ctx(t), store.AuditFilter{Action: "all.or.nothing"})
	must(t, err)
	if len(got) != 0 {
		t.Errorf("ListAudit after a failed batch = %d events, want 0", len(got))
	}
}

// testRoundTrip stores one record of each kind with every field set and
// reads it back unchanged: no column is dropped, swapped or rounded
// beyond the microsecond.
func testRoundTrip(t *testing.T, s store.Store) {
	check := func(name string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s read back as %+v\nwant %+v", name, got, want)
		}
	}
	ten := &store.Tenant{ID: id("ten"), Slug: id("slug"), Name: "Acme", Type: "filial", Code: nextCode(), CreatedAt: t0}
	must(t, s.CreateTenant(ctx(t), ten))
	got, err := s.GetTenant(ctx(t), ten.ID)
	must(t, err)
	check("tenant", got, ten)
	u := &store.User{ID: id("usr"), TenantID: ten.ID, Login: "bob", Email: "bob@example.com", Name: "Bob", Seq: 41,
		Code: "B1", PermissionRole: "admin", Roles: []string{"a", "b"}, External: true,
		Attributes: map[string]string{"cpf": "1", "rg": "2"}, PasswordHash: "$argon2id$x", Disabled: true,
		CreatedAt: t0, UpdatedAt: t0.Add(time.Second)}
	must(t, s.CreateUser(ctx(t), u))
	gotU, err := s.GetUser(ctx(t), u.ID)
	must(t, err)
	check("user", gotU, u)
	c := &store.Client{ID: id("cli"), TenantID: ten.ID, Name: "app", Public: true, SecretHash: "sh", APIKeyHash: id("key"),
		AppCode: "APP", Grants: []string{"password"}, Scopes: []string{"openid", "profile"},
		RedirectURIs: []string{"https://app.example/cb"}, Dialects: []string{"standard", "hdi"}, Alg: "EdDSA",
		AccessTTL: time.Minute, IdleTTL: time.Hour, AbsoluteTTL: 24 * time.Hour, Grace: 3 * time.Second, CreatedAt: t0,
		PostLogoutURIs: []string{"https://app.example/bye", "https://app.example/"},
		Origins:        []string{"https://app.example", "http://127.0.0.1:5173"}}
	must(t, s.CreateClient(ctx(t), c))
	gotC, err := s.GetClient(ctx(t), c.ID)
	must(t, err)
	check("client", gotC, c)
	// Empty lists, nil or not, read back as nil through every read.
	bare := &store.Client{ID: id("cli"), TenantID: ten.ID, Alg: "ES256", PostLogoutURIs: []string{}, CreatedAt: t0}
	must(t, s.CreateClient(ctx(t), bare))
	wantBare := *bare
	wantBare.PostLogoutURIs = nil
	gotC, err = s.GetClient(ctx(t), bare.ID)
	must(t, err)
	check("client without lists", gotC, &wantBare)
	must(t, s.SetAPIKey(ctx(t), bare.ID, "bare-key"))
	wantBare.APIKeyHash = "bare-key"
	gotC, err = s.ClientByAPIKey(ctx(t), "bare-key")
	must(t, err)
	check("client without lists by API key", gotC, &wantBare)
	clients, err := s.ListClients(ctx(t), ten.ID)
	must(t, err)
	byID := map[string]*store.Client{}
	for _, v := range clients {
		byID[v.ID] = v
	}
	check("listed client", byID[c.ID], c)
	check("listed client without lists", byID[bare.ID], &wantBare)
	// Sessions and tokens go in together and come back through
	// RefreshState, the read of the refresh path.
	roundTripSession(t, s, ten, u, c, check)
	k := &store.Key{ID: id("kid"), Alg: "RS256", State: store.KeyRetired, Public: []byte(`{"kty":"RSA"}`),
		Private: []byte{0, 1, 2, 255}, CreatedAt: t0, ActivatedAt: t0.Add(time.Hour), RetiredAt: t0.Add(2 * time.Hour)}
	must(t, s.CreateKey(ctx(t), k))
	keys, err := s.ListKeys(ctx(t))
	must(t, err)
	check("keys", keys, []*store.Key{k})
	e := &store.AuditEvent{Time: t0, TenantID: ten.ID, Actor: "cli", Action: id("act"), Outcome: "failure", Reason: "why",
		SessionID: "ses", ClientID: c.ID, UserID: u.ID, IP: "10.0.0.1", TraceID: "trace"}
	must(t, s.AppendAudit(ctx(t), e))
	events, err := s.ListAudit(ctx(t), store.AuditFilter{Action: e.Action})
	must(t, err)
	if len(events) == 1 {
		e.ID = events[0].ID // assigned by the database, so not compared
	}
	check("audit events", events, []*store.AuditEvent{e})
}

// roundTripSession is testRoundTrip's part for a session and its token.
func roundTripSession(t *testing.T, s store.Store, ten *store.Tenant, u *store.User, c *store.Client, check func(string, any, any)) {
	// Every optional field is set, revocation and use included, and no two
	// times are equal, so a time read from the wrong column shows.
	sess := &store.Session{ID: id("ses"), TenantID: ten.ID, UserID: u.ID, ClientID: c.ID, Scope: "openid profile",
		Generation: 5, CreatedAt: t0, LastUsedAt: t0.Add(time.Minute), IdleExpiresAt: t0.Add(time.Hour),
		ExpiresAt: t0.Add(24 * time.Hour), IP: "192.0.2.1", UserAgent: "curl/8", RevokedAt: t0.Add(2 * time.Minute),
		RevokeReason: "logout", BrowserID: id("bs"), AuthTime: t0.Add(-time.Hour)}
	// A parent hash that names no stored token is allowed: parent_hash
	// has no foreign key, only a unique index.
	tok := &store.RefreshToken{Hash: hash(id("rt")), SessionID: sess.ID, ParentHash: hash(id("parent")), Generation: 5,
		CreatedAt: t0, UsedAt: t0.Add(time.Minute)}
	must(t, s.CreateSession(ctx(t), sess, tok))
	st, err := s.RefreshState(ctx(t), tok.Hash)
	must(t, err)
	check("session", st.Session, sess)
	check("token", st.Token, tok)
	got, err := s.GetSession(ctx(t), sess.ID)
	must(t, err)
	check("session by id", got, sess)
	list, err := s.ListSessions(ctx(t), store.SessionFilter{BrowserID: sess.BrowserID})
	must(t, err)
	check("listed sessions", list, []*store.Session{sess})
}

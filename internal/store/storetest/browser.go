package storetest

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// newBrowser stores a live browser session of user u of f, signed in at
// t0 for a day, and returns it.
func newBrowser(t *testing.T, s store.Store, f fixture, userID string) *store.BrowserSession {
	t.Helper()
	b := &store.BrowserSession{ID: id("bs"), Hash: hash(id("cookie")), TenantID: f.tenant.ID, UserID: userID,
		AuthTime: t0, CreatedAt: t0, ExpiresAt: t0.Add(24 * time.Hour), IP: "192.0.2.7", UserAgent: "Firefox"}
	must(t, s.CreateBrowserSession(ctx(t), b))
	return b
}

// newCode stores an unused authorization code of f's client, issued at
// t0 through browser session b, and returns it.
func newCode(t *testing.T, s store.Store, f fixture, b *store.BrowserSession) *store.AuthCode {
	t.Helper()
	c := &store.AuthCode{Hash: hash(id("code")), TenantID: f.tenant.ID, ClientID: f.client.ID, UserID: b.UserID,
		BrowserID: b.ID, RedirectURI: "https://app.example/cb", Challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		Nonce: "n-0S6_WzA2Mj", Scope: "openid profile offline_access", AuthTime: t0.Add(-time.Minute),
		CreatedAt: t0, ExpiresAt: t0.Add(time.Minute)}
	must(t, s.CreateAuthCode(ctx(t), c))
	return c
}

// testBrowserSessions checks a browser session's whole life: it reads
// back unchanged by its cookie's hash, a taken hash is ErrConflict, and
// revoked sessions still read back (the caller decides what a revoked or
// expired cookie means).
func testBrowserSessions(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	b := newBrowser(t, s, f, f.user.ID)
	got, err := s.BrowserSessionByHash(ctx(t), b.Hash)
	must(t, err)
	if !reflect.DeepEqual(got, b) {
		t.Errorf("BrowserSessionByHash = %+v\nwant %+v", got, b)
	}
	if got.Revoked() {
		t.Error("fresh browser session reads as revoked")
	}
	if _, err := s.BrowserSessionByHash(ctx(t), hash("unknown")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("BrowserSessionByHash(unknown) = %v, want ErrNotFound", err)
	}
	dup := *b
	dup.ID = id("bs")
	if err := s.CreateBrowserSession(ctx(t), &dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateBrowserSession(taken hash) = %v, want ErrConflict", err)
	}
	// Every field set, revocation included, no two times equal.
	full := &store.BrowserSession{ID: id("bs"), Hash: hash(id("cookie")), TenantID: f.tenant.ID, UserID: f.user.ID,
		AuthTime: t0.Add(-time.Hour), CreatedAt: t0, ExpiresAt: t0.Add(8 * time.Hour), RevokedAt: t0.Add(time.Minute),
		IP: "2001:db8::1", UserAgent: "Mozilla/5.0 (X11)"}
	must(t, s.CreateBrowserSession(ctx(t), full))
	got, err = s.BrowserSessionByHash(ctx(t), full.Hash)
	must(t, err)
	if !reflect.DeepEqual(got, full) || !got.Revoked() {
		t.Errorf("revoked browser session read back as %+v\nwant %+v", got, full)
	}
}

// testRevokeBrowserSessions checks logout (by id) and "end every browser
// of this user" (disable, password change): only live sessions are
// ended and counted, a second revocation ends nothing and keeps the first
// time, other users' sessions are untouched, and an empty filter ends
// nothing.
func testRevokeBrowserSessions(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	bob := &store.User{ID: id("usr"), TenantID: f.tenant.ID, Login: "bob", CreatedAt: t0, UpdatedAt: t0}
	must(t, s.CreateUser(ctx(t), bob))
	a := newBrowser(t, s, f, f.user.ID)
	b := newBrowser(t, s, f, f.user.ID)
	c := newBrowser(t, s, f, f.user.ID)
	other := newBrowser(t, s, f, bob.ID)
	revokedAt := func(b *store.BrowserSession) time.Time {
		t.Helper()
		got, err := s.BrowserSessionByHash(ctx(t), b.Hash)
		must(t, err)
		return got.RevokedAt
	}
	if _, err := s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{}, t0); err == nil {
		t.Error("RevokeBrowserSessions(empty filter) = nil error, want a refusal")
	}
	first := t0.Add(time.Minute)
	n, err := s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{ID: a.ID}, first)
	must(t, err)
	if n != 1 || !revokedAt(a).Equal(first) {
		t.Errorf("RevokeBrowserSessions(a) = %d, revoked at %v; want 1 at %v", n, revokedAt(a), first)
	}
	n, err = s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{ID: a.ID}, first.Add(time.Minute))
	must(t, err)
	if n != 0 || !revokedAt(a).Equal(first) {
		t.Errorf("RevokeBrowserSessions(a) again = %d, revoked at %v; want 0, still %v", n, revokedAt(a), first)
	}
	if n, err := s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{ID: "nope"}, first); err != nil || n != 0 {
		t.Errorf("RevokeBrowserSessions(unknown id) = %d, %v; want 0, nil", n, err)
	}
	// a is revoked already: the user's revocation ends and counts b and c.
	second := t0.Add(time.Hour)
	n, err = s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{UserID: f.user.ID}, second)
	must(t, err)
	if n != 2 {
		t.Errorf("RevokeBrowserSessions(user) = %d, want 2 (b and c)", n)
	}
	for name, want := range map[*store.BrowserSession]time.Time{a: first, b: second, c: second, other: {}} {
		if got := revokedAt(name); !got.Equal(want) {
			t.Errorf("browser session %s revoked at %v, want %v", name.ID, got, want)
		}
	}
	n, err = s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{UserID: f.user.ID}, second.Add(time.Hour))
	must(t, err)
	if n != 0 {
		t.Errorf("RevokeBrowserSessions(user) again = %d, want 0", n)
	}
}

// testAuthCodes checks an authorization code's life (RFC 6749 §4.1.2):
// the first claim returns it as stored, used at the claim's time; a second
// claim is ErrConflict and still returns the record, with the first use's
// time and the session the exchange opened, so the caller can revoke it.
func testAuthCodes(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	b := newBrowser(t, s, f, f.user.ID)
	c := newCode(t, s, f, b)
	if err := s.CreateAuthCode(ctx(t), c); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateAuthCode(taken hash) = %v, want ErrConflict", err)
	}
	at := t0.Add(10 * time.Second)
	got, err := s.ClaimAuthCode(ctx(t), c.Hash, at)
	must(t, err)
	want := *c
	want.UsedAt = at
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("ClaimAuthCode = %+v\nwant %+v", got, &want)
	}
	sess, _ := newSession(t, s, f)
	must(t, s.SetAuthCodeSession(ctx(t), c.Hash, sess.ID))
	want.SessionID = sess.ID
	got, err = s.ClaimAuthCode(ctx(t), c.Hash, at.Add(time.Second))
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("second ClaimAuthCode = %v, want ErrConflict", err)
	}
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("second ClaimAuthCode returned %+v\nwant %+v (the first use's time, the session)", got, &want)
	}
	if got, err := s.ClaimAuthCode(ctx(t), hash("unknown"), at); !errors.Is(err, store.ErrNotFound) || got != nil {
		t.Errorf("ClaimAuthCode(unknown) = %v, %v; want nil, ErrNotFound", got, err)
	}
	if err := s.SetAuthCodeSession(ctx(t), hash("unknown"), sess.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("SetAuthCodeSession(unknown) = %v, want ErrNotFound", err)
	}
	// Expiry is the caller's check: an expired, unused code is claimed.
	late := newCode(t, s, f, b)
	if _, err := s.ClaimAuthCode(ctx(t), late.Hash, t0.Add(time.Hour)); err != nil {
		t.Errorf("ClaimAuthCode(expired) = %v, want success (expiry is the caller's)", err)
	}
}

// testSessionsByBrowser checks the sessions a browser opened: listed and
// revoked by its id (RP-initiated logout ends them), and no other's.
func testSessionsByBrowser(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	b1 := newBrowser(t, s, f, f.user.ID)
	b2 := newBrowser(t, s, f, f.user.ID)
	opened := func(b *store.BrowserSession) (*store.Session, []byte) {
		sess := &store.Session{ID: id("ses"), TenantID: f.tenant.ID, UserID: f.user.ID, ClientID: f.client.ID, Scope: "openid",
			Generation: 1, CreatedAt: t0, LastUsedAt: t0, IdleExpiresAt: t0.Add(time.Hour), ExpiresAt: t0.Add(24 * time.Hour),
			BrowserID: b.ID, AuthTime: b.AuthTime}
		h := hash(id("rt"))
		must(t, s.CreateSession(ctx(t), sess, &store.RefreshToken{Hash: h, SessionID: sess.ID, Generation: 1, CreatedAt: t0}))
		return sess, h
	}
	x, _ := opened(b1)
	y, _ := opened(b1)
	z, zh := opened(b2)
	// Rotation keeps the browser and auth_time, which a refreshed ID
	// token repeats (sid, auth_time).
	_, rotated, err := rotate(s, t, f, zh, t0.Add(time.Minute))
	must(t, err)
	if rotated.BrowserID != b2.ID || !rotated.AuthTime.Equal(t0) {
		t.Errorf("Rotate returned browser %q, auth_time %v; want %q, %v", rotated.BrowserID, rotated.AuthTime, b2.ID, t0)
	}
	plain, _ := newSession(t, s, f) // a password login: no browser
	ids := func(list []*store.Session) map[string]bool {
		m := map[string]bool{}
		for _, v := range list {
			m[v.ID] = true
		}
		return m
	}
	list, err := s.ListSessions(ctx(t), store.SessionFilter{BrowserID: b1.ID})
	must(t, err)
	must(t, err)
	if got, want := ids(list), map[string]bool{x.ID: true, y.ID: true}; !reflect.DeepEqual(got, want) {
		t.Errorf("ListSessions(browser b1) = %v, want %v", got, want)
	}
	for _, v := range list {
		if v.BrowserID != b1.ID || !v.AuthTime.Equal(t0) {
			t.Errorf("listed session %s: browser %q, auth_time %v; want %q, %v", v.ID, v.BrowserID, v.AuthTime, b1.ID, t0)
		}
	}
	n, err := s.RevokeSessions(ctx(t), store.SessionFilter{BrowserID: b1.ID}, "logout", t0.Add(time.Minute))
	must(t, err)
	if n != 2 {
		t.Errorf("RevokeSessions(browser b1) = %d, want 2", n)
	}
	n, err = s.RevokeSessions(ctx(t), store.SessionFilter{BrowserID: b1.ID}, "logout", t0.Add(2*time.Minute))
	must(t, err)
	if n != 0 {
		t.Errorf("RevokeSessions(browser b1) again = %d, want 0", n)
	}
	active, err := s.ListSessions(ctx(t), store.SessionFilter{UserID: f.user.ID, Active: true, Now: t0.Add(time.Minute)})
	must(t, err)
	if got, want := ids(active), map[string]bool{z.ID: true, plain.ID: true}; !reflect.DeepEqual(got, want) {
		t.Errorf("active sessions after the browser's logout = %v, want %v", got, want)
	}
	got, err := s.GetSession(ctx(t), plain.ID)
	must(t, err)
	if got.BrowserID != "" || !got.AuthTime.IsZero() {
		t.Errorf("password session: browser %q, auth_time %v; want none", got.BrowserID, got.AuthTime)
	}
}

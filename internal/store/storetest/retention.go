package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// purgeAll runs Purge rounds of batch 1 until one removes nothing, as the
// server's retention job does (with a larger batch), and returns the sum.
func purgeAll(t *testing.T, s store.Store, before, auditBefore time.Time) store.PurgeResult {
	t.Helper()
	var sum store.PurgeResult
	for range 1000 {
		r, err := s.Purge(ctx(t), store.PurgeParams{Before: before, AuditBefore: auditBefore, Batch: 1})
		must(t, err)
		if r.Total() == 0 {
			return sum
		}
		sum.Add(r)
	}
	t.Fatal("Purge still removing after 1000 rounds")
	return sum
}

// exists reports whether the token h is still stored.
func exists(t *testing.T, s store.Store, h []byte) bool {
	t.Helper()
	_, err := s.RefreshState(ctx(t), h)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// sessionExists reports whether the session is still stored.
func sessionExists(t *testing.T, s store.Store, id string) bool {
	t.Helper()
	_, err := s.GetSession(ctx(t), id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return err == nil
}

// tokensAsOne counts r's tokens in one field: a used token of an ended
// session is both kinds, and which of the two deletes come to it first
// depends on how a backend gathers its candidates (SQLite reads them on
// its read pool, so a round may see the used-token kind's first).
func tokensAsOne(r store.PurgeResult) store.PurgeResult {
	r.EndedTokens, r.UsedTokens = r.EndedTokens+r.UsedTokens, 0
	return r
}

// testRetention walks a fake clock past the retention windows (issue 14):
// all the tokens of ended sessions, rotated-away tokens, old codes,
// ended browser sessions and old audit events go; a live session, its
// current token and its recently used ones stay, and it still refreshes
// after the purge.
func testRetention(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	min := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

	// live: rotated at +1, +2 and +45 minutes; d is its current token.
	live, a := newSession(t, s, f)
	b, _, err := rotate(s, t, f, a, min(1))
	must(t, err)
	c, _, err := rotate(s, t, f, b, min(2))
	must(t, err)
	d, _, err := rotate(s, t, f, c, min(45))
	must(t, err)
	// revoked at +5 after one rotation; expired idles out at +60.
	revoked, r1 := newSession(t, s, f)
	r2, _, err := rotate(s, t, f, r1, min(3))
	must(t, err)
	must(t, s.RevokeSession(ctx(t), revoked.ID, "logout", min(5)))
	expired, e1 := newSession(t, s, f)

	oldBrowser := newBrowser(t, s, f, f.user.ID)
	_, err = s.RevokeBrowserSessions(ctx(t), store.BrowserFilter{ID: oldBrowser.ID}, min(5))
	must(t, err)
	liveBrowser := newBrowser(t, s, f, f.user.ID)
	code := newCode(t, s, f, liveBrowser) // expires at +1
	must(t, s.AppendAudit(ctx(t),
		&store.AuditEvent{Time: t0, Action: "old", SessionID: "ret"},
		&store.AuditEvent{Time: min(45), Action: "new", SessionID: "ret"}))

	// Now +50, retention 10 minutes: cut-off +40.
	got := purgeAll(t, s, min(40), min(40))
	want := store.PurgeResult{EndedTokens: 2, UsedTokens: 2, BrowserSessions: 1, AuthCodes: 1, AuditEvents: 1,
		Sessions: 1}
	if tokensAsOne(got) != tokensAsOne(want) {
		t.Errorf("purge at +40 removed %+v, want %+v", got, want)
	}
	for name, h := range map[string][]byte{"used a": a, "used b": b, "revoked r1": r1, "revoked r2": r2} {
		if exists(t, s, h) {
			t.Errorf("token %s still stored after its window", name)
		}
	}
	for name, h := range map[string][]byte{"recently used c": c, "current d": d, "expired's live token": e1} {
		if !exists(t, s, h) {
			t.Errorf("token %s removed inside its window", name)
		}
	}
	// An ended session's row goes once its tokens have
	// (sqlstore.EndedSessions). Live sessions always stay.
	if sessionExists(t, s, revoked.ID) {
		t.Error("the revoked session's row is still stored")
	}
	if !sessionExists(t, s, live.ID) || !sessionExists(t, s, expired.ID) {
		t.Error("a live session's row was removed")
	}
	if b, err := s.BrowserSessionByHash(ctx(t), oldBrowser.Hash); err == nil {
		t.Errorf("revoked browser session %s still stored", b.ID)
	}
	if _, err := s.BrowserSessionByHash(ctx(t), liveBrowser.Hash); err != nil {
		t.Errorf("live browser session: %v", err)
	}
	if _, err := s.ClaimAuthCode(ctx(t), code.Hash, min(50)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("expired code: ClaimAuthCode = %v, want ErrNotFound (removed)", err)
	}
	ev, err := s.ListAudit(ctx(t), store.AuditFilter{SessionID: "ret"})
	must(t, err)
	if len(ev) != 1 || ev[0].Action != "new" {
		t.Errorf("audit after purge = %+v, want only the new event", ev)
	}

	// The live session still refreshes; its chain so far is kept while
	// inside the window (c was used at +45, d at +55).
	e, _, err := rotate(s, t, f, d, min(55))
	if err != nil {
		t.Fatalf("refresh of the live session after a purge: %v", err)
	}
	st, err := s.RefreshState(ctx(t), d)
	must(t, err)
	if st.Child == nil || st.Child.Generation != 5 {
		t.Errorf("successor of d after purge = %+v, want generation 5", st.Child)
	}

	// Now +80, retention 10 minutes: cut-off +70. expired idled out at
	// +60; live's used tokens go, its current one and the session stay.
	got = purgeAll(t, s, min(70), time.Time{})
	want = store.PurgeResult{EndedTokens: 1, UsedTokens: 2, Sessions: 1}
	if tokensAsOne(got) != tokensAsOne(want) {
		t.Errorf("purge at +70 removed %+v, want %+v", got, want)
	}
	if exists(t, s, e1) {
		t.Error("the expired session's token still stored")
	}
	if sessionExists(t, s, expired.ID) {
		t.Error("the expired session's row is still stored")
	}
	if exists(t, s, c) || exists(t, s, d) {
		t.Error("rotated-away tokens of the live session still stored")
	}
	if !exists(t, s, e) || !sessionExists(t, s, live.ID) {
		t.Fatal("live session or its current token removed")
	}
	if _, _, err := rotate(s, t, f, e, min(81)); err != nil {
		t.Errorf("refresh of the live session after the second purge: %v", err)
	}
	// Zero cut-offs keep everything.
	if r, err := s.Purge(ctx(t), store.PurgeParams{}); err != nil || r.Total() != 0 {
		t.Errorf("Purge with zero cut-offs = %+v, %v; want nothing removed", r, err)
	}
}

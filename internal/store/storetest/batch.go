package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// BatchHooks reach into a group-committing backend (issue 16) so that the
// batch tests are deterministic without sleeping.
type BatchHooks struct {
	// Hold makes the store's next rotation batch wait until n rotations
	// have joined it.
	Hold func(n int)
	// BreakCommit makes every rotation batch fail at its commit while
	// broken is true (after its statements ran), and work again after.
	BreakCommit func(broken bool)
	// Stats reports how many rotation batches ran and how many rotations
	// they held.
	Stats func() (batches, members int64)
}

// BatchFactory returns a new, empty store with its hooks; the suite closes
// the store.
type BatchFactory func(t *testing.T) (store.Store, BatchHooks)

// RunBatch runs the group-commit cases against stores made by newStore.
func RunBatch(t *testing.T, newStore BatchFactory) {
	cases := []struct {
		name string
		fn   func(*testing.T, store.Store, BatchHooks)
	}{
		{"MixedOutcomes", testBatchMixed},
		{"CommitFails", testBatchCommitFails},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, h := newStore(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s, h)
		})
	}
}

// member is one rotation of a test batch and its outcome.
type member struct {
	name string
	p    store.RotateParams
	sess *store.Session
	err  error
}

// rotateTogether holds the store's next batch open for len(ms) members,
// runs every member's Rotate at once and waits for all of them; it checks
// that they formed exactly one batch.
func rotateTogether(t *testing.T, s store.Store, h BatchHooks, ms []*member) {
	t.Helper()
	b0, m0 := h.Stats()
	h.Hold(len(ms))
	var wg sync.WaitGroup
	for _, m := range ms {
		wg.Go(func() { m.sess, m.err = s.Rotate(ctx(t), m.p) })
	}
	wg.Wait()
	if b, n := h.Stats(); b-b0 != 1 || n-m0 != int64(len(ms)) {
		t.Fatalf("%d rotations ran in %d batches of %d members in all; want 1 batch of %d", len(ms), b-b0, n-m0, len(ms))
	}
}

// params presents h for c at the moment at, with a successor next.
func params(h []byte, c *store.Client, at time.Time, next []byte) store.RotateParams {
	return store.RotateParams{Hash: h, ClientID: c.ID, Now: at, IdleUntil: at.Add(time.Hour), NextHash: next}
}

// testBatchMixed commits one batch of claimable, used, revoked, expired,
// foreign, unknown and duplicated tokens: each member gets its own
// outcome, the refused ones change nothing, and three presentations of one
// token store exactly one successor, as three concurrent presentations
// did before batching.
func testBatchMixed(t *testing.T, s store.Store, h BatchHooks) {
	f := newFixture(t, s)
	other := &store.Client{ID: id("cli"), TenantID: f.tenant.ID, Alg: "ES256", CreatedAt: t0}
	must(t, s.CreateClient(ctx(t), other))
	at := t0.Add(time.Minute)
	_, hA := newSession(t, s, f)
	_, hG := newSession(t, s, f)
	_, hUsed := newSession(t, s, f)
	usedChild, _, err := rotate(s, t, f, hUsed, t0.Add(time.Second)) // before the batch
	must(t, err)
	sessRevoked, hRevoked := newSession(t, s, f)
	must(t, s.RevokeSession(ctx(t), sessRevoked.ID, "logout", t0))
	_, hExpired := newSession(t, s, f)
	_, hForeign := newSession(t, s, f)
	_, hDup := newSession(t, s, f)
	nextDup := hash(id("rt")) // a token's successor is derived: every duplicate brings the same
	ms := []*member{
		{name: "claimable A", p: params(hA, f.client, at, hash(id("rt")))},
		{name: "used", p: params(hUsed, f.client, at, hash(id("rt")))},
		{name: "duplicate 1", p: params(hDup, f.client, at, nextDup)},
		{name: "revoked", p: params(hRevoked, f.client, at, hash(id("rt")))},
		{name: "expired", p: params(hExpired, f.client, t0.Add(2*time.Hour), hash(id("rt")))},
		{name: "duplicate 2", p: params(hDup, f.client, at, nextDup)},
		{name: "other client", p: params(hForeign, other, at, hash(id("rt")))},
		{name: "unknown", p: params(hash(id("rt")), f.client, at, hash(id("rt")))},
		{name: "claimable G", p: params(hG, f.client, at, hash(id("rt")))},
		{name: "duplicate 3", p: params(hDup, f.client, at, nextDup)},
	}
	rotateTogether(t, s, h, ms)

	dups := 0
	for _, m := range ms {
		switch {
		case m.name == "claimable A" || m.name == "claimable G":
			checkClaimed(t, s, m)
		case m.name[:4] == "dupl" && m.err == nil:
			dups++
			checkClaimed(t, s, m)
		case !errors.Is(m.err, store.ErrNotClaimed):
			t.Errorf("Rotate(%s) in a batch = %v, want ErrNotClaimed", m.name, m.err)
		}
	}
	if dups != 1 {
		t.Errorf("%d of 3 duplicate presentations claimed the token, want exactly 1", dups)
	}
	checkUntouched(t, s, "revoked", hRevoked)
	checkUntouched(t, s, "expired", hExpired)
	checkUntouched(t, s, "other client", hForeign)
	st, err := s.RefreshState(ctx(t), hUsed)
	must(t, err)
	if st.Child == nil || string(st.Child.Hash) != string(usedChild) || st.Session.Generation != 2 {
		t.Errorf("used token after the batch: child %v, generation %d; want its first successor only, generation 2", st.Child, st.Session.Generation)
	}
}

// checkClaimed checks that m's rotation is in the store: its token used at
// its moment, its successor the only child, the generation moved once.
func checkClaimed(t *testing.T, s store.Store, m *member) {
	t.Helper()
	if m.err != nil || m.sess == nil || m.sess.Generation != 2 {
		t.Errorf("Rotate(%s) in a batch = %+v, %v; want the session at generation 2", m.name, m.sess, m.err)
		return
	}
	st, err := s.RefreshState(ctx(t), m.p.Hash)
	must(t, err)
	if !st.Token.UsedAt.Equal(m.p.Now) || st.Child == nil || string(st.Child.Hash) != string(m.p.NextHash) ||
		st.Child.Used() || st.Session.Generation != 2 {
		t.Errorf("%s after the batch: used at %v, child %+v, generation %d; want used at %v, its successor live, generation 2",
			m.name, st.Token.UsedAt, st.Child, st.Session.Generation, m.p.Now)
	}
}

// checkUntouched checks that a refused member left its token unused and
// without a successor.
func checkUntouched(t *testing.T, s store.Store, name string, h []byte) {
	t.Helper()
	st, err := s.RefreshState(ctx(t), h)
	must(t, err)
	if st.Token.Used() || st.Child != nil || st.Session.Generation != 1 {
		t.Errorf("%s after the batch: used %v, child %v, generation %d; want untouched", name, st.Token.Used(), st.Child, st.Session.Generation)
	}
}

// testBatchCommitFails breaks the commit of a batch: every member, the
// claimable ones and a duplicate alike, is answered ErrUnavailable (503
// upstream), nothing of the batch is stored, and each token, presented
// again once the database works, rotates normally.
func testBatchCommitFails(t *testing.T, s store.Store, h BatchHooks) {
	f := newFixture(t, s)
	at := t0.Add(time.Minute)
	var ms []*member
	for i := range 3 {
		_, hi := newSession(t, s, f)
		ms = append(ms, &member{name: fmt.Sprint("session ", i), p: params(hi, f.client, at, hash(id("rt")))})
	}
	ms = append(ms, &member{name: "duplicate of session 0", p: ms[0].p})
	h.BreakCommit(true)
	rotateTogether(t, s, h, ms)
	h.BreakCommit(false)
	for _, m := range ms {
		if !errors.Is(m.err, store.ErrUnavailable) || m.sess != nil {
			t.Errorf("Rotate(%s) in a failed batch = %v, %v; want ErrUnavailable and no session", m.name, m.sess, m.err)
		}
	}
	for _, m := range ms[:3] {
		checkUntouched(t, s, m.name, m.p.Hash)
		m.p.Now = at.Add(time.Second) // the client's retry
		m.sess, m.err = s.Rotate(ctx(t), m.p)
		checkClaimed(t, s, m)
	}
}

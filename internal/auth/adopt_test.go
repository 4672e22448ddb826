package auth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/store"
)

// upstream plays the legacy system in the core's tests: it knows some
// tokens and passwords, counts calls and can be told to fail or to hold
// its answer until released. (The HTTP faults are tested against a real
// loopback server in the dialects' legacy tests.)
type upstream struct {
	mu       sync.Mutex
	tokens   map[string]*auth.LegacyUser
	pws      map[string]string // login → password
	user     *auth.LegacyUser  // who a good password belongs to
	fail     error             // returned by every call when set
	calls    atomic.Int32
	seen     []string // every token presented
	hold     chan struct{}
	entering chan struct{}
}

func (u *upstream) Refresh(ctx context.Context, tok string) (*auth.LegacyUser, error) {
	u.calls.Add(1)
	u.mu.Lock()
	u.seen = append(u.seen, tok)
	id, fail, hold := u.tokens[tok], u.fail, u.hold
	u.mu.Unlock()
	if hold != nil {
		u.entering <- struct{}{}
		<-hold
	}
	switch {
	case fail != nil:
		return nil, fail
	case id == nil:
		return nil, fmt.Errorf("%w: 401", legacy.ErrRejected)
	}
	return id, nil
}

func (u *upstream) Login(ctx context.Context, login, pw string) (*auth.LegacyUser, error) {
	u.calls.Add(1)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.fail != nil {
		return nil, u.fail
	}
	if want, ok := u.pws[login]; !ok || want != pw {
		return nil, fmt.Errorf("%w: 401", legacy.ErrRejected)
	}
	return u.user, nil
}

// legacyToken is a token of the legacy system (not renova's format).
const legacyToken = "eyJhbGciOiJIUzI1NiJ9.bGVnYWN5.c2ln"

func newUpstream() *upstream {
	return &upstream{tokens: map[string]*auth.LegacyUser{
		legacyToken:   {Login: "bob", Email: "bob@example.test", Name: "Bob", Tenant: "demo"},
		"other-token": {Login: "eve", Tenant: "another-company"},
		"alice-token": {Login: "alice", TenantCode: 1},
	}, pws: map[string]string{}}
}

// refreshVia presents tok on the confidential client at a mount with up.
func (f *fixture) refreshVia(up *upstream, tok string) (*auth.Grant, error) {
	return f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: f.conf, Token: tok, Legacy: &auth.Legacy{Upstream: up}})
}

// TestAdoptSession: a legacy token is adopted once (one call), a renova
// pair answered, the user created as migrated without a password; the
// successor rotates as usual; the legacy token replayed inside the grace
// window gets the same successor without a call, and after it is reuse.
func TestAdoptSession(t *testing.T) {
	f := newFixture(t, auth.Config{})
	up := newUpstream()
	g1, err := f.refreshVia(up, legacyToken)
	if err != nil {
		t.Fatalf("Refresh(legacy) = %v", err)
	}
	if !strings.HasPrefix(g1.RefreshToken, "rn_rt_") || g1.AccessToken == "" {
		t.Fatalf("Refresh(legacy) = %+v, want a renova pair", g1)
	}
	u, err := f.st.UserByLogin(context.Background(), f.tenant.ID, "bob")
	if err != nil || u.PasswordHash != "" || u.Attributes["migrated_from"] != "legacy" || g1.Session.UserID != u.ID {
		t.Fatalf("adopted user = %+v, %v; want bob, migrated, no password, the session's", u, err)
	}
	f.clock.Advance(grace / 2)
	g2, err := f.refreshVia(up, legacyToken)
	if err != nil || g2.RefreshToken != g1.RefreshToken {
		t.Fatalf("replay in grace = %v, %v; want the same successor", g2, err)
	}
	g3, err := f.refreshVia(up, g1.RefreshToken)
	if err != nil || g3.Session.ID != g1.Session.ID {
		t.Fatalf("Refresh(successor) = %v, %v; want a rotation of the adopted session", g3, err)
	}
	f.clock.Advance(grace)
	_, err = f.refreshVia(up, legacyToken)
	if ae := auth.AsError(err); ae == nil || ae.Reason != auth.ReasonReused {
		t.Fatalf("legacy token after grace = %v, want reused", err)
	}
	if n := up.calls.Load(); n != 1 {
		t.Errorf("legacy calls = %d, want 1", n)
	}
	if _, err := f.refreshVia(up, g3.RefreshToken); auth.AsError(err) == nil || auth.AsError(err).Reason != auth.ReasonSessionRevoked {
		t.Errorf("Refresh(live token) after reuse = %v, want session_revoked", err)
	}
	f.log.Flush()
	evs, _ := f.st.ListAudit(context.Background(), store.AuditFilter{Action: "session.adopted"})
	if len(evs) != 1 || evs[0].SessionID != g1.Session.ID {
		t.Errorf("session.adopted events = %v, want one for the session", evs)
	}
}

// TestAdoptConcurrent: 100 concurrent presentations of one legacy token
// make one legacy call and one session, and all get the same successor.
func TestAdoptConcurrent(t *testing.T) {
	f := newFixture(t, auth.Config{})
	up := newUpstream()
	up.hold, up.entering = make(chan struct{}), make(chan struct{}, 1)
	var wg sync.WaitGroup
	got := make(chan string, 100)
	for range 100 {
		wg.Go(func() {
			g, err := f.refreshVia(up, legacyToken)
			if err != nil {
				t.Errorf("Refresh = %v", err)
				return
			}
			got <- g.Session.ID + " " + g.RefreshToken
		})
	}
	<-up.entering // the one call is in flight; the others pile up behind it
	close(up.hold)
	wg.Wait()
	close(got)
	seen := map[string]int{}
	for s := range got {
		seen[s]++
	}
	if len(seen) != 1 || up.calls.Load() != 1 {
		t.Errorf("100 presentations: %d distinct (session, successor) pairs and %d legacy calls; want 1 and 1", len(seen), up.calls.Load())
	}
	n, _ := f.st.ListSessions(context.Background(), store.SessionFilter{ClientID: f.conf.ID})
	if len(n) != 1 {
		t.Errorf("sessions = %d, want 1", len(n))
	}
}

// TestAdoptFailures: a rejection is the normal dead-token answer and is
// cached (no second call); a fault is a 503 with Retry-After, never a dead
// token, and not cached; a user of another company is refused; a renova
// token and a closed window never reach the legacy system.
func TestAdoptFailures(t *testing.T) {
	f := newFixture(t, auth.Config{})
	up := newUpstream()
	cases := []struct {
		name      string
		tok       string
		fail      error
		legacy    *auth.Legacy
		code      string
		wantCalls int32
	}{
		{"unknown upstream", "dead-legacy-token", nil, nil, auth.InvalidGrant, 1},
		{"rejection cached", "dead-legacy-token", nil, nil, auth.InvalidGrant, 1},
		{"another company", "other-token", nil, nil, auth.InvalidGrant, 2},
		{"upstream down", "some-legacy-token", fmt.Errorf("%w: dial", legacy.ErrUnavailable), nil, auth.TemporarilyUnavailable, 3},
		{"fault not cached", "some-legacy-token", legacy.Garbage("no access_token"), nil, auth.TemporarilyUnavailable, 4},
		{"renova-format token", "rn_rt_" + strings.Repeat("A", 49), nil, nil, auth.InvalidGrant, 4},
		{"window closed", legacyToken, nil, &auth.Legacy{Upstream: up, Until: f.clock.Now()}, auth.InvalidGrant, 4},
		{"no legacy", legacyToken, nil, &auth.Legacy{}, auth.InvalidGrant, 4},
	}
	for _, tc := range cases {
		up.fail = tc.fail
		l := tc.legacy
		if l == nil {
			l = &auth.Legacy{Upstream: up}
		}
		_, err := f.svc.Refresh(context.Background(), auth.RefreshRequest{Client: f.conf, Token: tc.tok, Legacy: l})
		ae := auth.AsError(err)
		if ae == nil || ae.Code != tc.code || up.calls.Load() != tc.wantCalls {
			t.Errorf("%s: Refresh = %v after %d calls; want %s after %d", tc.name, err, up.calls.Load(), tc.code, tc.wantCalls)
		}
		if tc.code == auth.TemporarilyUnavailable && ae != nil && ae.RetryAfter <= 0 {
			t.Errorf("%s: no Retry-After", tc.name)
		}
	}
	for _, s := range up.seen {
		if strings.HasPrefix(s, "rn_") {
			t.Errorf("a renova token reached the legacy system: %q", s)
		}
	}
	up.fail = nil
	if _, err := f.refreshVia(up, "some-legacy-token"); err == nil {
		t.Error("unknown token adopted after faults")
	}
	f.log.Flush()
	ev, _ := f.st.ListAudit(context.Background(), store.AuditFilter{Action: "session.adopt_failed"})
	if len(ev) < 4 {
		t.Errorf("session.adopt_failed events = %d, want at least 4", len(ev))
	}
	if _, err := f.st.UserByLogin(context.Background(), f.tenant.ID, "eve"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("user of another company was created: %v", err)
	}
}

// TestAdoptExpiryCap: the legacy token's own expiry caps the session.
func TestAdoptExpiryCap(t *testing.T) {
	f := newFixture(t, auth.Config{})
	up := newUpstream()
	exp := f.clock.Now().Add(30 * time.Minute)
	up.tokens[legacyToken].ExpiresAt = exp
	g, err := f.refreshVia(up, legacyToken)
	if err != nil || !g.Session.ExpiresAt.Equal(exp) {
		t.Fatalf("adopted session expiry = %v, %v; want %v", g, err, exp)
	}
}

// TestAdoptPartnerUser: a legacy answer naming a partner's user (HDI's
// X-User-Id) adopts into the partner's own external user, never the
// tenant's local account of the same name; a second token of that user
// finds the same partner user.
func TestAdoptPartnerUser(t *testing.T) {
	f := newFixture(t, auth.Config{})
	up := newUpstream()
	up.tokens["partner-token-1"] = &auth.LegacyUser{Login: f.user.Login, Partner: f.conf.ID}
	up.tokens["partner-token-2"] = &auth.LegacyUser{Login: f.user.Login, Partner: f.conf.ID}
	g1, err := f.refreshVia(up, "partner-token-1")
	if err != nil {
		t.Fatalf("Refresh(partner token) = %v", err)
	}
	if g1.Session.UserID == f.user.ID {
		t.Fatalf("the partner token was adopted into the local account %q", f.user.Login)
	}
	u, err := f.st.UserByLogin(context.Background(), f.tenant.ID, auth.PartnerLogin(f.conf.ID, f.user.Login))
	if err != nil || u.ID != g1.Session.UserID || !u.External || u.PasswordHash != "" {
		t.Fatalf("adopted user = %+v, %v; want the partner's external user of the session", u, err)
	}
	g2, err := f.refreshVia(up, "partner-token-2")
	if err != nil || g2.Session.UserID != u.ID {
		t.Fatalf("Refresh(second partner token) = %v, %v; want the same partner user", g2, err)
	}
}

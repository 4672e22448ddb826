package bench

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestNextLive: worker w of c owns chains w, w+c, ... and takes them in
// turn, passing over dead ones, until none is left.
func TestNextLive(t *testing.T) {
	chains := make([]*chain, 10)
	for i := range chains {
		chains[i] = &chain{tok: Tokens{Refresh: fmt.Sprint(i)}}
	}
	take := func(w int, cursor *int, n int) string {
		var got string
		for range n {
			ch := nextLive(chains, w, 4, cursor)
			if ch == nil {
				return got + "nil"
			}
			got += ch.tok.Refresh
		}
		return got
	}
	var c0, c3 int
	if got := take(0, &c0, 6); got != "048048" {
		t.Errorf("worker 0 of 4 takes %q, want 048048", got)
	}
	if got := take(3, &c3, 4); got != "3737" {
		t.Errorf("worker 3 of 4 takes %q, want 3737", got)
	}
	chains[4].dead = true
	if got := take(0, &c0, 4); got != "0808" {
		t.Errorf("worker 0 with chain 4 dead takes %q, want 0808", got)
	}
	chains[0].dead, chains[8].dead = true, true
	if got := take(0, &c0, 1); got != "nil" {
		t.Errorf("worker 0 with every chain dead takes %q, want nil", got)
	}
}

// TestRefresh: S sessions log in, then the workers rotate them up to the
// request budget; every rotation moves a chain on, and the invariants
// hold against a server that keeps one token per session.
func TestRefresh(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "refresh", true)
	if err := r.refresh(context.Background(), "renova"); err != nil {
		t.Fatal(err)
	}
	p := r.rep.Phases[0]
	if p.Name != "renova" || p.Requests != 40 || errorsOf(p) != 0 {
		t.Errorf("refresh phase = %+v, want 40 requests without errors", p)
	}
	if f.called("password") != 6 || f.called("refresh_token") != 40 {
		t.Errorf("server saw %d logins, %d refreshes; want 6, 40", f.called("password"), f.called("refresh_token"))
	}
	wantHeld(t, r.rep, 3)
}

// wantHeld fails t unless rep has n invariants, all held and checked.
func wantHeld(t *testing.T, rep *Report, n int) {
	t.Helper()
	if len(rep.Invariants) != n {
		t.Errorf("invariants = %+v, want %d", rep.Invariants, n)
	}
	for _, c := range rep.Invariants {
		if !c.OK || c.Skipped {
			t.Errorf("invariant %+v, want checked and held", c)
		}
	}
}

// TestRefreshFloorPhase: the floor's phase is measured but its chains are
// not checked against renova's invariants.
func TestRefreshFloorPhase(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "refresh", true)
	if err := r.refresh(context.Background(), "floor"); err != nil {
		t.Fatal(err)
	}
	if len(r.rep.Phases) != 1 || r.rep.Phases[0].Name != "floor" || len(r.rep.Invariants) != 0 {
		t.Errorf("floor phase: phases %+v, invariants %+v; want one phase, no checks", r.rep.Phases, r.rep.Invariants)
	}
}

// TestRotateOp: a 5xx keeps the token (the client retries it and the
// server's grace answers it), a 4xx ends the chain, and a worker whose
// chains are all dead stops without counting a request.
func TestRotateOp(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, "bench-client", "s3cret")
	f.fail5xx = 2
	r := testRun(f, "refresh", false)
	r.cfg.Connections = 1
	chains, err := r.openChains(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	op := r.rotateOp(chains)
	first := chains[0].tok
	for i, want := range []int{500, 500, 200, 200} {
		o, more, skip := op(ctx, 0)
		if o.Status != want || !more || skip {
			t.Fatalf("rotation %d = %+v more %v skip %v, want %d, more, counted", i+1, o, more, skip, want)
		}
	}
	if ch := chains[0]; ch.rotations != 2 || ch.dead || ch.tok.Refresh == first.Refresh {
		t.Errorf("chain after 2 failures and 2 rotations = %+v, want 2 rotations, alive, a new token", ch)
	}
	chains[0].tok = first // a token two generations old: reuse, 400
	if o, more, skip := op(ctx, 0); o.Status != 400 || o.Reason != "reused" || !more || skip {
		t.Errorf("presenting the grandparent = %+v more %v skip %v, want 400 reused, counted", o, more, skip)
	}
	if !chains[0].dead {
		t.Errorf("chain after a 4xx = %+v, want dead", chains[0])
	}
	if o, more, skip := op(ctx, 0); more || !skip {
		t.Errorf("op with every chain dead = %+v more %v skip %v, want no more, not counted", o, more, skip)
	}
}

// TestRefreshDeadChains: when every chain dies the phase ends before its
// bounds, with one counted request per chain.
func TestRefreshDeadChains(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	f.hook = func(grant string) {
		if grant == "refresh_token" {
			f.mu.Lock()
			for s := range f.sessions {
				f.sessions[s] = true // every session revoked: 400 session_revoked
			}
			f.mu.Unlock()
		}
	}
	r := testRun(f, "refresh", false)
	r.cfg.Requests = 1000 // far above what 6 dying chains can spend
	if err := r.refresh(context.Background(), "renova"); err != nil {
		t.Fatal(err)
	}
	p := r.rep.Phases[0]
	if p.Requests != 6 || len(p.Errors) != 1 || p.Errors[0] != (ErrorCount{400, "session_revoked", 6}) {
		t.Errorf("phase with every session revoked = %d requests, errors %v; want 6 × 400 session_revoked", p.Requests, p.Errors)
	}
}

// TestRefresh5xx: 5xx answers are counted, fail "zero 5xx", and do not
// lose the chain.
func TestRefresh5xx(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	f.fail5xx = 3
	r := testRun(f, "refresh", true)
	if err := r.refresh(context.Background(), "renova"); err != nil {
		t.Fatal(err)
	}
	v := verdicts(r.rep)
	if c := v["zero 5xx"]; c.OK || c.Detail != "3 answers with a 5xx status" {
		t.Errorf("zero 5xx = %+v, want a failure counting 3", c)
	}
	if c := v["one live refresh token per session"]; !c.OK {
		t.Errorf("live-token check = %+v, want held: a 5xx keeps the token", c)
	}
}

// TestOpenChains: sessions log in round-robin over the users; a failed
// login is the scenario's error.
func TestOpenChains(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "refresh", false)
	chains, err := r.openChains(context.Background(), 5)
	if err != nil || len(chains) != 5 {
		t.Fatalf("openChains(5) = %d chains, %v", len(chains), err)
	}
	seen := map[string]bool{}
	for _, ch := range chains {
		if ch == nil || ch.tok.Refresh == "" || ch.tok.Access == "" || seen[ch.tok.Refresh] {
			t.Fatalf("openChains(5) = %+v, want 5 distinct sessions", chains)
		}
		seen[ch.tok.Refresh] = true
	}
	r.t.Creds.Users = []User{{Login: "ana", Password: "pw-ana"}, {Login: "eve", Password: "guess"}}
	if _, err := r.openChains(context.Background(), 4); err == nil || err.Error() != "log in eve on standard: status 400 invalid_credentials" {
		t.Errorf("openChains(eve) = %v, want eve's failed login", err)
	}
}

// TestWithLogins: the second phase runs the refresh workers beside login
// workers that are bounded by the refresh phase only, and records both.
func TestWithLogins(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	beside := make(chan struct{})
	var once sync.Once
	var mu sync.Mutex
	logins, refreshes := 0, 0
	f.hook = func(grant string) {
		mu.Lock()
		switch grant {
		case "password":
			if logins++; logins > 6 { // past the sessions' own logins
				once.Do(func() { close(beside) })
			}
		case "refresh_token":
			refreshes++
		}
		n := refreshes
		mu.Unlock()
		if grant == "refresh_token" && n > 40 { // the second phase waits for a login beside it
			select {
			case <-beside:
			case <-time.After(10 * time.Second):
			}
		}
	}
	r := testRun(f, "refresh", true)
	r.cfg.LoginLoad = 2
	if err := r.refresh(context.Background(), "renova"); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range r.rep.Phases {
		names = append(names, fmt.Sprintf("%s:%v", p.Name, p.Requests > 0))
	}
	if got := fmt.Sprint(names); got != "[renova:true renova + 2 logins:true logins (beside):true]" {
		t.Errorf("phases = %s, want renova, renova + 2 logins and the logins, each with requests", got)
	}
	if p := r.rep.Phases[1]; p.Requests != 40 {
		t.Errorf("refresh beside logins = %d requests, want the budget of 40", p.Requests)
	}
	wantHeld(t, r.rep, 3)
}

// TestLoginOp: each call logs the next user in, round-robin.
func TestLoginOp(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "login", false)
	op := r.loginOp()
	for range 4 {
		if o, more, skip := op(context.Background(), 0); !o.ok() || !more || skip {
			t.Fatalf("login = %+v more %v skip %v, want a counted success", o, more, skip)
		}
	}
	if f.called("user ana") != 2 || f.called("user bia") != 2 {
		t.Errorf("4 logins = ana %d, bia %d; want 2 each", f.called("user ana"), f.called("user bia"))
	}
}

package bench

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// stubInspector gives fixed answers, to see how each one is judged.
type stubInspector struct {
	tally      Tally
	live       bool
	successors int
	isChild    bool
	reuses     int
	err        error // returned by every call
}

func (s stubInspector) Tally(context.Context, string) (Tally, error) { return s.tally, s.err }
func (s stubInspector) Live(context.Context, string) (bool, error)   { return s.live, s.err }
func (s stubInspector) Successors(context.Context, string, string) (int, bool, error) {
	return s.successors, s.isChild, s.err
}
func (s stubInspector) ReuseEvents(context.Context) (int, error) { return s.reuses, s.err }

// withStore returns a run whose target has st as its Inspector.
func withStore(st Inspector) *run {
	cfg := Config{Contenders: 2}.withDefaults()
	return &run{cfg: cfg, t: &Target{Creds: Creds{ClientID: "c"}, store: st}, s: standardSurface, rep: newReport(cfg), now: time.Now}
}

// held returns n chains holding the tokens rt-1 … rt-n.
func held(n int) []*chain {
	chains := make([]*chain, n)
	for i := range chains {
		chains[i] = &chain{tok: Tokens{Refresh: "rt-" + string(rune('1'+i))}}
	}
	return chains
}

// TestCheckChains: "one live refresh token per session" holds only when
// every held token is live and every session of the client has one.
func TestCheckChains(t *testing.T) {
	good := Tally{Sessions: 2, OneLive: 2}
	cases := []struct {
		name   string
		st     stubInspector
		ok     bool
		detail string
	}{
		{"all live", stubInspector{tally: good, live: true}, true,
			"2 sessions in the store, 2 with exactly one unused token, 0 with another number, 0 revoked; 0 of 2 tokens the clients hold are not that live token"},
		{"held tokens stale", stubInspector{tally: good}, false, "; 2 of 2 tokens the clients hold are not that live token"},
		{"a session with two", stubInspector{tally: Tally{Sessions: 2, OneLive: 1, Anomalies: 1}, live: true}, false, "1 with another number"},
		{"a revoked session", stubInspector{tally: Tally{Sessions: 2, OneLive: 1, Revoked: 1}, live: true}, false, "1 revoked"},
		{"fewer sessions than chains", stubInspector{tally: Tally{Sessions: 1, OneLive: 1}, live: true}, false, "1 sessions in the store"},
		{"store error", stubInspector{live: true, err: errors.New("disk on fire")}, false, "query: disk on fire"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := withStore(tc.st)
			r.checkChains(context.Background(), held(2))
			c := verdicts(r.rep)["one live refresh token per session"]
			if c.OK != tc.ok || !strings.Contains(c.Detail, tc.detail) {
				t.Errorf("checkChains(%s) = %+v, want ok %v with %q", tc.name, c, tc.ok, tc.detail)
			}
		})
	}
}

// TestCheckReuse: a reused answer or a reuse audit event fails the check;
// without a store only the answers can be counted, and it says so.
func TestCheckReuse(t *testing.T) {
	cases := []struct {
		name   string
		st     Inspector
		reused int64
		ok     bool
		detail string
	}{
		{"none", stubInspector{}, 0, true, "0 answers with reason reused, 0 refresh.reuse audit events"},
		{"an answer", stubInspector{}, 1, false, "1 answers with reason reused, 0 refresh.reuse audit events"},
		{"an audit event", stubInspector{reuses: 2}, 0, false, "0 answers with reason reused, 2 refresh.reuse audit events"},
		{"audit error", stubInspector{err: errors.New("gone")}, 0, false, "audit: gone"},
		{"remote none", nil, 0, true, "0 answers with reason reused (audit not visible in --url mode)"},
		{"remote an answer", nil, 3, false, "3 answers with reason reused (audit not visible in --url mode)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := withStore(tc.st)
			r.rep.add(&Result{Name: "renova", Reused: tc.reused})
			r.checkReuse(context.Background())
			if c := verdicts(r.rep)["zero false reuse detections"]; c.OK != tc.ok || c.Detail != tc.detail {
				t.Errorf("checkReuse(%s) = %+v, want ok %v, %q", tc.name, c, tc.ok, tc.detail)
			}
		})
	}
}

// TestCheckSessions: a login run needs a session with one unused token
// for every login that succeeded; remote, it cannot tell and skips.
func TestCheckSessions(t *testing.T) {
	cases := []struct {
		name   string
		st     Inspector
		logins int64
		ok     bool
		skip   bool
		detail string
	}{
		{"all", stubInspector{tally: Tally{Sessions: 5, OneLive: 5}}, 5, true, false, "5 sessions, 5 with exactly one unused token, 0 with another number (5 logins answered 200)"},
		{"missing", stubInspector{tally: Tally{Sessions: 4, OneLive: 4}}, 5, false, false, "(5 logins answered 200)"},
		{"anomaly", stubInspector{tally: Tally{Sessions: 6, OneLive: 5, Anomalies: 1}}, 5, false, false, "1 with another number"},
		{"error", stubInspector{err: errors.New("gone")}, 5, false, false, "query: gone"},
		{"remote", nil, 5, true, true, "store not visible in --url mode"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := withStore(tc.st)
			r.checkSessions(context.Background(), tc.logins)
			c := verdicts(r.rep)["one live refresh token per session"]
			if c.OK != tc.ok || c.Skipped != tc.skip || !strings.Contains(c.Detail, tc.detail) {
				t.Errorf("checkSessions(%s) = %+v, want ok %v skipped %v with %q", tc.name, c, tc.ok, tc.skip, tc.detail)
			}
		})
	}
}

// TestInvariantsCatchRealReuse makes sure the checks are not vacuous: a
// token two generations old presented by hand is reuse, so the reuse
// check and the one-live-token check must both fail.
func TestInvariantsCatchRealReuse(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "refresh", true)
	chains, err := r.openChains(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	first := chains[0].tok
	rec := newRecorder()
	present := func(tok Tokens) Tokens {
		req, err := r.s.Refresh(r.t, tok)
		if err != nil {
			t.Fatal(err)
		}
		got, o := r.t.exchange(ctx, req, r.s.Parse)
		rec.record(time.Millisecond, o)
		return got
	}
	chains[0].tok = present(present(first))
	present(first) // the grandparent: reuse, the session is revoked
	r.rep.add(rec.result("by hand", time.Second))
	r.checkChains(ctx, chains)
	v := verdicts(r.rep)
	if c := v["zero false reuse detections"]; c.OK || c.Detail != "1 answers with reason reused, 1 refresh.reuse audit events" {
		t.Errorf("reuse check after a real reuse = %+v, want a failure counting 1 answer and 1 audit event", c)
	}
	if c := v["one live refresh token per session"]; c.OK || !strings.Contains(c.Detail, "1 revoked; 1 of 2 tokens the clients hold are not that live token") {
		t.Errorf("live-token check after a real reuse = %+v, want a failure with 1 revoked session", c)
	}
}

// TestCheckRemoteChains: in --url mode the held tokens are introspected
// with a confidential client on the standard surface, and skipped
// otherwise.
func TestCheckRemoteChains(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "refresh", false)
	chains, err := r.openChains(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	r.checkRemoteChains(ctx, chains)
	f.inactive = true
	r.checkRemoteChains(ctx, chains)
	r.s = icreditSurface
	r.checkRemoteChains(ctx, chains)
	got := r.rep.Invariants
	if len(got) != 3 || !got[0].OK || got[1].OK || !got[2].Skipped {
		t.Fatalf("checkRemoteChains(active, inactive, icredit) = %+v, want held, failed, skipped", got)
	}
	if got[1].Detail != "--url mode, by introspection: 3 of 3 held tokens inactive (the count of unused tokens per session is not visible)" {
		t.Errorf("inactive detail = %q", got[1].Detail)
	}
	if f.called("introspect") != 6 {
		t.Errorf("introspections = %d, want 3 per checked run", f.called("introspect"))
	}
}

// TestRemoteURL: the report never shows credentials of the URL.
func TestRemoteURL(t *testing.T) {
	cases := map[string]string{
		"http://user:pw@127.0.0.1:8080/base": "http://127.0.0.1:8080/base",
		"http://127.0.0.1:8080":              "http://127.0.0.1:8080",
		"%zz":                                "%zz",
	}
	for in, want := range cases {
		if got := remoteURL(in); got != want {
			t.Errorf("remoteURL(%q) = %q, want %q", in, got, want)
		}
	}
}

package bench

import (
	"bytes"
	"context"
	"errors"
	"github.com/renova-auth/renova/internal/testclock"
	"strings"
	"testing"
	"time"
)

// TestContention: against a server with a grace window, every trial's
// contenders get the same successor and the store holds only that one.
func TestContention(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "contention", true)
	r.cfg.Requests = 0
	if err := r.contention(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := verdicts(r.rep)["exactly one successor per trial"]
	if !c.OK || c.Detail != "3/3 trials: all 5 answers carry the same successor and the store holds exactly that one child" {
		t.Errorf("contention 5×3 = %+v, want 3/3 trials, checked in the store", c)
	}
	p := r.rep.Phases[0]
	if p.Name != "renova 5×3" || p.Requests != 15 || errorsOf(p) != 0 || p.Seconds <= 0 {
		t.Errorf("contention phase = %+v, want renova 5×3 with 15 requests, no errors, some time", p)
	}
	if f.called("password") != 3 || f.called("refresh_token") != 15 {
		t.Errorf("server saw %d logins, %d refreshes; want 3 and 15", f.called("password"), f.called("refresh_token"))
	}
	if v := verdicts(r.rep); !v["zero 5xx"].OK || !v["zero false reuse detections"].OK {
		t.Errorf("invariants = %+v, want zero 5xx and zero reuse held", r.rep.Invariants)
	}
}

// TestContentionNoGrace: a server that mints a successor per presentation
// fails every trial; the detail names the first three.
func TestContentionNoGrace(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	f.mintPerCall = true
	r := testRun(f, "contention", true)
	r.cfg.Requests, r.cfg.Trials = 0, 5
	if err := r.contention(context.Background()); err != nil {
		t.Fatal(err)
	}
	c := verdicts(r.rep)["exactly one successor per trial"]
	want := "0/5 trials: all 5 answers carry the same successor and the store holds exactly that one child; " +
		"trial 1: answers carry different refresh tokens; trial 2: answers carry different refresh tokens; " +
		"trial 3: answers carry different refresh tokens"
	if c.OK || c.Detail != want {
		t.Errorf("contention without grace = %+v, want a failure:\n%s", c, want)
	}
}

// TestContentionBounds: trials stop at --trials, at the request budget
// (whole trials only) and at the duration, whichever comes first.
func TestContentionBounds(t *testing.T) {
	cases := []struct {
		name     string
		trials   int
		requests int64
		duration time.Duration // of a clock each login moves by a second
		want     int
	}{
		{"trials", 3, 0, time.Hour, 3},
		{"requests", 100, 10, time.Hour, 2},
		{"requests, a part trial", 100, 12, time.Hour, 3},
		{"duration", 100, 0, 2500 * time.Millisecond, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, "bench-client", "s3cret")
			clock := testclock.New()
			f.hook = func(grant string) {
				if grant == "password" {
					clock.Advance(time.Second)
				}
			}
			r := testRun(f, "contention", false)
			r.now = clock.Now
			r.cfg.Trials, r.cfg.Requests, r.cfg.Duration = tc.trials, tc.requests, tc.duration
			if err := r.contention(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := f.called("password"); got != tc.want || r.rep.Phases[0].Requests != int64(5*tc.want) {
				t.Errorf("contention(%s) = %d trials, %d requests; want %d trials of 5", tc.name, got, r.rep.Phases[0].Requests, tc.want)
			}
		})
	}
}

// TestContentionLoginFails: a trial whose session cannot log in ends the
// scenario with the login's error.
func TestContentionLoginFails(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "contention", false)
	r.t.Creds.Users = []User{{Login: "ana", Password: "wrong"}}
	err := r.contention(context.Background())
	if err == nil || err.Error() != "log in ana on standard: status 400 invalid_credentials" {
		t.Errorf("contention(wrong password) = %v, want the login's failure", err)
	}
}

// TestContentionRemote: without a store the trial is judged by the
// answers alone, and the detail says so.
func TestContentionRemote(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "contention", false)
	r.cfg.Requests = 0
	if err := r.contention(context.Background()); err != nil {
		t.Fatal(err)
	}
	if c := verdicts(r.rep)["exactly one successor per trial"]; !c.OK || c.Detail != "3/3 trials: all 5 answers carry the same successor (store not visible in --url mode)" {
		t.Errorf("remote contention = %+v, want held by the answers", c)
	}
}

// TestOneSuccessor classifies a trial: every answer a 2xx with the same
// token, and the store's one child that token.
func TestOneSuccessor(t *testing.T) {
	cases := []struct {
		name string
		tr   trial
		st   Inspector
		want string // "" for one successor
	}{
		{"agreement", trial{answers: []string{"a", "a"}, ok: 2}, nil, ""},
		{"agreement, store agrees", trial{answers: []string{"a", "a"}, ok: 2}, stubInspector{successors: 1, isChild: true}, ""},
		{"a failure", trial{answers: []string{"a", ""}, ok: 1}, nil, "1 of 2 answers failed"},
		{"all failed", trial{answers: []string{"", ""}}, nil, "2 of 2 answers failed"},
		{"two successors", trial{answers: []string{"a", "b"}, ok: 2}, nil, "answers carry different refresh tokens"},
		{"empty tokens", trial{answers: []string{"", ""}, ok: 2}, nil, "answers carry different refresh tokens"},
		{"store holds two", trial{answers: []string{"a", "a"}, ok: 2}, stubInspector{successors: 2, isChild: true},
			"store holds 2 children of the token, want exactly the answered one"},
		{"store holds another", trial{answers: []string{"a", "a"}, ok: 2}, stubInspector{successors: 1},
			"store holds 1 children of the token, want exactly the answered one"},
		{"store holds none", trial{answers: []string{"a", "a"}, ok: 2}, stubInspector{},
			"store holds 0 children of the token, want exactly the answered one"},
		{"store error", trial{answers: []string{"a", "a"}, ok: 2}, stubInspector{err: errors.New("gone")}, "gone"},
	}
	for _, tc := range cases {
		r := withStore(tc.st)
		err := r.oneSuccessor(context.Background(), &tc.tr)
		if got := ""; err != nil {
			got = err.Error()
			if got != tc.want {
				t.Errorf("oneSuccessor(%s) = %q, want %q", tc.name, got, tc.want)
			}
		} else if tc.want != "" {
			t.Errorf("oneSuccessor(%s) = nil, want %q", tc.name, tc.want)
		}
	}
}

// TestCheckTrialsEmpty: no trial at all is not a success.
func TestCheckTrialsEmpty(t *testing.T) {
	r := withStore(nil)
	r.checkTrials(context.Background(), nil)
	if c := verdicts(r.rep)["exactly one successor per trial"]; c.OK || !strings.HasPrefix(c.Detail, "0/0 trials") {
		t.Errorf("checkTrials(none) = %+v, want a failure", c)
	}
}

// TestProgressTrial: the progress line counts trials and is cleared after
// the last; without a writer nothing happens.
func TestProgressTrial(t *testing.T) {
	var buf bytes.Buffer
	r := &run{cfg: Config{Trials: 2, Progress: &buf}}
	r.progressTrial(1)
	r.progressTrial(2)
	if got, want := buf.String(), "\r\033[Kcontention  trial 1/2\r\033[Kcontention  trial 2/2\r\033[K"; got != want {
		t.Errorf("progress = %q, want %q", got, want)
	}
	(&run{cfg: Config{Trials: 2}}).progressTrial(1)
}

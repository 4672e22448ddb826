package bench

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestInvariantsCatchRealReuse makes sure the checks are not vacuous: a
// token two generations old presented by hand is reuse, so the reuse
// check and the one-live-token check must both fail.
func TestInvariantsCatchRealReuse(t *testing.T) {
	ctx := context.Background()
	cfg := tiny("refresh").withDefaults()
	cfg.TempDir = t.TempDir()
	tg, err := embed(ctx, &cfg, standardSurface)
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	r := &run{cfg: cfg, t: tg, s: standardSurface, rep: newReport(cfg)}
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
	if c := v["zero false reuse detections"]; c.OK || !strings.Contains(c.Detail, "1 answers with reason reused, 1 refresh.reuse audit events") {
		t.Errorf("reuse check after a real reuse = %+v, want a failure counting 1 answer and 1 audit event", c)
	}
	if c := v["one live refresh token per session"]; c.OK || !strings.Contains(c.Detail, "1 revoked") {
		t.Errorf("live-token check after a real reuse = %+v, want a failure with 1 revoked session", c)
	}
}

// TestOneSuccessorRefusesDisagreement: a trial whose answers differ, or
// where one failed, is not one successor.
func TestOneSuccessorRefusesDisagreement(t *testing.T) {
	r := &run{t: &Target{}, s: standardSurface}
	cases := []struct {
		name string
		tr   trial
		want string
	}{
		{"a failure", trial{answers: []string{"a", ""}, ok: 1}, "1 of 2 answers failed"},
		{"two successors", trial{answers: []string{"a", "b"}, ok: 2}, "different refresh tokens"},
	}
	for _, tc := range cases {
		if err := r.oneSuccessor(context.Background(), &tc.tr); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("oneSuccessor(%s) = %v, want %q", tc.name, err, tc.want)
		}
	}
}

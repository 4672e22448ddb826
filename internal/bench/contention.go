package bench

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// trial is one contention trial: a fresh session's first token, presented
// by N clients at once, and what each of them got.
type trial struct {
	parent  string
	answers []string // refresh token of each answer ("" for a failure)
	ok      int      // answers with a 2xx
}

// contention is the contention scenario (PRODUCT.md §2.2): K times, log a
// session in and present its token from N workers released together.
// Every answer must be 200 with the same successor, and the store must
// hold exactly one child of the token.
func (r *run) contention(ctx context.Context) error {
	n := r.cfg.Contenders
	recs := make([]*recorder, n)
	for i := range recs {
		recs[i] = newRecorder()
	}
	var trials []*trial
	var busy time.Duration
	deadline := r.now().Add(r.cfg.Duration)
	for k := 0; k < r.cfg.Trials && ctx.Err() == nil && r.now().Before(deadline); k++ {
		if r.cfg.Requests > 0 && int64(len(trials)*n) >= r.cfg.Requests {
			break
		}
		chains, err := r.openChains(ctx, 1)
		if err != nil {
			return err
		}
		t0 := r.now()
		trials = append(trials, r.burst(ctx, chains[0].tok, recs))
		busy += r.now().Sub(t0)
		r.progressTrial(len(trials))
	}
	total := newRecorder()
	for _, rec := range recs {
		total.merge(rec)
	}
	r.rep.add(total.result(fmt.Sprintf("renova %d×%d", n, len(trials)), busy))
	r.checkTrials(ctx, trials)
	return nil
}

// burst presents tok from every contender at once.
func (r *run) burst(ctx context.Context, tok Tokens, recs []*recorder) *trial {
	tr := &trial{parent: tok.Refresh, answers: make([]string, len(recs))}
	start := make(chan struct{})
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range recs {
		req, err := r.s.Refresh(r.t, tok)
		if err != nil {
			recs[i].record(0, Outcome{Reason: err.Error()})
			continue
		}
		wg.Go(func() {
			<-start
			t0 := r.now()
			got, o := r.t.exchange(ctx, req, r.s.Parse)
			recs[i].record(r.now().Sub(t0), o)
			if o.ok() {
				mu.Lock()
				tr.answers[i], tr.ok = got.Refresh, tr.ok+1
				mu.Unlock()
			}
		})
	}
	close(start)
	wg.Wait()
	return tr
}

// progressTrial shows the trial count on the progress line.
func (r *run) progressTrial(k int) {
	if r.cfg.Progress != nil {
		fmt.Fprintf(r.cfg.Progress, "\r\033[Kcontention  trial %d/%d", k, r.cfg.Trials)
		if k == r.cfg.Trials {
			fmt.Fprint(r.cfg.Progress, "\r\033[K")
		}
	}
}

// checkTrials checks exactly one successor per trial: every answer is a
// 2xx carrying the same refresh token and, in embedded mode, the store
// holds exactly one child of the presented token, and it is that one.
func (r *run) checkTrials(ctx context.Context, trials []*trial) {
	good := 0
	var bad []string
	for k, tr := range trials {
		if err := r.oneSuccessor(ctx, tr); err != nil {
			if len(bad) < 3 {
				bad = append(bad, fmt.Sprintf("trial %d: %v", k+1, err))
			}
			continue
		}
		good++
	}
	detail := fmt.Sprintf("%d/%d trials: all %d answers carry the same successor", good, len(trials), r.cfg.Contenders)
	if r.t.store != nil {
		detail += " and the store holds exactly that one child"
	} else {
		detail += " (store not visible in --url mode)"
	}
	for _, b := range bad {
		detail += "; " + b
	}
	r.rep.check("exactly one successor per trial", good == len(trials) && len(trials) > 0, detail)
	r.rep.check("zero 5xx", r.rep.fiveXX() == 0, fmt.Sprintf("%d answers with a 5xx status", r.rep.fiveXX()))
	r.checkReuse(ctx)
}

// oneSuccessor checks one trial.
func (r *run) oneSuccessor(ctx context.Context, tr *trial) error {
	if tr.ok != len(tr.answers) {
		return fmt.Errorf("%d of %d answers failed", len(tr.answers)-tr.ok, len(tr.answers))
	}
	for _, a := range tr.answers {
		if a != tr.answers[0] || a == "" {
			return fmt.Errorf("answers carry different refresh tokens")
		}
	}
	if r.t.store == nil {
		return nil
	}
	n, isChild, err := r.t.store.Successors(ctx, tr.parent, tr.answers[0])
	if err != nil {
		return err
	}
	if n != 1 || !isChild {
		return fmt.Errorf("store holds %d children of the token, want exactly the answered one", n)
	}
	return nil
}

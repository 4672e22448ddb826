package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// chain is one session's refresh-token chain as the client sees it: the
// tokens it will present next.
type chain struct {
	tok       Tokens
	rotations int64
	dead      bool // a 4xx answer ended it; the worker stops using it
}

// refresh is the refresh scenario (issue 8): log S sessions in first, then
// C workers each rotate their own chains (worker w owns chains w, w+C,
// ...). A 5xx or a transport failure keeps the token: retrying it is what
// a client does, and the grace window answers it. With --login-load, a
// second phase runs the same workers beside that many logins in flight;
// with --browser-load, another beside that many browser sign-ins
// (authcode flows, issue 12).
func (r *run) refresh(ctx context.Context, name string) error {
	if r.cfg.BrowserLoad > 0 && name == "renova" {
		if err := r.t.browserReady(); err != nil {
			return err
		}
	}
	chains, err := r.openChains(ctx, r.cfg.Sessions)
	if err != nil {
		return err
	}
	r.rep.add(r.phase(name, r.cfg.Connections).run(ctx, r.rotateOp(chains)))
	if r.cfg.LoginLoad > 0 && name == "renova" {
		r.beside(ctx, chains, r.cfg.LoginLoad, "logins", r.loginOp())
	}
	if r.cfg.BrowserLoad > 0 && name == "renova" {
		r.beside(ctx, chains, r.cfg.BrowserLoad, "browser logins", r.authcodeOp(nil))
	}
	if name == "renova" {
		r.checkChains(ctx, chains)
	}
	return nil
}

// beside runs the refresh workers again beside n workers that run op
// without pause (logins, browser sign-ins), and records both: the
// refresh phase as "renova + n <what>", the other as "<what> (beside)".
// The refresh phase's bounds end both.
func (r *run) beside(ctx context.Context, chains []*chain, n int, what string, op workFn) {
	bctx, stop := context.WithCancel(ctx)
	var load *Result
	var wg sync.WaitGroup
	wg.Go(func() {
		p := r.phase(what+" (beside)", n)
		p.progress, p.requests = nil, 0
		load = p.run(bctx, op)
	})
	res := r.phase(fmt.Sprintf("renova + %d %s", n, what), r.cfg.Connections).run(ctx, r.rotateOp(chains))
	stop()
	wg.Wait()
	r.rep.add(res)
	r.rep.add(load)
}

// openChains logs n sessions in, Connections at a time, round-robin over
// the users.
func (r *run) openChains(ctx context.Context, n int) ([]*chain, error) {
	chains := make([]*chain, n)
	var next atomic.Int64
	var first error
	var once sync.Once
	var wg sync.WaitGroup
	for range min(n, r.cfg.Connections) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				u := r.t.Creds.Users[i%len(r.t.Creds.Users)]
				tok, o := r.s.Login(ctx, r.t, u)
				if !o.ok() {
					once.Do(func() { first = fmt.Errorf("log in %s on %s: status %d %s", u.Login, r.s.Name, o.Status, o.Reason) })
					return
				}
				chains[i] = &chain{tok: tok}
			}
		})
	}
	wg.Wait()
	return chains, first
}

// rotateOp returns the refresh work: each call rotates the worker's next
// live chain once.
func (r *run) rotateOp(chains []*chain) workFn {
	c := r.cfg.Connections
	cursor := make([]int, c)
	return func(ctx context.Context, w int) (Outcome, bool, bool) {
		ch := nextLive(chains, w, c, &cursor[w])
		if ch == nil {
			return Outcome{}, false, true
		}
		req, err := r.s.Refresh(r.t, ch.tok)
		if err != nil {
			return Outcome{Reason: err.Error()}, false, false
		}
		tok, o := r.t.exchange(ctx, req, r.s.Parse)
		if ctx.Err() != nil {
			return o, false, true
		}
		switch {
		case o.ok():
			tok.User = ch.tok.User
			if tok.Refresh != ch.tok.Refresh || tok.Access != ch.tok.Access {
				ch.rotations++
			}
			ch.tok = tok
		case o.Status >= 400 && o.Status < 500:
			ch.dead = true
		}
		return o, true, false
	}
}

// nextLive returns worker w's next live chain (of w, w+c, ...), moving
// its cursor, or nil when all of them are dead.
func nextLive(chains []*chain, w, c int, cursor *int) *chain {
	owned := (len(chains) - w + c - 1) / c
	for range owned {
		i := w + (*cursor%owned)*c
		*cursor++
		if ch := chains[i]; !ch.dead {
			return ch
		}
	}
	return nil
}

// loginOp returns the login work: each call logs the next user in.
func (r *run) loginOp() workFn {
	var next atomic.Int64
	return func(ctx context.Context, w int) (Outcome, bool, bool) {
		users := r.t.Creds.Users
		u := users[int(next.Add(1)-1)%len(users)]
		_, o := r.s.Login(ctx, r.t, u)
		return o, true, ctx.Err() != nil
	}
}

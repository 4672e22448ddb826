package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
)

// login is the login scenario: every worker logs the next user in, so the
// figure is bounded by the password hash and --login-slots.
func (r *run) login(ctx context.Context) error {
	res := r.phase("renova", r.cfg.Connections).run(ctx, r.loginOp())
	r.rep.add(res)
	r.rep.check("zero 5xx", r.rep.fiveXX() == 0, fmt.Sprintf("%d answers with a 5xx status", r.rep.fiveXX()))
	r.checkSessions(ctx, res.Requests-errorsOf(res))
	r.checkReuse(ctx)
	return nil
}

// clientCredentials is the client-credentials scenario: a client
// authenticates and gets an access token (one ES256 signature, no store
// write).
func (r *run) clientCredentials(ctx context.Context) error {
	op := func(ctx context.Context, w int) (Outcome, bool, bool) {
		req, err := r.t.form("/oauth2/token", url.Values{"grant_type": {"client_credentials"}})
		if err != nil {
			return Outcome{Reason: err.Error()}, false, false
		}
		_, o := r.t.exchange(ctx, req, parseOAuth)
		return o, true, ctx.Err() != nil
	}
	r.rep.add(r.phase("renova", r.cfg.Connections).run(ctx, op))
	r.rep.check("zero 5xx", r.rep.fiveXX() == 0, fmt.Sprintf("%d answers with a 5xx status", r.rep.fiveXX()))
	return nil
}

// introspect is the introspect scenario: RFC 7662 on the access tokens of
// S sessions logged in first; every answer must say active.
func (r *run) introspect(ctx context.Context) error {
	chains, err := r.openChains(ctx, r.cfg.Sessions)
	if err != nil {
		return err
	}
	var next atomic.Int64
	op := func(ctx context.Context, w int) (Outcome, bool, bool) {
		ch := chains[int(next.Add(1)-1)%len(chains)]
		o := r.introspectOne(ctx, ch.tok.Access)
		return o, true, ctx.Err() != nil
	}
	r.rep.add(r.phase("renova", r.cfg.Connections).run(ctx, op))
	r.rep.check("zero 5xx", r.rep.fiveXX() == 0, fmt.Sprintf("%d answers with a 5xx status", r.rep.fiveXX()))
	return nil
}

// introspectOne asks whether tok is active; an inactive answer is counted
// as a failure with reason "inactive".
func (r *run) introspectOne(ctx context.Context, tok string) Outcome {
	req, err := r.t.form("/oauth2/introspect", url.Values{"token": {tok}})
	if err != nil {
		return Outcome{Reason: err.Error()}
	}
	status, body, err := r.t.do(ctx, req)
	if err != nil {
		return Outcome{Reason: transportReason(err)}
	}
	var a struct {
		Active bool   `json:"active"`
		Error  string `json:"error"`
	}
	_ = json.Unmarshal(body, &a)
	switch {
	case status != http.StatusOK:
		return Outcome{Status: status, Reason: a.Error}
	case !a.Active:
		return Outcome{Status: status, Reason: "inactive"} // a 200, yet a failure for the bench
	}
	return Outcome{Status: status}
}

// jwks is the jwks scenario: GET /oauth2/jwks, the cheapest public call.
func (r *run) jwks(ctx context.Context) error {
	op := func(ctx context.Context, w int) (Outcome, bool, bool) {
		req, err := http.NewRequest(http.MethodGet, r.t.URL+"/oauth2/jwks", nil)
		if err != nil {
			return Outcome{Reason: err.Error()}, false, false
		}
		status, _, err := r.t.do(ctx, req)
		if err != nil {
			return Outcome{Reason: transportReason(err)}, true, ctx.Err() != nil
		}
		return Outcome{Status: status}, true, false
	}
	r.rep.add(r.phase("renova", r.cfg.Connections).run(ctx, op))
	r.rep.check("zero 5xx", r.rep.fiveXX() == 0, fmt.Sprintf("%d answers with a 5xx status", r.rep.fiveXX()))
	return nil
}

// errorsOf sums a result's failed requests.
func errorsOf(res *Result) int64 {
	var n int64
	for _, e := range res.Errors {
		n += e.Count
	}
	return n
}

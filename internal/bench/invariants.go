package bench

import (
	"context"
	"fmt"
	"net/url"
)

// Check is one invariant's verdict.
type Check struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped,omitempty"`
	Detail  string `json:"detail"`
}

// checkChains checks a refresh run: one live refresh token per session,
// zero 5xx, zero false reuse detections.
func (r *run) checkChains(ctx context.Context, chains []*chain) {
	r.rep.check("zero 5xx", r.rep.fiveXX() == 0, fmt.Sprintf("%d answers with a 5xx status", r.rep.fiveXX()))
	r.checkReuse(ctx)
	if r.t.store == nil {
		r.checkRemoteChains(ctx, chains)
		return
	}
	stale := 0
	for _, ch := range chains {
		if live, err := r.t.store.Live(ctx, ch.tok.Refresh); err != nil || !live {
			stale++
		}
	}
	t, err := r.t.store.Tally(ctx, r.t.Creds.ClientID)
	if err != nil {
		r.rep.check("one live refresh token per session", false, "query: "+err.Error())
		return
	}
	ok := stale == 0 && t.Anomalies == 0 && t.Revoked == 0 && t.Sessions >= len(chains)
	r.rep.check("one live refresh token per session", ok, fmt.Sprintf(
		"%d sessions in the store, %d with exactly one unused token, %d with another number, %d revoked; %d of %d tokens the clients hold are not that live token",
		t.Sessions, t.OneLive, t.Anomalies, t.Revoked, stale, len(chains)))
}

// checkRemoteChains checks, through RFC 7662, that every token the
// clients hold is active; the store itself is not visible.
func (r *run) checkRemoteChains(ctx context.Context, chains []*chain) {
	if r.s.Name != "standard" || r.t.Creds.ClientSecret == "" {
		r.rep.skip("one live refresh token per session", "--url mode: needs a confidential client on the standard surface to introspect")
		return
	}
	inactive := 0
	for _, ch := range chains {
		if o := r.introspectOne(ctx, ch.tok.Refresh); !o.ok() {
			inactive++
		}
	}
	r.rep.check("one live refresh token per session", inactive == 0, fmt.Sprintf(
		"--url mode, by introspection: %d of %d held tokens inactive (the count of unused tokens per session is not visible)", inactive, len(chains)))
}

// checkReuse checks that nothing was detected as reuse: no answer said
// reused and, embedded, no refresh.reuse audit event was written. Neither
// the refresh nor the contention scenario ever presents a token outside
// its grace window, so any detection is a false one.
func (r *run) checkReuse(ctx context.Context) {
	answers := r.rep.reused()
	if r.t.store == nil {
		r.rep.check("zero false reuse detections", answers == 0, fmt.Sprintf(
			"%d answers with reason reused (audit not visible in --url mode)", answers))
		return
	}
	events, err := r.t.store.ReuseEvents(ctx)
	if err != nil {
		r.rep.check("zero false reuse detections", false, "audit: "+err.Error())
		return
	}
	r.rep.check("zero false reuse detections", answers == 0 && events == 0, fmt.Sprintf(
		"%d answers with reason reused, %d refresh.reuse audit events", answers, events))
}

// checkSessions checks a login run: every session has one unused token,
// and there are as many sessions as successful logins.
func (r *run) checkSessions(ctx context.Context, logins int64) {
	if r.t.store == nil {
		r.rep.skip("one live refresh token per session", "store not visible in --url mode")
		return
	}
	t, err := r.t.store.Tally(ctx, r.t.Creds.ClientID)
	if err != nil {
		r.rep.check("one live refresh token per session", false, "query: "+err.Error())
		return
	}
	r.rep.check("one live refresh token per session", t.Anomalies == 0 && int64(t.OneLive) >= logins, fmt.Sprintf(
		"%d sessions, %d with exactly one unused token, %d with another number (%d logins answered 200)",
		t.Sessions, t.OneLive, t.Anomalies, logins))
}

// remoteURL hides credentials in a URL for the report.
func remoteURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.User = nil
	return u.String()
}

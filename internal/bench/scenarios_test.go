package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestScenarios runs each non-refresh scenario against the fake server:
// the phase spends its budget on the scenario's own call, with no errors,
// and its invariants hold.
func TestScenarios(t *testing.T) {
	cases := []struct {
		scenario string
		call     string // what the server must have answered 40 times
		checks   int
	}{
		{"login", "password", 3},
		{"client-credentials", "client_credentials", 1},
		{"introspect", "introspect", 1},
		{"jwks", "jwks", 1},
	}
	for _, tc := range cases {
		t.Run(tc.scenario, func(t *testing.T) {
			f := newFake(t, "bench-client", "s3cret")
			r := testRun(f, tc.scenario, true)
			if err := r.scenario(context.Background()); err != nil {
				t.Fatal(err)
			}
			p := r.rep.Phases[0]
			if len(r.rep.Phases) != 1 || p.Name != "renova" || p.Requests != 40 || errorsOf(p) != 0 {
				t.Errorf("Run(%s) phases = %+v, want one phase renova of 40 requests, no errors", tc.scenario, r.rep.Phases)
			}
			if got := f.called(tc.call); got != 40 {
				t.Errorf("Run(%s): server answered %d %s calls, want 40", tc.scenario, got, tc.call)
			}
			wantHeld(t, r.rep, tc.checks)
		})
	}
}

// TestIntrospectSessions: introspect logs its sessions in first and asks
// about their access tokens, round-robin.
func TestIntrospectSessions(t *testing.T) {
	f := newFake(t, "bench-client", "s3cret")
	r := testRun(f, "introspect", false)
	if err := r.introspect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.called("password") != 6 {
		t.Errorf("introspect logged %d sessions in, want --sessions (6)", f.called("password"))
	}
	f.inactive = true
	r = testRun(f, "introspect", false)
	if err := r.introspect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := r.rep.Phases[0]; len(p.Errors) != 1 || p.Errors[0] != (ErrorCount{200, "inactive", 40}) {
		t.Errorf("introspect against a server that says inactive = errors %v, want 40 × 200 inactive", p.Errors)
	}
}

// TestIntrospectOne classifies an introspection answer.
func TestIntrospectOne(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   Outcome
	}{
		{"active", 200, `{"active":true}`, Outcome{Status: 200}},
		{"inactive", 200, `{"active":false}`, Outcome{Status: 200, Reason: "inactive"}},
		{"garbage", 200, `<html>`, Outcome{Status: 200, Reason: "inactive"}},
		{"unauthorized", 401, `{"error":"invalid_client"}`, Outcome{Status: 401, Reason: "invalid_client"}},
		{"unavailable", 503, ``, Outcome{Status: 503}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := answering(t, tc.status, tc.body)
			r := testRun(&fakeRenova{URL: srv.URL, clientID: "c", clientSecret: "s"}, "introspect", false)
			if got := r.introspectOne(context.Background(), "tok"); got != tc.want {
				t.Errorf("introspectOne(%d %s) = %+v, want %+v", tc.status, tc.body, got, tc.want)
			}
		})
	}
	r := testRun(&fakeRenova{URL: closedURL(t), clientID: "c", clientSecret: "s"}, "introspect", false)
	if got := r.introspectOne(context.Background(), "tok"); got != (Outcome{Reason: "connection refused"}) {
		t.Errorf("introspectOne(nobody listening) = %+v, want connection refused", got)
	}
}

// TestScenario5xx: a server that answers 503 fails "zero 5xx" in every
// scenario that needs no login.
func TestScenario5xx(t *testing.T) {
	for _, sc := range []string{"client-credentials", "jwks"} {
		srv := answering(t, http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`)
		r := testRun(&fakeRenova{URL: srv.URL, clientID: "c", clientSecret: "s"}, sc, false)
		if err := r.scenario(context.Background()); err != nil {
			t.Fatal(err)
		}
		if c := verdicts(r.rep)["zero 5xx"]; c.OK || c.Detail != "40 answers with a 5xx status" {
			t.Errorf("Run(%s) against a 503 = %+v, want a failure counting 40", sc, c)
		}
	}
}

// TestScenarioUnreachable: a scenario against a closed port counts its
// requests as transport failures and ends at its budget.
func TestScenarioUnreachable(t *testing.T) {
	r := testRun(&fakeRenova{URL: closedURL(t), clientID: "c", clientSecret: "s"}, "jwks", false)
	if err := r.scenario(context.Background()); err != nil {
		t.Fatal(err)
	}
	if p := r.rep.Phases[0]; p.Requests != 40 || len(p.Errors) != 1 || p.Errors[0] != (ErrorCount{0, "connection refused", 40}) {
		t.Errorf("jwks against a closed port = %d requests, errors %v; want 40 × connection refused", p.Requests, p.Errors)
	}
}

// answering starts a server that answers every request with status and
// body, until t ends.
func answering(t *testing.T, status int, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// closedURL returns the URL of a loopback port nobody listens on.
func closedURL(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL
	srv.Close()
	return u
}

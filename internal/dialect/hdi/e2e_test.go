package hdi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/store"
)

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

// TestEndToEnd is issue 7's acceptance 2 over real HTTP: authorize → token
// → (clock past exp) tokenrenew → verify the new token against the JWKS
// with go-jose → tokenrenew with the first token again after the grace
// window → 401, and the chain is revoked (the newest token cannot be
// renewed either), with an audit event carrying the trace id.
func TestEndToEnd(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	first := p.jwt(t)
	p.env.Clock.Advance(expiry(t, first).Sub(p.env.Clock.Now()) + time.Minute)

	resp := p.renew(t, first)
	if resp.Status != http.StatusOK {
		t.Fatalf("tokenrenew(expired token) = %d %s, want 200", resp.Status, resp.Body)
	}
	second := field(t, resp, "token")
	if got := claim(t, second, "iat").(float64); int64(got) != p.env.Clock.Now().Unix() {
		t.Errorf("renewed iat = %v, want now %d", got, p.env.Clock.Now().Unix())
	}
	p.verifyWithJOSE(t, second)

	p.env.Clock.Advance(11 * time.Second) // past the client's 10 s grace window
	p.trace = "trace-reuse"
	errorCode(t, "tokenrenew(first token again)", p.renew(t, first), 401, "invalid_token", "reused", "")
	errorCode(t, "tokenrenew(newest token of the revoked chain)", p.renew(t, second), 401, "invalid_token", "session_revoked", "")
	if s := p.session(t, second); s.RevokeReason != "reused" {
		t.Errorf("session revoke reason = %q, want reused", s.RevokeReason)
	}
	p.env.App.Audit.Flush()
	events, err := p.env.App.Store.ListAudit(context.Background(), store.AuditFilter{SessionID: claim(t, second, "sid").(string), Action: "refresh.reuse"})
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].TraceID != "trace-reuse" {
		t.Errorf("refresh.reuse audit events = %+v, want one with trace id trace-reuse", events)
	}
}

// verifyWithJOSE verifies tok with go-jose against the key its kid names
// in GET /oauth2/jwks, and checks the verified payload's issuer and jti.
func (p partner) verifyWithJOSE(t *testing.T, tok string) {
	t.Helper()
	h, _ := segments(t, tok)
	kid, _ := h["kid"].(string)
	if !hex40.MatchString(kid) {
		t.Fatalf("kid %q is not 40 hex digits", kid)
	}
	set := p.jwks(t)
	keys := set.Key(kid)
	if len(keys) != 1 {
		t.Fatalf("JWKS has %d keys with kid %s, want 1", len(keys), kid)
	}
	jws, err := jose.ParseSignedCompact(tok, []jose.SignatureAlgorithm{jose.RS256})
	if err != nil {
		t.Fatal(err)
	}
	payload, err := jws.Verify(keys[0].Key)
	if err != nil {
		t.Fatalf("go-jose Verify(%s) = %v", kid, err)
	}
	var c map[string]any
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	if c["iss"] != "http://renova.test" || c["jti"] == "" {
		t.Errorf("verified claims %v: want iss http://renova.test and a jti", c)
	}
}

// TestGraceReplay: a retry of the same renewal inside the grace window
// gets the byte-identical new JWT (a lost response never strands the
// partner), and the replayed token renews normally afterwards.
func TestGraceReplay(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	first := p.jwt(t)
	a := p.renew(t, first)
	p.env.Clock.Advance(9 * time.Second)
	b := p.renew(t, first)
	if a.Status != http.StatusOK || string(a.Body) != string(b.Body) {
		t.Fatalf("tokenrenew twice in the grace window = %d %s and %d %s, want the same 200 answer", a.Status, a.Body, b.Status, b.Body)
	}
	p.env.Clock.Advance(time.Hour)
	if resp := p.renew(t, field(t, a, "token")); resp.Status != http.StatusOK {
		t.Errorf("tokenrenew(replayed token) = %d %s, want 200", resp.Status, resp.Body)
	}
}

// TestCodeReuseRevokesTokens: issue 7, "Reusing a code → 400 and the
// tokens issued from it revoked" — even an immediate retry (no grace for
// codes).
func TestCodeReuseRevokesTokens(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	code := p.code(t)
	tok := field(t, p.exchange(t, code), "token")
	errorCode(t, "token(code again)", p.exchange(t, code), 400, "invalid_code_token", "reused", "")
	errorCode(t, "tokenrenew(token of the reused code)", p.renew(t, tok), 401, "invalid_token", "session_revoked", "")
}

// TestCodeBinding: a code dies after code_ttl, is bound to its user, and
// /token accepts only codes, not a JWT's jti (which would skip the
// renewal window: it is not even a refresh token); a refused code's
// session is revoked.
func TestCodeBinding(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	code := p.code(t)
	p.env.Clock.Advance(61 * time.Second)
	errorCode(t, "token(code after 61 s)", p.exchange(t, code), 400, "invalid_code_token", "expired_idle", "")

	code = p.code(t)
	q := p
	q.user = "PARCEIRO1" // logins match case-insensitively
	if resp := q.exchange(t, code); resp.Status != http.StatusOK {
		t.Errorf("token(code, X-User-Id in other case) = %d %s, want 200", resp.Status, resp.Body)
	}

	code = p.code(t)
	q.user = "parceiro2"
	errorCode(t, "token(code, other user)", q.exchange(t, code), 400, "invalid_code_token", "mismatch", "")
	errorCode(t, "token(same code, right user)", p.exchange(t, code), 400, "invalid_code_token", "session_revoked", "")

	// A JWT's jti is a sealed identifier, not a refresh token (issue 14):
	// as a code it is malformed, and spends nothing of its session.
	tok := p.jwt(t)
	jti := claim(t, tok, "jti").(string)
	errorCode(t, "token(a JWT's jti as code)", p.exchange(t, jti), 400, "invalid_code_token", "malformed", "")
	if resp := p.renew(t, tok); resp.Status != http.StatusOK {
		t.Errorf("tokenrenew(that JWT) = %d %s, want 200", resp.Status, resp.Body)
	}
}

// TestRenewalWindow: with renew_window=2h a token renews up to exactly
// exp+2h and is refused a second later; a live token renews too.
func TestRenewalWindow(t *testing.T) {
	p := newPartner(t, apptest.Options{Mounts: []string{"dialect=hdi,prefix=/hdi,tenant=demo,client=hdi-client,renew_window=2h"}})
	live := p.jwt(t)
	if resp := p.renew(t, live); resp.Status != http.StatusOK {
		t.Errorf("tokenrenew(live token) = %d %s, want 200", resp.Status, resp.Body)
	}
	a, b := p.jwt(t), p.jwt(t)
	p.env.Clock.Advance(expiry(t, a).Add(2 * time.Hour).Sub(p.env.Clock.Now()))
	if resp := p.renew(t, a); resp.Status != http.StatusOK {
		t.Errorf("tokenrenew at exp+2h = %d %s, want 200", resp.Status, resp.Body)
	}
	p.env.Clock.Advance(time.Second)
	errorCode(t, "tokenrenew at exp+2h+1s", p.renew(t, b), 401, "invalid_token", "renewal_window_passed", "")
}

// TestTraceAndHeaderNames: X-Trace-Id is echoed, and header names are
// case-insensitive (the seed writes X-Company-id and x-Application-id).
func TestTraceAndHeaderNames(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	h := http.Header{"x-company-id": {"1"}, "x-APPLICATION-id": {"01"}, "x-user-id": {"parceiro1"}, "x-trace-id": {"abc-123"}}
	resp := p.env.Post(t, p.path("authorize"), "Application/Json", appCode(&p), h)
	if resp.Status != http.StatusOK || resp.Header.Get("X-Trace-Id") != "abc-123" {
		t.Errorf("authorize with lower-case header names = %d %s (X-Trace-Id %q), want 200 echoing abc-123",
			resp.Status, resp.Body, resp.Header.Get("X-Trace-Id"))
	}
	p.company = "demo" // the slug is accepted too
	p.trace = "abc-456"
	resp = p.post(t, "authorize", `{}`)
	if resp.Status != http.StatusBadRequest || resp.Header.Get("X-Trace-Id") != "abc-456" {
		t.Errorf("refused authorize = %d (X-Trace-Id %q), want 400 echoing abc-456", resp.Status, resp.Header.Get("X-Trace-Id"))
	}
}

// TestStandardSurfaceRefusesHDICodes: an HDI code or renewal credential
// cannot be redeemed at /oauth2/token, bypassing the API key.
func TestStandardSurfaceRefusesHDICodes(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	for name, tok := range map[string]string{"code": p.code(t), "jti": claim(t, p.jwt(t), "jti").(string)} {
		resp := p.env.Post(t, "/oauth2/token", "application/x-www-form-urlencoded",
			"grant_type=refresh_token&client_id=hdi-client&refresh_token="+tok, nil)
		if resp.Status != http.StatusUnauthorized {
			t.Errorf("/oauth2/token with an HDI %s = %d %s, want 401 invalid_client", name, resp.Status, resp.Body)
		}
	}
}

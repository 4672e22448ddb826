package hdi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/testclock"
)

// renewPath is the tokenrenew path a legacy system serves at /hdi.
const renewPath = base + "/tokenrenew"

// legacyOptions makes a renova that plays the old HDI system: another
// issuer and another RENOVA_SECRET than the new renova, as a real old
// system has.
var legacyOptions = apptest.Options{Secret: "legacy-secret-legacy-secret-legacy!",
	Configure: func(c *config.Config) { c.Issuer = "http://old-hdi.test" }}

// newLegacyMount starts the new renova with an HDI mount whose legacy=
// is url, logging at debug into a buffer, and gives its HDI client the
// partner's key as `client import-key` does: the partner keeps its key
// across the switch.
// opts are more mount options (",name=value...").
func newLegacyMount(t *testing.T, url, key string, opts ...string) (partner, *bytes.Buffer) {
	t.Helper()
	return newLegacyMountDB(t, "", url, key, opts...)
}

// newLegacyMountDB is newLegacyMount on the database db ("": SQLite).
func newLegacyMountDB(t testing.TB, db, url, key string, opts ...string) (partner, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	env := apptest.Start(t, apptest.Options{DatabaseURL: db,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Mounts: []string{"dialect=hdi,prefix=/hdi,tenant=demo,client=hdi-client,legacy_timeout=2s,legacy=" + url + strings.Join(opts, "")}})
	if err := env.App.Svc.ImportAPIKey(context.Background(), auth.CLI, "", "hdi-client", key); err != nil {
		t.Fatal(err)
	}
	return partner{env: env, base: base, key: key, company: "01", app: "01", user: "parceiro1", trace: "trace-legacy", appCode: "demo-app"}, &logs
}

// TestLegacyEndToEnd (issue 15, acceptance 1 for HDI): a renova plays the
// old HDI system; a partner's JWT issued there is adopted by the new
// renova on its first /tokenrenew (one legacy call, with the partner's own
// key and headers), into the partner's user named by the JWT's `user`;
// the adopted chain keeps renewing; the legacy JWT replayed in grace gets
// the very same new JWT, and after grace it is reuse, which revokes the
// chain. Nothing of the key or the tokens reaches the log.
func TestLegacyEndToEnd(t *testing.T) {
	old := apptest.StartLegacy(t, legacyOptions)
	op := partner{env: old.Env, base: base, key: old.Creds.HDIKey, company: "01", app: "01", user: "parceiro1", appCode: "demo-app"}
	oldJWT := op.jwt(t)
	if iss := claim(t, oldJWT, "iss"); iss != "http://old-hdi.test" {
		t.Fatalf("legacy JWT iss = %v", iss)
	}

	p, logs := newLegacyMount(t, old.URL+"/hdi", old.Creds.HDIKey)
	first := p.renew(t, oldJWT)
	if first.Status != http.StatusOK {
		t.Fatalf("tokenrenew(legacy JWT) = %d %s, want 200", first.Status, first.Body)
	}
	tok := field(t, first, "token")
	p.verifyWithJOSE(t, tok)
	if u := claim(t, tok, "user").([]any); len(u) != 1 || u[0] != "parceiro1" {
		t.Errorf("adopted JWT user = %v, want [parceiro1]", u)
	}
	u, err := p.env.App.Store.UserByLogin(context.Background(), p.session(t, tok).TenantID, auth.PartnerLogin("hdi-client", "parceiro1"))
	if err != nil || !u.External || u.ID != claim(t, tok, "sub") {
		t.Fatalf("adopted user = %+v, %v; want the partner's external user parceiro1, the JWT's sub", u, err)
	}

	p.env.Clock.Advance(5 * time.Second)
	if again := p.renew(t, oldJWT); again.Status != http.StatusOK || string(again.Body) != string(first.Body) {
		t.Errorf("legacy JWT replayed in grace = %d %s, want the same answer %s", again.Status, again.Body, first.Body)
	}
	for i := range 2 { // further rotations of the adopted chain
		p.env.Clock.Advance(time.Hour)
		r := p.renew(t, tok)
		if r.Status != http.StatusOK {
			t.Fatalf("rotation %d = %d %s, want 200", i+1, r.Status, r.Body)
		}
		tok = field(t, r, "token")
	}
	p.env.Clock.Advance(11 * time.Second)
	errorCode(t, "legacy JWT after grace", p.renew(t, oldJWT), 401, "invalid_token", "reused", "")
	errorCode(t, "live JWT after reuse", p.renew(t, tok), 401, "invalid_token", "session_revoked", "")
	if n := old.Calls(renewPath); n != 1 {
		t.Errorf("legacy tokenrenew calls = %d, want 1", n)
	}
	for name, secret := range map[string]string{"key": old.Creds.HDIKey, "legacy JWT": oldJWT, "its signature": oldJWT[strings.LastIndex(oldJWT, ".")+1:]} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds the partner's %s", name)
		}
	}
}

// TestLegacyRefusedAtOldSystem: the old system refuses what it would
// have refused before the switch, through the forwarded credentials: a
// key it does not know (the partner's key differs between the systems)
// is its 401, which renova answers as a dead token.
func TestLegacyRefusedAtOldSystem(t *testing.T) {
	old := apptest.StartLegacy(t, legacyOptions)
	op := partner{env: old.Env, base: base, key: old.Creds.HDIKey, company: "01", app: "01", user: "parceiro1", appCode: "demo-app"}
	oldJWT := op.jwt(t)
	p, _ := newLegacyMount(t, old.URL+"/hdi", "rn_ak_a-key-only-the-new-renova-knows")
	errorCode(t, "tokenrenew with a key the old system refuses", p.renew(t, oldJWT), 401, "invalid_token", auth.ReasonUnknown, "")
	if n := old.Calls(renewPath); n != 1 {
		t.Errorf("legacy tokenrenew calls = %d, want 1", n)
	}
}

// fakeHDI is an old HDI system that misbehaves on command: it answers
// /tokenrenew by the presented JWT's jti, counts the calls per jti and
// keeps the last request's key, headers and body.
type fakeHDI struct {
	t     *testing.T
	mu    sync.Mutex
	calls map[string]int
	key   string
	head  http.Header
	body  map[string]any
}

// legacyJWT is a JWT of the old system shaped like seed 003's sample,
// signed with a key renova never saw; app nil is the sample's [null].
func legacyJWT(t *testing.T, jti, user string, app any) string {
	t.Helper()
	now := time.Now()
	c := jwt.MapClaims{"sub": "hdi-corporate-auth@ins-cross-security-auth-dev.iam.gserviceaccount.com", "aud": "api.hdi.com.br",
		"application": []any{app}, "roles": []string{"Role1"}, "iss": "hdi-corporate-auth@ins-cross-security-auth-dev.iam.gserviceaccount.com",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "user": []string{user}, "webClient": []any{nil}, "jti": jti}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString([]byte("the old system's key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// n is how many calls presented a JWT of jti.
func (f *fakeHDI) n(jti string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[jti]
}

func (f *fakeHDI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in map[string]any
	_ = json.NewDecoder(r.Body).Decode(&in)
	tok, _ := in["token"].(string)
	_, c := segments(f.t, tok)
	jti, _ := c["jti"].(string)
	f.mu.Lock()
	f.calls[jti]++
	f.key, f.head, f.body = r.URL.Query().Get("key"), r.Header.Clone(), in
	f.mu.Unlock()
	answer := map[string]string{
		"ok":          legacyJWT(f.t, "renewed", "parceiro1", "demo-app"),
		"other-user":  legacyJWT(f.t, "renewed", "parceiro2", nil),
		"other-app":   legacyJWT(f.t, "renewed", "parceiro1", "another-app"),
		"no-user":     legacyJWT(f.t, "renewed", "", nil),
		"not-a-jwt":   "not a JWT",
		"wrong-shape": "",
	}
	switch a, ok := answer[jti]; {
	case jti == "rejected":
		http.Error(w, `{"message":"token inválido"}`, http.StatusUnauthorized)
	case !ok:
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
	case a == "":
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"codeToken":"x"}`))
	default:
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"token": a})
	}
}

// TestLegacyFaults: the HDI bad cases against an old system that
// misbehaves on command. An answer for another user or application is a
// dead token and creates no user; a 401 is a dead token, remembered (no
// second call); a wrong shape, a body that is no JWT, a JWT without a user
// and a 5xx are 503 with Retry-After (the partner keeps its token). A JWT
// whose user is not the caller's X-User-Id, and a renova JWT even when
// tampered with, are never sent upstream. The partner's key, headers and
// applicationCode reach the old system as received, and never the log.
func TestLegacyFaults(t *testing.T) {
	fake := &fakeHDI{t: t, calls: map[string]int{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	const key = "AIzaSyCS3yeMs9pYI7BPIy4Cg_d1wcKoW1AIe5Q" // seed 003's example key
	p, logs := newLegacyMount(t, srv.URL, key)
	ours := p.jwt(t)
	tampered := ours[:strings.LastIndex(ours, ".")+1] + "c2lnbmF0dXJl"

	cases := []struct {
		name, tok         string
		status            int
		code, reason, jti string
		calls             int
	}{
		{"adopted", legacyJWT(t, "ok", "parceiro1", nil), 200, "", "", "ok", 1},
		{"another user", legacyJWT(t, "other-user", "parceiro1", nil), 401, "invalid_token", auth.ReasonUnknown, "other-user", 1},
		{"another application", legacyJWT(t, "other-app", "parceiro1", nil), 401, "invalid_token", auth.ReasonUnknown, "other-app", 1},
		{"rejected", legacyJWT(t, "rejected", "parceiro1", nil), 401, "invalid_token", auth.ReasonUnknown, "rejected", 1},
		{"rejected again (cached)", legacyJWT(t, "rejected", "parceiro1", nil), 401, "invalid_token", auth.ReasonUnknown, "rejected", 1},
		{"wrong shape", legacyJWT(t, "wrong-shape", "parceiro1", nil), 503, "temporarily_unavailable", "", "wrong-shape", 1},
		{"not a JWT", legacyJWT(t, "not-a-jwt", "parceiro1", nil), 503, "temporarily_unavailable", "", "not-a-jwt", 1},
		{"no user claim", legacyJWT(t, "no-user", "parceiro1", nil), 503, "temporarily_unavailable", "", "no-user", 1},
		{"500", legacyJWT(t, "down", "parceiro1", nil), 503, "temporarily_unavailable", "", "down", 1},
		{"500 again (not cached)", legacyJWT(t, "down", "parceiro1", nil), 503, "temporarily_unavailable", "", "down", 2},
		{"user is not X-User-Id", legacyJWT(t, "mismatch", "parceiro9", nil), 401, "invalid_token", "mismatch", "mismatch", 0},
		{"renova JWT, tampered", tampered, 401, "invalid_token", "untrusted", "", 0},
	}
	for _, tc := range cases {
		r := p.renew(t, tc.tok)
		if tc.status == 200 {
			if r.Status != 200 || claim(t, field(t, r, "token"), "iss") != "http://renova.test" {
				t.Errorf("tokenrenew(%s) = %d %s, want 200 with a renova JWT", tc.name, r.Status, r.Body)
			}
		} else {
			errorCode(t, "tokenrenew("+tc.name+")", r, tc.status, tc.code, tc.reason, "")
		}
		if tc.status == 503 && r.Header.Get("Retry-After") == "" {
			t.Errorf("tokenrenew(%s): 503 without Retry-After", tc.name)
		}
		if n := fake.n(tc.jti); n != tc.calls {
			t.Errorf("tokenrenew(%s): legacy calls for %q = %d, want %d", tc.name, tc.jti, n, tc.calls)
		}
		if tc.name == "adopted" {
			wantForwarded(t, fake, key)
		}
	}
	if n := fake.n(""); n != 0 {
		t.Errorf("a renova JWT was sent upstream %d times", n)
	}
	tenant, _ := p.env.App.Store.TenantBySlug(context.Background(), "demo")
	if u, err := p.env.App.Store.UserByLogin(context.Background(), tenant.ID, auth.PartnerLogin("hdi-client", "parceiro2")); err == nil {
		t.Errorf("the other user of a legacy answer was created: %+v", u)
	}
	if strings.Contains(logs.String(), key) {
		t.Error("the log holds the partner's key")
	}
	p.env.App.Audit.Flush()
	evs, err := p.env.App.Store.ListAudit(context.Background(), store.AuditFilter{Action: "session.adopt_failed"})
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]int{}
	for _, e := range evs {
		reasons[e.Reason]++
	}
	if reasons["tenant_mismatch"] != 2 || reasons["legacy_rejected"] != 1 || reasons["legacy_unavailable"] != 5 {
		t.Errorf("session.adopt_failed reasons = %v, want 2 tenant_mismatch, 1 legacy_rejected, 5 legacy_unavailable", reasons)
	}
}

// wantForwarded checks what the old system received: the key, the X-*
// headers and the applicationCode as the partner sent them, and the
// seed's tokenrenew body (token and applicationCode only).
func wantForwarded(t *testing.T, f *fakeHDI, key string) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	want := map[string]string{"X-Company-Id": "01", "X-Application-Id": "01", "X-User-Id": "parceiro1", "X-Trace-Id": "trace-legacy",
		"Content-Type": "application/json"}
	for k, v := range want {
		if got := f.head.Get(k); got != v {
			t.Errorf("legacy request header %s = %q, want %q", k, got, v)
		}
	}
	if f.key != key || f.body["applicationCode"] != "demo-app" || f.body["token"] == "" || len(f.body) != 2 {
		t.Errorf("legacy request key match %v, body %v; want the partner's key and {token, applicationCode}", f.key == key, f.body)
	}
}

// TestLegacyConcurrent: 100 concurrent presentations of one legacy JWT
// make one legacy call and one session, and every answer is the same
// new JWT, on SQLite and PostgreSQL.
func TestLegacyConcurrent(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testLegacyConcurrent(t, "") })
	t.Run("postgres", func(t *testing.T) { testLegacyConcurrent(t, apptest.PostgresURL(t)) })
}

func testLegacyConcurrent(t *testing.T, db string) {
	fake := &fakeHDI{t: t, calls: map[string]int{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, _ := newLegacyMountDB(t, db, srv.URL, "partner-key-0123456789")
	tok := legacyJWT(t, "ok", "parceiro1", nil)
	body := jsonBody(map[string]string{"token": tok, "applicationCode": p.appCode})
	answers := make(chan string, 100)
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, p.env.URL+p.path("tokenrenew"), strings.NewReader(body))
			req.Header = p.header()
			req.Header.Set("Content-Type", "application/json")
			resp, err := p.env.HTTP.Do(req)
			if err != nil {
				answers <- err.Error()
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			answers <- strconv.Itoa(resp.StatusCode) + " " + string(b)
		}()
	}
	wg.Wait()
	close(answers)
	first := ""
	for a := range answers {
		if first == "" {
			first = a
		}
		if !strings.HasPrefix(a, "200 ") || a != first {
			t.Fatalf("concurrent answers %q and %q, want one and the same 200", first, a)
		}
	}
	if n := fake.n("ok"); n != 1 {
		t.Errorf("legacy calls = %d, want 1", n)
	}
}

// TestLegacyWindowClosed: after legacy_until an unknown legacy JWT is not
// sent upstream; it is a dead token as at a mount without legacy=.
func TestLegacyWindowClosed(t *testing.T) {
	fake := &fakeHDI{t: t, calls: map[string]int{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	until := testclock.Start.Add(-time.Hour).Format(time.RFC3339)
	p, _ := newLegacyMount(t, srv.URL, "partner-key-0123456789", ",legacy_until="+until)
	errorCode(t, "tokenrenew(legacy JWT) after the window", p.renew(t, legacyJWT(t, "ok", "parceiro1", nil)), 401, "invalid_token", auth.ReasonMalformed, "")
	if n := fake.n("ok"); n != 0 {
		t.Errorf("legacy calls after the window = %d, want 0", n)
	}
}

// TestLegacyKnownOtherUser: a known legacy token (imported, here stored
// as `sessions import` stores one) whose session belongs to someone other
// than the caller's X-User-Id is refused and its session revoked: the
// rotation's successor goes to no one. No legacy call is made for a
// known token.
func TestLegacyKnownOtherUser(t *testing.T) {
	fake := &fakeHDI{t: t, calls: map[string]int{}}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	p, _ := newLegacyMount(t, srv.URL, "partner-key-0123456789")
	tok := legacyJWT(t, "ok", "parceiro1", nil)
	ctx, now := context.Background(), p.env.Clock.Now()
	tenant, _ := p.env.App.Store.TenantBySlug(ctx, "demo")
	admin, err := p.env.App.Store.UserByLogin(ctx, tenant.ID, "admin")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := secret.Foreign(tok, nil)
	sess := &store.Session{ID: "ses_imported", TenantID: tenant.ID, UserID: admin.ID, ClientID: "hdi-client", Generation: 1,
		CreatedAt: now, LastUsedAt: now, AuthTime: now, ExpiresAt: now.Add(24 * time.Hour), IdleExpiresAt: now.Add(24 * time.Hour)}
	if err := p.env.App.Store.CreateSession(ctx, sess, &store.RefreshToken{Hash: hash, SessionID: sess.ID, Generation: 1, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	errorCode(t, "tokenrenew(another user's known token)", p.renew(t, tok), 401, "invalid_token", "mismatch", "")
	if s, err := p.env.App.Store.GetSession(ctx, sess.ID); err != nil || s.RevokedAt.IsZero() {
		t.Errorf("the known session after the refusal = %+v, %v; want revoked", s, err)
	}
	if n := fake.n("ok"); n != 0 {
		t.Errorf("legacy calls for a known token = %d, want 0", n)
	}
}

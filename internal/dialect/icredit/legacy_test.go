package icredit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// lockedBuffer collects log output from concurrent handlers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startMigrating starts the "new" renova with the iCredit mount pointing
// legacy= at base; its debug log goes to logs.
func startMigrating(t *testing.T, base string, logs *lockedBuffer) *fixture {
	t.Helper()
	return &fixture{env: startMigratingEnv(t, base, logs)}
}

// startMigratingEnv is startMigrating for tests and benchmarks alike.
func startMigratingEnv(t testing.TB, base string, logs *lockedBuffer) *apptest.Env {
	t.Helper()
	return startMigratingOn(t, "", base, logs)
}

// startMigratingOn is startMigratingEnv on the database at dbURL ("":
// a fresh SQLite file).
func startMigratingOn(t testing.TB, dbURL, base string, logs *lockedBuffer) *apptest.Env {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return apptest.Start(t, apptest.Options{DatabaseURL: dbURL, Logger: logger, Mounts: []string{
		"dialect=icredit,prefix=/icredit,tenant=demo,client=icredit-client,legacy=" + base + ",legacy_timeout=500ms"}})
}

// TestLegacyEndToEnd (issue 15, acceptance 1): a renova plays the legacy
// iCredit system; the new renova adopts a live session on the first
// refresh with the old token, keeps the user through rotations, answers
// a replay inside the grace window with the same successor and detects
// reuse after it; a user whose hash was never imported logs in with the
// old password, and from then on without the legacy system.
func TestLegacyEndToEnd(t *testing.T) {
	old := apptest.StartLegacy(t, apptest.Options{})
	ctx := context.Background()
	oldTenant, _ := old.App.Store.TenantBySlug(ctx, "demo")
	for _, login := range []string{"dora", "erin"} {
		u := &auth.User{TenantID: oldTenant.ID, Login: login, Email: login + "@old.invalid", Name: "Old " + login}
		if err := old.App.Svc.NewUser(ctx, u, password); err != nil {
			t.Fatal(err)
		}
	}
	oldPair := legacyLogin(t, old.URL, "dora")

	logs := &lockedBuffer{}
	f := startMigrating(t, old.URL+"/icredit", logs)
	p1 := wantPair(t, "adopting refresh", f.refresh(t, oldPair.RefreshToken))
	var me profile
	if r := f.me(t, p1.AccessToken); r.Status != 200 || json.Unmarshal(r.Body, &me) != nil || me.Username != "dora" {
		t.Fatalf("users/me after adoption: %d %s, want dora", r.Status, r.Body)
	}
	f.env.Clock.Advance(5 * time.Second)
	if p := wantPair(t, "replay in grace", f.refresh(t, oldPair.RefreshToken)); p.RefreshToken != p1.RefreshToken {
		t.Errorf("replay in grace: refresh_token %q, want the same successor %q", p.RefreshToken, p1.RefreshToken)
	}
	p2 := wantPair(t, "rotation", f.refresh(t, p1.RefreshToken))
	p3 := wantPair(t, "second rotation", f.refresh(t, p2.RefreshToken))
	f.env.Clock.Advance(time.Minute)
	wantError(t, "legacy token after grace", f.refresh(t, oldPair.RefreshToken), 401, auth.ReasonReused)
	wantError(t, "live token after reuse", f.refresh(t, p3.RefreshToken), 401, auth.ReasonSessionRevoked)
	if n := old.Calls("/icredit" + pathRefresh); n != 1 {
		t.Errorf("legacy refresh calls = %d, want 1", n)
	}

	// Lazy password migration: erin has no hash here.
	f.login(t, "erin", password)
	wantError(t, "wrong password", f.do(t, exchange{path: pathLogin, header: jsonHeader(""),
		body: `{"username":"erin","password":"not-the-password"}`}), 401, "")
	calls := old.Calls("/icredit" + pathLogin)
	f.login(t, "erin", password)
	if n := old.Calls("/icredit" + pathLogin); n != calls {
		t.Errorf("legacy login calls after migration grew %d → %d, want none", calls, n)
	}
	for _, secret := range []string{oldPair.RefreshToken, oldPair.AccessToken, password} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the new renova's log holds a legacy token or password: %.20s…", secret)
		}
	}
}

// legacyLogin logs login in at the legacy system and returns its pair.
func legacyLogin(t *testing.T, base, login string) pair {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/icredit"+pathLogin, strings.NewReader(`{"username":"`+login+`","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p pair
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&p) != nil || !strings.HasPrefix(p.RefreshToken, apptest.LegacyPrefix) {
		t.Fatalf("legacy login: status %d, pair %+v", resp.StatusCode, p)
	}
	return p
}

// misbehaving is a legacy iCredit endpoint that misbehaves on command.
type misbehaving struct {
	mode    atomic.Value // string
	calls   atomic.Int32
	entered chan struct{}
	release chan struct{}
	srv     *httptest.Server
	other   *httptest.Server // a redirect's target
	reached atomic.Int32
}

func newMisbehaving(t testing.TB) *misbehaving {
	m := &misbehaving{entered: make(chan struct{}, 1), release: make(chan struct{})}
	m.other = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.reached.Add(1) }))
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(m.other.Close)
	t.Cleanup(m.srv.Close)
	t.Cleanup(func() { close(m.release) }) // first: frees held handlers before Close waits for them
	return m
}

// serve answers per mode: refresh and me as a working iCredit would,
// or the fault asked for.
func (m *misbehaving) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body) // a read body lets the server notice the caller hang up
	mode := m.mode.Load().(string)
	if r.URL.Path == pathMe {
		tenant := `{"slug":"demo","code":0}`
		if mode == "other-tenant" {
			tenant = `{"slug":"acme","code":99}`
		}
		_, _ = w.Write([]byte(`{"id":"u1","username":"frank","name":"Frank","email":"frank@old.invalid","roles":[],"tenant":` + tenant + `}`))
		return
	}
	m.calls.Add(1)
	switch mode {
	case "slow": // beyond the caller's timeout: it hangs up first
		select {
		case <-m.release:
		case <-r.Context().Done():
		}
	case "held":
		m.entered <- struct{}{}
		<-m.release
	case "500":
		http.Error(w, `{"statusCode":500,"secret-body":"x"}`, http.StatusInternalServerError)
		return
	case "401":
		http.Error(w, `{"statusCode":401}`, http.StatusUnauthorized)
		return
	case "garbage":
		_, _ = w.Write([]byte(`{"unexpected":"secret-body"}`))
		return
	case "redirect":
		http.Redirect(w, r, m.other.URL+r.URL.Path, http.StatusTemporaryRedirect)
		return
	case "huge":
		_, _ = w.Write([]byte(`{"access_token":"` + strings.Repeat("a", 70<<10) + `"}`))
		return
	}
	_, _ = w.Write([]byte(`{"access_token":"old-access","refresh_token":"old-next","token_type":"Bearer","expires_in":900}`))
}

// TestLegacyFaults (issue 15, bad input and faults): every misbehaviour
// of the legacy endpoint is answered in the dialect's shape: a fault is
// 503 with Retry-After (the client keeps its token), a refusal or a user
// of another company is the normal 401, a redirect is never followed and
// a renova-format token never reaches it.
func TestLegacyFaults(t *testing.T) {
	m := newMisbehaving(t)
	logs := &lockedBuffer{}
	f := startMigrating(t, m.srv.URL, logs)
	cases := []struct {
		mode   string
		token  string
		status int
		calls  int32 // legacy refresh calls after the case
	}{
		{"500", "legacy-a", 503, 1},
		{"garbage", "legacy-a", 503, 2},
		{"redirect", "legacy-a", 503, 3},
		{"huge", "legacy-a", 503, 4},
		{"slow", "legacy-a", 503, 5},
		{"other-tenant", "legacy-b", 401, 6},
		{"401", "legacy-c", 401, 7},
		{"401", "legacy-c", 401, 7}, // cached: no second call
		{"ok", "rn_rt_" + strings.Repeat("A", 49), 401, 7},
		{"ok", "legacy-a", 200, 8}, // faults never spoilt the token
	}
	for _, tc := range cases {
		m.mode.Store(tc.mode)
		r := f.refresh(t, tc.token)
		if r.Status != tc.status || m.calls.Load() != tc.calls {
			t.Errorf("%s %s: status %d after %d calls (%s), want %d after %d", tc.mode, tc.token, r.Status, m.calls.Load(), r.Body, tc.status, tc.calls)
		}
		if tc.status == 503 && r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: 503 without Retry-After", tc.mode)
		}
	}
	if m.reached.Load() != 0 {
		t.Errorf("the redirect was followed %d times", m.reached.Load())
	}
	if strings.Contains(logs.String(), "secret-body") || strings.Contains(logs.String(), "legacy-a") {
		t.Error("the log holds a legacy answer body or token")
	}
	m.srv.Close()
	if r := f.refresh(t, "legacy-d"); r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Errorf("legacy down: status %d, want 503 with Retry-After", r.Status)
	}
}

// TestLegacyConcurrent: 100 concurrent presentations of one legacy token
// make one legacy call and one session, and every answer carries the
// same successor, on SQLite and on PostgreSQL.
func TestLegacyConcurrent(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testLegacyConcurrent(t, "") })
	t.Run("postgres", func(t *testing.T) { testLegacyConcurrent(t, apptest.PostgresURL(t)) })
}

func testLegacyConcurrent(t *testing.T, dbURL string) {
	m := newMisbehaving(t)
	m.mode.Store("held")
	f := &fixture{env: startMigratingOn(t, dbURL, m.srv.URL, &lockedBuffer{})}
	var wg sync.WaitGroup
	got := make(chan string, 100)
	for range 100 {
		wg.Go(func() {
			r := f.refresh(t, "legacy-concurrent")
			if r.Status != 200 {
				t.Errorf("status %d: %s", r.Status, r.Body)
				return
			}
			var p pair
			_ = json.Unmarshal(r.Body, &p)
			got <- p.RefreshToken
		})
	}
	<-m.entered
	m.mode.Store("ok")
	m.release <- struct{}{}
	wg.Wait()
	close(got)
	seen := map[string]bool{}
	for rt := range got {
		seen[rt] = true
	}
	if len(seen) != 1 || m.calls.Load() != 1 {
		t.Errorf("100 presentations: %d distinct successors, %d legacy calls; want 1 and 1", len(seen), m.calls.Load())
	}
	if n, err := f.env.App.Store.ListSessions(context.Background(), store.SessionFilter{ClientID: "icredit-client"}); err != nil || len(n) != 1 {
		t.Errorf("sessions of the mount's client = %d (%v), want 1", len(n), err)
	}
}

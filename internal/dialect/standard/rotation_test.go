package standard_test

import (
	"context"
	"github.com/renova-auth/renova/internal/auth"
	"io"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
)

// TestConcurrentRefreshOneSuccessor fires 50 concurrent refreshes of one
// token at the real HTTP server: exactly one successor exists afterwards
// and every response (all inside the grace window) carries it, none is an
// error (PRODUCT.md §2.2).
func TestConcurrentRefreshOneSuccessor(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	first := login(t, env)
	const n = 50
	var wg sync.WaitGroup
	start := make(chan struct{})
	statuses := make([]int, n)
	tokens := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s, v := refresh(t, env, first.RefreshToken)
			statuses[i], tokens[i] = s, v.RefreshToken
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if statuses[i] != 200 || tokens[i] != tokens[0] {
			t.Fatalf("refresh %d: status %d token %.12s…; want 200 and the one successor %.12s…", i, statuses[i], tokens[i], tokens[0])
		}
	}
	st := state(t, env, first.RefreshToken)
	if st.Child == nil || string(st.Child.Hash) != string(hashOf(t, tokens[0])) {
		t.Fatalf("stored successor does not match the one returned")
	}
	if st.Session.Generation != 2 {
		t.Errorf("session generation = %d, want 2: exactly one rotation", st.Session.Generation)
	}
	next := state(t, env, tokens[0])
	if next.Child != nil || next.Token.Used() {
		t.Errorf("the successor was rotated again: %+v", next.Token)
	}
	if s, _ := refresh(t, env, tokens[0]); s != 200 {
		t.Errorf("using the successor = %d, want 200", s)
	}
}

// TestReuseRevokesSession covers PRODUCT.md §2.3: a repeat after the grace
// window, or after the successor was used, revokes the whole family, and
// only that family.
func TestReuseRevokesSession(t *testing.T) {
	cases := []struct {
		name string
		// prep gets the successor of the first token and returns the
		// session's newest token.
		prep func(t *testing.T, env *apptest.Env, successor string) string
	}{
		{"after the grace window", func(t *testing.T, env *apptest.Env, s string) string {
			env.Clock.Advance(11 * time.Second)
			return s
		}},
		{"after the successor was used", func(t *testing.T, env *apptest.Env, s string) string {
			code, v := refresh(t, env, s)
			if code != 200 {
				t.Fatalf("using the successor = %d", code)
			}
			return v.RefreshToken
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := apptest.Start(t, apptest.Options{})
			first := login(t, env)
			other := login(t, env) // another session of the same user must survive
			_, second := refresh(t, env, first.RefreshToken)
			newest := tc.prep(t, env, second.RefreshToken)
			code, v := refresh(t, env, first.RefreshToken)
			if code != 400 || v.Error != "invalid_grant" || v.Reason != "reused" {
				t.Fatalf("reuse %s = %d %+v, want 400 invalid_grant reused", tc.name, code, v)
			}
			st := state(t, env, first.RefreshToken)
			if !st.Session.Revoked() || st.Session.RevokeReason != "reused" {
				t.Errorf("session after reuse: revoked %v reason %q", st.Session.Revoked(), st.Session.RevokeReason)
			}
			if code, v := refresh(t, env, newest); code != 400 || v.Reason != "session_revoked" {
				t.Errorf("newest token after reuse = %d %+v, want invalid_grant session_revoked", code, v)
			}
			if code, _ := refresh(t, env, other.RefreshToken); code != 200 {
				t.Errorf("another session of the same user = %d, want 200 (blast radius is one family)", code)
			}
			env.App.Audit.Flush()
			events, err := env.App.Store.ListAudit(context.Background(), store.AuditFilter{SessionID: st.Session.ID, Action: "refresh.reuse"})
			if err != nil || len(events) != 1 {
				t.Errorf("reuse audit events = %d (%v), want 1", len(events), err)
			}
		})
	}
}

// TestGraceOnlyForDirectParent: a token two generations old is a theft
// signal even inside the window (PRODUCT.md §2).
func TestGraceOnlyForDirectParent(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	first := login(t, env)
	_, second := refresh(t, env, first.RefreshToken)
	_, third := refresh(t, env, second.RefreshToken)
	if code, v := refresh(t, env, second.RefreshToken); code != 200 || v.RefreshToken != third.RefreshToken {
		t.Fatalf("direct parent inside the window = %d, want 200 with the same successor", code)
	}
	if code, v := refresh(t, env, first.RefreshToken); code != 400 || v.Reason != "reused" {
		t.Fatalf("grandparent inside the window = %d %+v, want invalid_grant reused", code, v)
	}
}

// TestExpiry moves the clock past the idle timeout and the absolute
// lifetime; rotation never extends the latter.
func TestExpiry(t *testing.T) {
	setTTL := func(env *apptest.Env, idle, abs time.Duration) {
		c := &auth.Client{ID: "short", TenantID: tenantID(t, env), Public: true, Grants: []string{"password", "refresh_token"},
			IdleTTL: idle, AbsoluteTTL: abs, Grace: 10 * time.Second}
		if _, err := env.App.Svc.NewClient(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("idle", func(t *testing.T) {
		env := apptest.Start(t, apptest.Options{})
		setTTL(env, time.Hour, 24*time.Hour)
		rt := publicLogin(t, env, "short")
		env.Clock.Advance(59 * time.Minute)
		rt = publicRefresh(t, env, "short", rt, 200, "")
		env.Clock.Advance(time.Hour)
		publicRefresh(t, env, "short", rt, 400, "expired_idle")
	})
	t.Run("absolute", func(t *testing.T) {
		env := apptest.Start(t, apptest.Options{})
		setTTL(env, time.Hour, 3*time.Hour)
		rt := publicLogin(t, env, "short")
		for range 3 { // rotating every 50 min keeps the session idle-fresh…
			env.Clock.Advance(50 * time.Minute)
			rt = publicRefresh(t, env, "short", rt, 200, "")
		}
		env.Clock.Advance(50 * time.Minute) // …but never past 3 h
		publicRefresh(t, env, "short", rt, 400, "expired_absolute")
	})
}

func tenantID(t *testing.T, env *apptest.Env) string {
	ten, err := env.App.Store.TenantBySlug(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	return ten.ID
}

// publicLogin logs the admin in through a public client (auth "none").
func publicLogin(t *testing.T, env *apptest.Env, client string) string {
	t.Helper()
	r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"password"}, "client_id": {client},
		"username": {env.Creds.AdminLogin}, "password": {env.Creds.AdminPass}}, false)
	v := decode(t, r)
	if r.Status != 200 {
		t.Fatalf("login via %s = %d %s", client, r.Status, r.Body)
	}
	return v.RefreshToken
}

func publicRefresh(t *testing.T, env *apptest.Env, client, rt string, want int, reason string) string {
	t.Helper()
	r := post(t, env, "/oauth2/token", url.Values{"grant_type": {"refresh_token"}, "client_id": {client}, "refresh_token": {rt}}, false)
	v := decode(t, r)
	if r.Status != want || v.Reason != reason {
		t.Fatalf("refresh via %s = %d %s; want %d reason %q", client, r.Status, r.Body, want, reason)
	}
	return v.RefreshToken
}

func hashOf(t *testing.T, rt string) []byte {
	tok, err := secret.Parse(rt)
	if err != nil {
		t.Fatal(err)
	}
	return tok.Hash()
}

func state(t *testing.T, env *apptest.Env, rt string) *store.RefreshState {
	t.Helper()
	st, err := env.App.Store.RefreshState(context.Background(), hashOf(t, rt))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestOutcomesAuditedAndCounted: every rotation outcome is an audit event
// and a metric, so theft is visible (PRODUCT.md §2).
func TestOutcomesAuditedAndCounted(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	first := login(t, env)
	_, second := refresh(t, env, first.RefreshToken) // rotated
	refresh(t, env, first.RefreshToken)              // grace_replay
	env.Clock.Advance(11 * time.Second)
	refresh(t, env, first.RefreshToken)  // reused
	refresh(t, env, second.RefreshToken) // session_revoked
	env.App.Audit.Flush()
	sid := state(t, env, first.RefreshToken).Session.ID
	events, err := env.App.Store.ListAudit(context.Background(), store.AuditFilter{SessionID: sid})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range events {
		got = append(got, e.Action+":"+e.Reason)
		if e.IP == "" || e.TraceID == "" {
			t.Errorf("event %s lacks IP or trace id: %+v", e.Action, e)
		}
	}
	want := "refresh.rejected:session_revoked refresh.reuse:reused refresh.grace_replay: refresh.rotated: login:"
	if strings.Join(got, " ") != want {
		t.Errorf("audit trail (newest first) = %v\nwant %s", got, want)
	}
	resp, err := env.HTTP.Get(env.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, outcome := range []string{"rotated", "grace_replay", "reused", "session_revoked"} {
		if !strings.Contains(string(body), `renova_refresh_total{outcome="`+outcome+`"} 1`) {
			t.Errorf("/metrics lacks renova_refresh_total{outcome=%q} 1", outcome)
		}
	}
}

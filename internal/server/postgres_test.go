package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/secret"
)

// refresh presents rt as the demo confidential client.
func refresh(t *testing.T, env *apptest.Env, creds *apptestCreds, rt string) (int, map[string]any) {
	t.Helper()
	return tokenCall(t, env, creds, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

type apptestCreds struct{ id, secret, user, pass string }

func tokenCall(t *testing.T, env *apptest.Env, c *apptestCreds, form url.Values) (int, map[string]any) {
	t.Helper()
	r, v := tokenResponse(t, env, c, form)
	return r.Status, v
}

// tokenResponse posts form to /oauth2/token as client c and returns the
// whole response (for its headers) and the decoded body.
func tokenResponse(t *testing.T, env *apptest.Env, c *apptestCreds, form url.Values) (*apptest.Response, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", env.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(c.id, c.secret)
	r := env.Do(t, req)
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("%d %q: %v", r.Status, r.Body, err)
	}
	return r, v
}

func credsOf(env *apptest.Env) *apptestCreds {
	c := env.Creds
	return &apptestCreds{c.ClientID, c.ClientSecret, c.AdminLogin, c.AdminPass}
}

func loginRT(t *testing.T, env *apptest.Env, c *apptestCreds) string {
	t.Helper()
	code, v := tokenCall(t, env, c, url.Values{"grant_type": {"password"}, "username": {c.user}, "password": {c.pass}})
	if code != 200 {
		t.Fatalf("login = %d %v", code, v)
	}
	return v["refresh_token"].(string)
}

// TestTwoReplicasOnePostgres runs two renova servers (separate pools, no
// shared memory) on one database and splits 100 concurrent refreshes of
// one token between them (issue 3, acceptance 2).
func TestTwoReplicasOnePostgres(t *testing.T) {
	dbURL := apptest.PostgresURL(t)
	clock := apptest.NewClock()
	a := apptest.Start(t, apptest.Options{DatabaseURL: dbURL, Clock: clock})
	b := apptest.Start(t, apptest.Options{DatabaseURL: dbURL, Clock: clock}) // finds the database bootstrapped
	creds := credsOf(a)
	rt := loginRT(t, a, creds)

	const n = 100
	var wg sync.WaitGroup
	start := make(chan struct{})
	codes, got := make([]int, n), make([]string, n)
	for i := range n {
		env := a
		if i%2 == 1 {
			env = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			code, v := refresh(t, env, creds, rt)
			codes[i] = code
			got[i], _ = v["refresh_token"].(string)
		}()
	}
	close(start)
	wg.Wait()
	for i := range n {
		if codes[i] != 200 || got[i] != got[0] {
			t.Fatalf("refresh %d (replica %c) = %d %.16s…; want 200 and the one successor", i, "ab"[i%2], codes[i], got[i])
		}
	}
	tok, _ := secret.Parse(rt)
	st, err := a.App.Store.RefreshState(t.Context(), tok.Hash())
	if err != nil {
		t.Fatal(err)
	}
	next, _ := secret.Parse(got[0])
	if st.Child == nil || string(st.Child.Hash) != string(next.Hash()) || st.Session.Generation != 2 {
		t.Fatalf("stored state: child %v generation %d; want exactly the one returned successor", st.Child, st.Session.Generation)
	}

	clock.Advance(11 * time.Second)
	if code, v := refresh(t, b, creds, rt); code != 400 || v["reason"] != "reused" {
		t.Fatalf("old token after the window on replica b = %d %v, want invalid_grant reused", code, v)
	}
	for name, env := range map[string]*apptest.Env{"a": a, "b": b} {
		if code, v := refresh(t, env, creds, got[0]); code != 400 || v["reason"] != "session_revoked" {
			t.Errorf("successor on replica %s after reuse = %d %v, want session_revoked", name, code, v)
		}
	}
}

// TestDatabaseOutage cuts the connection to PostgreSQL mid-run: token
// requests answer 503 with a JSON error within the store timeout and
// /readyz reports not ready; when the database returns, service resumes by
// itself and the token that could not be rotated during the outage still
// works (issue 3, acceptance 3).
func TestDatabaseOutage(t *testing.T) {
	dbURL := apptest.PostgresURL(t)
	u, _ := url.Parse(dbURL)
	proxy := apptest.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	env := apptest.Start(t, apptest.Options{DatabaseURL: u.String(), StoreTimeout: time.Second})
	creds := credsOf(env)
	rt := loginRT(t, env, creds)
	if s := status(t, env, "/readyz"); s != 200 {
		t.Fatalf("readyz before the outage = %d", s)
	}

	proxy.Cut()
	began := time.Now()
	code, v := refresh(t, env, creds, rt)
	if code != 503 || v["error"] != "temporarily_unavailable" {
		t.Errorf("refresh during the outage = %d %v, want 503 temporarily_unavailable", code, v)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("refresh during the outage took %v; the store timeout is 1s", took)
	}
	if s := status(t, env, "/readyz"); s != 503 {
		t.Errorf("readyz during the outage = %d, want 503", s)
	}

	proxy.Restore(t)
	deadline := time.Now().Add(10 * time.Second)
	for status(t, env, "/readyz") != 200 {
		if time.Now().After(deadline) {
			t.Fatal("readyz did not recover within 10s of the database returning")
		}
		time.Sleep(50 * time.Millisecond) // polling a condition, bounded above
	}
	if code, v := refresh(t, env, creds, rt); code != 200 {
		t.Errorf("refresh after recovery = %d %v; want 200 with the token the outage could not rotate", code, v)
	}
}

func status(t *testing.T, env *apptest.Env, path string) int {
	req, _ := http.NewRequest("GET", env.URL+path, nil)
	return env.Do(t, req).Status
}

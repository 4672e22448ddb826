package benchtarget_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/bench"
)

// start starts renova for the standard surface and stops it when t ends.
func start(t *testing.T) *bench.Server {
	t.Helper()
	std, err := bench.Lookup("standard")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := launcher(t.TempDir(), "").Renova(context.Background(), std)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// token calls the token endpoint with the bench client's credentials and
// returns the status and the refresh token of the answer.
func token(t *testing.T, srv *bench.Server, form url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(srv.Creds.ClientID), url.QueryEscape(srv.Creds.ClientSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var a struct {
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.Unmarshal(b, &a)
	return resp.StatusCode, a.RefreshToken
}

// refresh presents rt and returns the status and the successor.
func refresh(t *testing.T, srv *bench.Server, rt string) (int, string) {
	t.Helper()
	return token(t, srv, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

// TestServerCreds: the standard surface gets the bench's own confidential
// client in the bench tenant, and the configured number of users.
func TestServerCreds(t *testing.T) {
	srv := start(t)
	c := srv.Creds
	if srv.Backend != "sqlite" || c.ClientID != "bench-client" || c.ClientSecret == "" || c.Tenant != "bench" ||
		c.TenantCode != 9999 || c.Prefix != "" || c.APIKey == "" || c.AppCode != "demo-app" {
		t.Errorf("Renova(standard) = backend %s, creds %+v; want sqlite and the bench tenant's confidential client", srv.Backend, c)
	}
	if len(c.Users) != 2 || c.Users[0].Login != "bench-0001" || c.Users[1].Login != "bench-0002" || c.Users[0].Password == "" {
		t.Errorf("Renova(standard) users = %+v, want bench-0001 and bench-0002 with a password", c.Users)
	}
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Errorf("Renova(standard) URL = %q, want a loopback address", srv.URL)
	}
}

// TestInspector: the answers bench's invariants get follow what renova
// did: a rotation's one child, the live token of a chain, and a real
// reuse (the grandparent presented again) as an audit event and a
// revoked session. This is what keeps the invariants from being vacuous.
func TestInspector(t *testing.T) {
	ctx := context.Background()
	srv := start(t)
	u := srv.Creds.Users[0]
	status, rt0 := token(t, srv, url.Values{"grant_type": {"password"}, "username": {u.Login}, "password": {u.Password}})
	if status != http.StatusOK || rt0 == "" {
		t.Fatalf("login %s = %d, %q", u.Login, status, rt0)
	}
	_, rt1 := refresh(t, srv, rt0)
	_, rt2 := refresh(t, srv, rt1)
	if rt1 == "" || rt2 == "" {
		t.Fatalf("rotations gave %q, %q", rt1, rt2)
	}
	st := srv.Store
	if n, isChild, err := st.Successors(ctx, rt0, rt1); n != 1 || !isChild || err != nil {
		t.Errorf("Successors(rt0, rt1) = %d, %v, %v; want 1, true", n, isChild, err)
	}
	if n, isChild, err := st.Successors(ctx, rt0, rt2); n != 1 || isChild || err != nil {
		t.Errorf("Successors(rt0, rt2) = %d, %v, %v; want 1, false (rt2 is a grandchild)", n, isChild, err)
	}
	if _, _, err := st.Successors(ctx, "junk", rt1); err == nil || !strings.Contains(err.Error(), "not renova refresh tokens") {
		t.Errorf("Successors(junk) = %v, want an error", err)
	}
	live := map[string]bool{rt0: false, rt1: false, rt2: true, "junk": false}
	for rt, want := range live {
		if got, err := st.Live(ctx, rt); got != want || err != nil {
			t.Errorf("Live(%.12s…) = %v, %v; want %v", rt, got, err, want)
		}
	}
	wantTally(t, st, bench.Tally{Sessions: 1, OneLive: 1})
	if n, err := st.ReuseEvents(ctx); n != 0 || err != nil {
		t.Errorf("ReuseEvents before a reuse = %d, %v; want 0", n, err)
	}
	if status, _ := refresh(t, srv, rt0); status != http.StatusBadRequest {
		t.Errorf("presenting the grandparent = %d, want 400 (reuse)", status)
	}
	if n, err := st.ReuseEvents(ctx); n != 1 || err != nil {
		t.Errorf("ReuseEvents after a reuse = %d, %v; want 1", n, err)
	}
	if got, err := st.Live(ctx, rt2); got || err != nil {
		t.Errorf("Live(rt2) after the reuse = %v, %v; want false (its session is revoked)", got, err)
	}
	wantTally(t, st, bench.Tally{Sessions: 1, Revoked: 1})
}

func wantTally(t *testing.T, st bench.Inspector, want bench.Tally) {
	t.Helper()
	if got, err := st.Tally(context.Background(), "bench-client"); got != want || err != nil {
		t.Errorf("Tally(bench-client) = %+v, %v; want %+v", got, err, want)
	}
	if got, err := st.Tally(context.Background(), "another-client"); got != (bench.Tally{}) || err != nil {
		t.Errorf("Tally(another-client) = %+v, %v; want nothing", got, err)
	}
}

// TestFloorServer: the floor the Launcher starts rotates over HTTP and
// its tally counts its sessions.
func TestFloorServer(t *testing.T) {
	fs, err := launcher(t.TempDir(), "").Floor(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	srv := &bench.Server{URL: fs.URL, Creds: bench.Creds{ClientID: "floor", ClientSecret: "floor"}}
	_, rt := token(t, srv, url.Values{"grant_type": {"password"}})
	if status, next := refresh(t, srv, rt); status != http.StatusOK || next == "" || next == rt {
		t.Errorf("floor refresh = %d, %q; want 200 with a new token", status, next)
	}
	if got, err := fs.Store.Tally(context.Background(), ""); got != (bench.Tally{Sessions: 1, OneLive: 1}) || err != nil {
		t.Errorf("floor Tally = %+v, %v; want one session with one live token", got, err)
	}
}

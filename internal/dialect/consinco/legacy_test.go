package consinco_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
)

// TestLegacyEndToEnd (issue 15, acceptance 1): a renova plays the legacy
// Consinco system (its backing-field mount, so the legacy client reads
// that spelling); the new renova adopts a live session on the first
// refresh with the old token, keeps the user through rotations, replays
// in grace and detects reuse after it; a user without an imported hash
// logs in with the old password once through the legacy system.
func TestLegacyEndToEnd(t *testing.T) {
	old := apptest.StartLegacy(t, apptest.Options{Mounts: mounts})
	ctx := context.Background()
	oldTenant, _ := old.App.Store.TenantBySlug(ctx, "demo")
	for _, login := range []string{"joao", "ana"} {
		u := &auth.User{TenantID: oldTenant.ID, Login: login, Name: "Old " + login}
		if err := old.App.Svc.NewUser(ctx, u, password); err != nil {
			t.Fatal(err)
		}
	}
	oldRT := legacyRefreshToken(t, old.URL+prefixBacking, "joao")

	env := apptest.Start(t, apptest.Options{Mounts: []string{
		"dialect=consinco,prefix=" + prefixDoc + ",tenant=demo,client=consinco-client,legacy=" + old.URL + prefixBacking}})
	f := &fixture{env: env}
	refresh := func(rt string) *apptest.Response {
		return f.post(t, prefixDoc, pathRefresh, hdr("Content-Type", "application/json", "Accept", "application/json"), refreshJSON(rt, "refresh_token"))
	}
	first := wantToken(t, "adopting refresh", refresh(oldRT), "joao")
	env.Clock.Advance(5 * time.Second)
	if again := wantToken(t, "replay in grace", refresh(oldRT), "joao"); again != first {
		t.Errorf("replay in grace: refresh_token %q, want the same successor %q", again, first)
	}
	next := wantToken(t, "rotation", refresh(first), "joao")
	env.Clock.Advance(time.Minute)
	if r := refresh(oldRT); r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), auth.ReasonReused) {
		t.Errorf("legacy token after grace: %d %s, want 401 reused", r.Status, r.Body)
	}
	if r := refresh(next); r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), auth.ReasonSessionRevoked) {
		t.Errorf("live token after reuse: %d %s, want 401 session_revoked", r.Status, r.Body)
	}
	if n := old.Calls(prefixBacking + pathRefresh); n != 1 {
		t.Errorf("legacy refresh calls = %d, want 1", n)
	}

	login := func(pw string) *apptest.Response {
		return f.post(t, prefixDoc, pathLogin, hdr("Content-Type", "application/json", "Accept", "application/json"), loginJSON("demo", "ana", pw))
	}
	before := old.Calls(prefixBacking + pathLogin) // joao's login at the legacy system
	wantToken(t, "migrating login", login(password), "ana")
	if r := login("wrong-password"); r.Status != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", r.Status)
	}
	calls := old.Calls(prefixBacking + pathLogin)
	wantToken(t, "local login", login(password), "ana")
	if n := old.Calls(prefixBacking + pathLogin); n != calls || calls != before+1 { // the migration only: the wrong password was checked locally
		t.Errorf("legacy login calls = %d then %d, want one more than before and no more", calls, n)
	}
}

// legacyRefreshToken logs login in at the legacy system and returns its
// refresh token (backing-field spelling).
func legacyRefreshToken(t *testing.T, base, login string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+pathLogin, strings.NewReader(loginJSON("demo", login, password)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	rt, _ := m["<refreshToken>k__BackingField"].(string)
	if resp.StatusCode != 200 || !strings.HasPrefix(rt, apptest.LegacyPrefix) {
		t.Fatalf("legacy login: %d %v", resp.StatusCode, m)
	}
	return rt
}

// wantToken checks a 200 TokenResponse (documented spelling) of user and
// returns its refresh token.
func wantToken(t *testing.T, what string, r *apptest.Response, user string) string {
	t.Helper()
	var m map[string]any
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &m) != nil || m["username"] != user {
		t.Fatalf("%s: %d %s, want 200 for %s", what, r.Status, r.Body, user)
	}
	rt, _ := m["refresh_token"].(string)
	if !strings.HasPrefix(rt, "rn_rt_") {
		t.Fatalf("%s: refresh_token %q, want a renova token", what, rt)
	}
	return rt
}

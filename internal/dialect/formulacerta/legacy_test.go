package formulacerta_test

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
// FormulaCerta system; the new renova adopts a live session on the first
// refresh with the old pair (the user read from the old JWT's claims, the
// company from ClienteId), keeps it through rotations, replays in grace
// and detects reuse after it; a user without an imported hash logs in
// once through the legacy system.
func TestLegacyEndToEnd(t *testing.T) {
	old := apptest.StartLegacy(t, apptest.Options{})
	ctx := context.Background()
	oldTenant, _ := old.App.Store.TenantBySlug(ctx, "demo")
	users := map[string]*auth.User{}
	for _, login := range []string{"farma", "gil"} {
		u := &auth.User{TenantID: oldTenant.ID, Login: login, Name: "Old " + login}
		if err := old.App.Svc.NewUser(ctx, u, userPass); err != nil {
			t.Fatal(err)
		}
		users[login] = u
	}
	oldPair := postResult(t, old.URL+loginPath, `{"UserName":"farma","Password":"`+userPass+`"}`)
	if !strings.HasPrefix(oldPair.RefreshAccessToken, apptest.LegacyPrefix) {
		t.Fatalf("legacy login: %+v", oldPair)
	}

	env := apptest.Start(t, apptest.Options{Mounts: []string{
		"dialect=formulacerta,prefix=/formulacerta,tenant=demo,client=formulacerta-client,legacy=" + old.URL + "/formulacerta"}})
	refresh := func(access, rt string) *apptest.Response {
		b, _ := json.Marshal(map[string]string{"AccessTokenOld": access, "AccessTokenRefresh": rt})
		return env.Post(t, refreshPath, ctJSON, string(b), http.Header{"Accept": {ctJSON}})
	}
	first := wantResult(t, "adopting refresh", refresh(oldPair.AccessToken, oldPair.RefreshAccessToken))
	newTenant, _ := env.App.Store.TenantBySlug(ctx, "demo")
	adopted, err := env.App.Store.UserByLogin(ctx, newTenant.ID, users["farma"].ID)
	if err != nil {
		t.Fatalf("the adopted user (login = the old JWT's sub) is missing: %v", err)
	}
	env.Clock.Advance(5 * time.Second)
	if again := wantResult(t, "replay in grace", refresh(oldPair.AccessToken, oldPair.RefreshAccessToken)); again.RefreshAccessToken != first.RefreshAccessToken {
		t.Errorf("replay in grace: %q, want the same successor %q", again.RefreshAccessToken, first.RefreshAccessToken)
	}
	next := wantResult(t, "rotation", refresh(first.AccessToken, first.RefreshAccessToken))
	env.Clock.Advance(time.Minute)
	if r := refresh(oldPair.AccessToken, oldPair.RefreshAccessToken); r.Status != http.StatusUnauthorized {
		t.Errorf("legacy pair after grace: %d %s, want 401 (reused)", r.Status, r.Body)
	}
	if r := refresh(next.AccessToken, next.RefreshAccessToken); r.Status != http.StatusUnauthorized {
		t.Errorf("live pair after reuse: %d %s, want 401 (revoked)", r.Status, r.Body)
	}
	if n := old.Calls("/formulacerta/api/v2/account/refreshtoken"); n != 1 {
		t.Errorf("legacy refresh calls = %d, want 1", n)
	}
	if adopted.PasswordHash != "" {
		t.Error("the adopted user got a password")
	}

	before := old.Calls(loginPath)
	login := func(pw string) *apptest.Response {
		return env.Post(t, loginPath, ctJSON, `{"UserName":"gil","Password":"`+pw+`"}`, http.Header{"Accept": {ctJSON}})
	}
	wantResult(t, "migrating login", login(userPass))
	if r := login("wrong password"); r.Status != http.StatusUnauthorized {
		t.Errorf("wrong password: %d, want 401", r.Status)
	}
	wantResult(t, "local login", login(userPass))
	if n := old.Calls(loginPath); n != before+1 {
		t.Errorf("legacy login calls grew by %d, want 1", n-before)
	}
}

// postResult posts a JSON body to a legacy URL and decodes a success.
func postResult(t *testing.T, url, body string) result {
	t.Helper()
	resp, err := http.Post(url, ctJSON, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res result
	if resp.StatusCode != 200 || json.NewDecoder(resp.Body).Decode(&res) != nil || !res.Succeeded {
		t.Fatalf("POST %s: %d %+v", url, resp.StatusCode, res)
	}
	return res
}

// wantResult checks a successful LoginResult carrying a renova token.
func wantResult(t *testing.T, what string, r *apptest.Response) result {
	t.Helper()
	var res result
	if r.Status != 200 || json.Unmarshal(r.Body, &res) != nil || !res.Succeeded || !strings.HasPrefix(res.RefreshAccessToken, "rn_rt_") {
		t.Fatalf("%s: %d %s, want a successful LoginResult with a renova token", what, r.Status, r.Body)
	}
	return res
}

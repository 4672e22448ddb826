package icredit_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestEndToEnd walks issue 4's acceptance flow through the real HTTP
// server: login → me → refresh → the old token after the grace window
// (401, session revoked, the newer token dead too) → login again →
// update-password → the other session is dead → logout.
func TestEndToEnd(t *testing.T) {
	f := start(t, apptest.Options{})
	u := f.newUser(t, "ana")

	first := f.login(t, "ana", password)
	resp := f.me(t, first.AccessToken)
	if resp.Status != http.StatusOK {
		t.Fatalf("me: status %d body %s", resp.Status, resp.Body)
	}
	var p profile
	if err := json.Unmarshal(resp.Body, &p); err != nil || p.ID != u.ID || p.Email != "ana@demo.invalid" || p.Tenant.Slug != "demo" {
		t.Fatalf("me = %s (%v), want ana's profile in tenant demo", resp.Body, err)
	}

	second := wantPair(t, "refresh", f.refresh(t, first.RefreshToken))
	f.env.Clock.Advance(11 * time.Second) // past the client's 10 s grace window
	wantError(t, "refresh with the old token after grace", f.refresh(t, first.RefreshToken), http.StatusUnauthorized, "reused")
	wantError(t, "refresh with the newer token", f.refresh(t, second.RefreshToken), http.StatusUnauthorized, "session_revoked")
	wantError(t, "me with the newer access token", f.me(t, second.AccessToken), http.StatusUnauthorized, "")

	mine := f.login(t, "ana", password)
	other := f.login(t, "ana", password)
	resp = f.do(t, exchange{path: pathUpdatePassword, header: jsonHeader(mine.AccessToken),
		body: `{"current_password":"` + password + `","new_password":"a-new-passphrase"}`})
	if resp.Status != http.StatusNoContent || len(resp.Body) != 0 {
		t.Fatalf("update-password: status %d body %q, want 204 and no body", resp.Status, resp.Body)
	}
	wantError(t, "refresh of the other session", f.refresh(t, other.RefreshToken), http.StatusUnauthorized, "session_revoked")
	wantError(t, "me of the other session", f.me(t, other.AccessToken), http.StatusUnauthorized, "")
	wantError(t, "login with the old password", f.do(t, exchange{path: pathLogin, header: jsonHeader(""),
		body: `{"username":"ana","password":"` + password + `"}`}), http.StatusUnauthorized, "")
	f.login(t, "ana", "a-new-passphrase")

	if resp := f.me(t, mine.AccessToken); resp.Status != http.StatusOK {
		t.Fatalf("me of the kept session: status %d body %s", resp.Status, resp.Body)
	}
	kept := wantPair(t, "refresh of the kept session", f.refresh(t, mine.RefreshToken))
	resp = f.do(t, exchange{path: pathLogout, header: jsonHeader(kept.AccessToken)})
	if resp.Status != http.StatusNoContent {
		t.Fatalf("logout: status %d body %s", resp.Status, resp.Body)
	}
	wantError(t, "me after logout", f.me(t, kept.AccessToken), http.StatusUnauthorized, "")
	wantError(t, "refresh after logout", f.refresh(t, kept.RefreshToken), http.StatusUnauthorized, "session_revoked")
}

// TestRefreshGraceReplay checks that a retry of the direct parent inside
// the grace window gets the very same successor (PRODUCT.md §2.2), and
// that the chain goes on from it.
func TestRefreshGraceReplay(t *testing.T) {
	f := start(t, apptest.Options{})
	f.newUser(t, "ana")
	first := f.login(t, "ana", password)
	a := wantPair(t, "refresh", f.refresh(t, first.RefreshToken))
	f.env.Clock.Advance(5 * time.Second)
	b := wantPair(t, "retry inside grace", f.refresh(t, first.RefreshToken))
	if a.RefreshToken != b.RefreshToken {
		t.Errorf("retry inside grace returned another refresh token; want the same successor")
	}
	wantPair(t, "refresh of the successor", f.refresh(t, b.RefreshToken))
}

// TestSessionBoundaries checks the edges a client meets: expiry, tokens of
// another client, and a logout body naming another session's token.
func TestSessionBoundaries(t *testing.T) {
	f := start(t, apptest.Options{})
	f.newUser(t, "ana")

	t.Run("access token expired", func(t *testing.T) {
		p := f.login(t, "ana", password)
		f.env.Clock.Advance(16 * time.Minute)
		wantError(t, "me with an expired access token", f.me(t, p.AccessToken), http.StatusUnauthorized, "")
		wantPair(t, "refresh after access expiry", f.refresh(t, p.RefreshToken))
	})
	t.Run("refresh token idle", func(t *testing.T) {
		p := f.login(t, "ana", password)
		f.env.Clock.Advance(31 * 24 * time.Hour)
		wantError(t, "refresh after idle timeout", f.refresh(t, p.RefreshToken), http.StatusUnauthorized, "expired_idle")
	})
	t.Run("token of another client", func(t *testing.T) {
		p := f.foreignPair(t, "consinco-client", "ana")
		wantError(t, "me with a consinco token", f.me(t, p.AccessToken), http.StatusUnauthorized, "")
		wantError(t, "refresh of a consinco token", f.refresh(t, p.RefreshToken), http.StatusUnauthorized, "client_mismatch")
	})
	t.Run("logout ignores another session's refresh token", func(t *testing.T) {
		mine, other := f.login(t, "ana", password), f.login(t, "ana", password)
		resp := f.do(t, exchange{path: pathLogout, header: jsonHeader(mine.AccessToken), body: `{"refresh_token":"` + other.RefreshToken + `"}`})
		if resp.Status != http.StatusNoContent {
			t.Fatalf("logout: status %d body %s", resp.Status, resp.Body)
		}
		wantPair(t, "refresh of the other session", f.refresh(t, other.RefreshToken))
		wantError(t, "refresh of the logged-out session", f.refresh(t, mine.RefreshToken), http.StatusUnauthorized, "session_revoked")
	})
}

// TestNativePaths mounts the dialect with an empty prefix: the vendor's
// own paths are served, so a front end changes only its base URL.
func TestNativePaths(t *testing.T) {
	f := start(t, apptest.Options{Mounts: []string{"dialect=icredit,prefix=,tenant=demo,client=icredit-client"}})
	f.newUser(t, "ana")
	resp := f.doAt(t, "", exchange{path: pathLogin, header: jsonHeader(""), body: `{"email":"ana@demo.invalid","password":"` + password + `"}`})
	p := wantPair(t, "login at the native path", resp)
	if resp := f.doAt(t, "", exchange{method: http.MethodGet, path: pathMe, header: jsonHeader(p.AccessToken)}); resp.Status != http.StatusOK {
		t.Fatalf("me at the native path: status %d body %s", resp.Status, resp.Body)
	}
	if resp := f.do(t, exchange{path: pathLogin, header: jsonHeader(""), body: `{}`}); resp.Status != http.StatusNotFound {
		t.Fatalf("login under /icredit with an empty-prefix mount: status %d, want 404", resp.Status)
	}
}

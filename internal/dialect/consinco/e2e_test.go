package consinco_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/store"
)

// TestLoginRefreshReuse is issue 5's end-to-end acceptance over HTTP: login
// in XML (ConsincoUserBindingModel) → refresh in JSON → a retry of the old
// token inside the grace window gets the same successor → the old token
// after the grace window is reuse: 401 invalid_grant and the session is
// revoked, so the successor and the access token die with it.
func TestLoginRefreshReuse(t *testing.T) {
	f := start(t)
	ctx := context.Background()

	resp := f.post(t, prefixDoc, pathLogin, hdr("Content-Type", "application/xml"), loginXML("Demo", testLogin, password))
	if resp.Status != http.StatusOK {
		t.Fatalf("login (XML) = %d %s", resp.Status, resp.Body)
	}
	doc := parseXML(t, resp.Body) // no Accept: answered in the request's format
	first, access := doc.text["refresh_token"], doc.text["access_token"]
	if first == "" || access == "" {
		t.Fatalf("login (XML) gave no tokens:\n%s", resp.Body)
	}

	refresh := func(tok string) (int, map[string]any) {
		resp := f.post(t, prefixDoc, pathRefresh, hdr("Content-Type", "application/json"), refreshJSON(tok, "refresh_token"))
		return resp.Status, decodeJSON(t, resp)
	}
	status, body := refresh(first)
	second, _ := body["refresh_token"].(string)
	if status != http.StatusOK || second == "" || second == first {
		t.Fatalf("refresh(first) = %d %v, want 200 with a new refresh token", status, body)
	}

	f.env.Clock.Advance(5 * time.Second)
	if status, body = refresh(first); status != http.StatusOK || body["refresh_token"] != second {
		t.Fatalf("refresh(first) inside the grace window = %d %v, want 200 with the same successor", status, body)
	}

	f.env.Clock.Advance(6 * time.Second) // 11 s after the rotation: past the 10 s grace window
	status, body = refresh(first)
	if status != http.StatusUnauthorized || body["error"] != auth.InvalidGrant || body["reason"] != auth.ReasonReused {
		t.Fatalf("refresh(first) after the grace window = %d %v, want 401 invalid_grant (reused)", status, body)
	}
	if status, body = refresh(second); status != http.StatusUnauthorized || body["reason"] != auth.ReasonSessionRevoked {
		t.Errorf("refresh(second) after reuse = %d %v, want 401 invalid_grant (session_revoked)", status, body)
	}
	if _, _, err := f.env.App.Svc.Authenticate(ctx, mustClient(t, f.env, "consinco-client"), access); err == nil {
		t.Errorf("Authenticate(access token of the revoked session) = nil error, want the session refused")
	}
	sessions, err := f.env.App.Store.ListSessions(ctx, store.SessionFilter{UserID: f.user.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(sessions) != 1 || !sessions[0].Revoked() || sessions[0].RevokeReason != auth.ReasonReused {
		t.Errorf("sessions = %+v, want the one session revoked for reuse", sessions)
	}
}

// TestLoginCompany checks that company names the mount's tenant by slug,
// numeric code or name (any case), and that another company, an unknown
// user and a wrong password all get the same 401 body.
func TestLoginCompany(t *testing.T) {
	f := start(t)
	ctx := context.Background()
	other := &auth.Tenant{ID: "ten_other", Slug: "acme", Name: "Acme", Code: 2, CreatedAt: f.env.Clock.Now()}
	if err := f.env.App.Store.CreateTenant(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := f.env.App.Svc.NewUser(ctx, &auth.User{TenantID: other.ID, Login: testLogin, Email: "m@acme.invalid"}, password); err != nil {
		t.Fatal(err)
	}
	var denied []byte
	for _, tc := range []struct {
		name, company, username, password string
		want                              int
	}{
		{"slug", "demo", testLogin, password, http.StatusOK},
		{"slug upper case", "DEMO", testLogin, password, http.StatusOK},
		{"numeric code", "1", testLogin, password, http.StatusOK},
		{"name any case", " dEmO ", testLogin, password, http.StatusOK},
		{"e-mail as username", "demo", "maria@demo.invalid", password, http.StatusOK},
		{"other tenant with a valid user", "acme", testLogin, password, http.StatusUnauthorized},
		{"other tenant code", "2", testLogin, password, http.StatusUnauthorized},
		{"unknown company", "nowhere", testLogin, password, http.StatusUnauthorized},
		{"unknown user", "demo", "nobody", password, http.StatusUnauthorized},
		{"wrong password", "demo", testLogin, "wrong-password", http.StatusUnauthorized},
	} {
		resp := f.post(t, prefixDoc, pathLogin, hdr("Content-Type", "application/json"), loginJSON(tc.company, tc.username, tc.password))
		if resp.Status != tc.want {
			t.Errorf("login(%s) = %d %s, want %d", tc.name, resp.Status, resp.Body, tc.want)
			continue
		}
		if tc.want == http.StatusOK {
			continue
		}
		if denied == nil {
			denied = resp.Body
		}
		if !bytes.Equal(resp.Body, denied) {
			t.Errorf("login(%s) body = %s, want the same as every other refusal: %s", tc.name, resp.Body, denied)
		}
	}
}

// mustClient reads a client record for calls into the core.
func mustClient(t *testing.T, env *apptest.Env, id string) *auth.Client {
	t.Helper()
	c, err := env.App.Store.GetClient(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

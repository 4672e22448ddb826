package admin_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// grant calls /oauth2/token with HTTP Basic client authentication.
func (e *env) grant(t *testing.T, id, secret string, form url.Values) (*apptest.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "lifecycle-test")
	req.SetBasicAuth(id, secret)
	r := e.Do(t, req)
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	json.Unmarshal(r.Body, &tok)
	return r, tok.RefreshToken
}

// user is the part of a user answer the tests read.
type user struct {
	ID         string            `json:"id"`
	Login      string            `json:"login"`
	Name       string            `json:"name"`
	Roles      []string          `json:"roles"`
	Attributes map[string]string `json:"attributes"`
	Disabled   bool              `json:"disabled"`
}

// TestUserLifecycle: create, page, filter, read, update, set password,
// disable, enable and delete a user, each visible through the password
// grant where it matters.
func TestUserLifecycle(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		base := "/admin/v1/tenants/demo/users"
		var u user
		e.do(t, "POST", base, `{"login":"carol","password":"first passphrase here","name":"Carol","roles":["ops"],"attributes":{"cpf":"1"}}`, 201, &u)
		for _, l := range []string{"dave", "erin"} {
			e.do(t, "POST", base, `{"login":"`+l+`"}`, 201, nil)
		}
		var logins []string
		cursor := ""
		for range 5 {
			var p struct {
				Items []user `json:"items"`
				Next  string `json:"next_cursor"`
			}
			e.do(t, "GET", base+"?limit=2&cursor="+url.QueryEscape(cursor), "", 200, &p)
			for _, x := range p.Items {
				logins = append(logins, x.Login)
			}
			if cursor = p.Next; cursor == "" {
				break
			}
		}
		if strings.Join(logins, ",") != "admin,carol,dave,erin" {
			t.Errorf("paged users = %v, want admin,carol,dave,erin", logins)
		}
		var found struct{ Items []user }
		e.do(t, "GET", base+"?q=CAR", "", 200, &found)
		if len(found.Items) != 1 || found.Items[0].ID != u.ID {
			t.Errorf("GET users?q=CAR = %+v, want carol", found.Items)
		}
		e.do(t, "PATCH", base+"/"+u.ID, `{"name":"Carol C","roles":["ops","audit"],"attributes":{"cpf":"2"}}`, 200, &u)
		var got user
		e.do(t, "GET", base+"/"+u.ID, "", 200, &got)
		if got.Name != "Carol C" || strings.Join(got.Roles, ",") != "ops,audit" || got.Attributes["cpf"] != "2" {
			t.Errorf("user after PATCH = %+v", got)
		}
		login := func(pw string) int {
			r, _ := e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, url.Values{"grant_type": {"password"}, "username": {"carol"}, "password": {pw}})
			return r.Status
		}
		e.do(t, "PUT", base+"/"+u.ID+"/password", `{"password":"second passphrase here"}`, 204, nil)
		if login("first passphrase here") != 400 || login("second passphrase here") != 200 {
			t.Error("after PUT password, the old password must fail and the new one work")
		}
		e.do(t, "POST", base+"/"+u.ID+"/disable", "", 200, &got)
		if !got.Disabled || login("second passphrase here") != 400 {
			t.Errorf("after disable: disabled %v; login must fail", got.Disabled)
		}
		e.do(t, "POST", base+"/"+u.ID+"/enable", "", 200, &got)
		if got.Disabled || login("second passphrase here") != 200 {
			t.Errorf("after enable: disabled %v; login must work", got.Disabled)
		}
		e.do(t, "DELETE", base+"/"+u.ID, "", 204, nil)
		wantProblem(t, "GET deleted user", e.call(t, "GET", base+"/"+u.ID, e.admin, ""), 404, "not-found", "")
		if login("second passphrase here") != 400 {
			t.Error("a deleted user still logs in")
		}
	})
}

// TestSecretRotation: during the overlap both secrets authenticate, after
// it only the new one, and the client's refresh tokens keep working
// throughout (issue 13, acceptance 3). Deleting the client ends them.
func TestSecretRotation(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		var c struct {
			ClientID     string `json:"client_id"`
			ClientSecret string `json:"client_secret"`
		}
		e.do(t, "POST", "/admin/v1/tenants/demo/clients", `{"client_id":"web","grants":["password","refresh_token"],"scopes":["openid"]}`, 201, &c)
		old := c.ClientSecret
		_, rt := e.grant(t, "web", old, url.Values{"grant_type": {"password"}, "username": {e.Creds.AdminLogin}, "password": {e.Creds.AdminPass}})
		var rot struct {
			ClientSecret        string    `json:"client_secret"`
			PreviousSecretUntil time.Time `json:"previous_secret_until"`
		}
		e.do(t, "POST", "/admin/v1/tenants/demo/clients/web/secret", `{"overlap":"10m"}`, 200, &rot)
		if rot.ClientSecret == "" || rot.ClientSecret == old || !rot.PreviousSecretUntil.Equal(e.Clock.Now().Add(10*time.Minute)) {
			t.Fatalf("rotation = %+v", rot)
		}
		refresh := func(when, secret string, want int) {
			t.Helper()
			r, next := e.grant(t, "web", secret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
			if r.Status != want {
				t.Fatalf("%s: refresh = %d %s, want %d", when, r.Status, r.Body, want)
			}
			if want == 200 {
				rt = next
			}
		}
		refresh("overlap, old secret", old, 200)
		refresh("overlap, new secret", rot.ClientSecret, 200)
		e.Clock.Advance(10 * time.Minute)
		refresh("after overlap, old secret", old, 401)
		refresh("after overlap, new secret", rot.ClientSecret, 200)
		e.do(t, "DELETE", "/admin/v1/tenants/demo/clients/web", "", 204, nil)
		refresh("client deleted", rot.ClientSecret, 401)
	})
}

// TestSessionsKeysAudit: sessions list with their metadata and revoke;
// key rotation keeps the age rule unless forced; every admin call is an
// audit event naming the acting client, queried newest first with a
// cursor and exported as NDJSON.
func TestSessionsKeysAudit(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		pw := url.Values{"grant_type": {"password"}, "username": {e.Creds.AdminLogin}, "password": {e.Creds.AdminPass}}
		_, rt1 := e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, pw)
		e.Clock.Advance(time.Second) // newest first is then unambiguous
		e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, pw)
		var us struct{ Items []user }
		e.do(t, "GET", "/admin/v1/tenants/demo/users?q=admin", "", 200, &us)
		uid := us.Items[0].ID
		var ss struct {
			Items []struct {
				ID, State, IP, UserAgent string
				LastUsedAt               time.Time `json:"last_used_at"`
			} `json:"items"`
		}
		e.do(t, "GET", "/admin/v1/tenants/demo/sessions?active=true&user_id="+uid, "", 200, &ss)
		if len(ss.Items) != 2 || ss.Items[0].State != "active" || ss.Items[0].IP != "127.0.0.1" || ss.Items[0].LastUsedAt.IsZero() {
			t.Fatalf("sessions = %+v, want 2 active ones with their address", ss.Items)
		}
		e.do(t, "DELETE", "/admin/v1/tenants/demo/sessions/"+ss.Items[1].ID, "", 204, nil)
		if r, _ := e.grant(t, e.Creds.ClientID, e.Creds.ClientSecret, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt1}}); r.Status != 400 {
			t.Errorf("refresh of a revoked session = %d %s, want 400", r.Status, r.Body)
		}
		var n struct{ Revoked int }
		e.do(t, "DELETE", "/admin/v1/tenants/demo/users/"+uid+"/sessions", "", 200, &n)
		if n.Revoked != 1 {
			t.Errorf("log out everywhere revoked %d, want the 1 still active", n.Revoked)
		}

		// Key rotation: the next key was published at start, too recently.
		r := e.call(t, "POST", "/admin/v1/keys/rotate", e.admin, `{"alg":"ES256"}`)
		wantProblem(t, "rotate a young key", r, 409, "key-too-young", "force")
		if r.Header.Get("Retry-After") == "" {
			t.Error("key-too-young without Retry-After")
		}
		e.do(t, "POST", "/admin/v1/keys/rotate", `{"alg":"ES256","force":true}`, 200, nil)
		e.Clock.Advance(2 * time.Minute)
		e.do(t, "POST", "/admin/v1/keys/rotate", `{"alg":"ES256"}`, 200, nil)
		var ks struct {
			Items []struct{ Kid, Alg, State string } `json:"items"`
		}
		e.do(t, "GET", "/admin/v1/keys", "", 200, &ks)
		retired := 0
		for _, k := range ks.Items {
			if k.Alg == "ES256" && k.State == "retired" {
				retired++
			}
		}
		if retired != 2 {
			t.Errorf("ES256 keys after two rotations = %+v, want 2 retired", ks.Items)
		}

		// A request refused before any operation ran is audited too.
		wantProblem(t, "unknown member", e.call(t, "POST", "/admin/v1/keys/rotate", e.admin, `{"algo":"ES256"}`), 400, "malformed-request", "algo")
		e.App.Audit.Flush()
		var refused struct {
			Items []struct{ Actor, Outcome string }
		}
		e.do(t, "GET", "/admin/v1/audit?action=admin.request.refused", "", 200, &refused)
		if len(refused.Items) != 1 || refused.Items[0].Actor != "demo-admin" || refused.Items[0].Outcome != "failure" {
			t.Errorf("audit of the refused request = %+v, want one failure by demo-admin", refused.Items)
		}
		e.App.Audit.Flush()
		var page struct {
			Items []struct {
				ID              int64
				Actor, Action   string
				Outcome, Reason string
			} `json:"items"`
			Next string `json:"next_cursor"`
		}
		e.do(t, "GET", "/admin/v1/audit?action=admin.key.rotated&limit=2", "", 200, &page)
		if len(page.Items) != 2 || page.Next == "" || page.Items[0].Actor != "demo-admin" || page.Items[0].ID < page.Items[1].ID {
			t.Fatalf("audit page = %+v, want 2 key rotations by demo-admin, newest first, and a cursor", page)
		}
		next := page.Next
		page.Items, page.Next = nil, ""
		e.do(t, "GET", "/admin/v1/audit?action=admin.key.rotated&limit=2&cursor="+url.QueryEscape(next), "", 200, &page)
		if len(page.Items) != 1 || page.Items[0].Outcome != "failure" || page.Items[0].Reason != "conflict" || page.Next != "" {
			t.Errorf("second audit page = %+v, want the refused rotation alone", page)
		}
		var all struct{ Items []struct{ ID int64 } }
		e.App.Audit.Flush()
		e.do(t, "GET", "/admin/v1/audit?limit=500", "", 200, &all)
		e.App.Audit.Flush()
		r = e.call(t, "GET", "/admin/v1/audit/export?until="+url.QueryEscape(e.Clock.Now().Add(time.Second).Format(time.RFC3339)), e.admin, "")
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("export = %d %s", r.Status, r.Header.Get("Content-Type"))
		}
		var lines, admins int
		for sc := bufio.NewScanner(bytes.NewReader(r.Body)); sc.Scan(); lines++ {
			var ev struct{ Actor, Action string }
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("export line %d: %v", lines, err)
			}
			if strings.HasPrefix(ev.Action, "admin.") && ev.Actor == "demo-admin" {
				admins++
			}
		}
		// The export holds the listing's events plus the listing itself.
		if lines != len(all.Items)+1 || admins < 10 {
			t.Errorf("export = %d lines, %d admin events by demo-admin; want %d lines, the whole trail", lines, admins, len(all.Items)+1)
		}
	})
}

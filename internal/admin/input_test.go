package admin_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestBadInput: every client mistake is a 4xx problem naming the field
// where there is one, never a 500, and a refused single-object call
// writes nothing.
func TestBadInput(t *testing.T) {
	backends(t, func(t *testing.T, e *env) {
		users := "/admin/v1/tenants/demo/users"
		var page struct {
			Items []struct{ ID string } `json:"items"`
			Next  string                `json:"next_cursor"`
		}
		e.do(t, "POST", users, `{"login":"bob","password":"a long enough passphrase"}`, 201, nil)
		e.do(t, "GET", users+"?limit=1", "", 200, &page)
		if page.Next == "" {
			t.Fatal("GET users?limit=1 of two users has no next_cursor")
		}
		enc, mac, _ := strings.Cut(page.Next, ".")
		tampered := enc + "." + strings.Repeat("A", len(mac))
		cases := []struct {
			name, method, path, body string
			status                   int
			kind, field              string
		}{
			{"malformed JSON", "POST", users, `{"login":`, 400, "malformed-request", ""},
			{"not an object", "POST", users, `["carol"]`, 400, "malformed-request", ""},
			{"trailing data", "POST", users, `{"login":"carol"} {}`, 400, "malformed-request", ""},
			{"unknown field", "POST", users, `{"login":"carol","pasword":"x"}`, 400, "malformed-request", "pasword"},
			{"field in another case", "POST", users, `{"Login":"carol"}`, 400, "malformed-request", "Login"},
			{"duplicate key", "POST", users, `{"login":"carol","login":"dave"}`, 400, "malformed-request", "login"},
			{"wrong type", "POST", users, `{"login":"carol","roles":"admin"}`, 400, "malformed-request", "roles"},
			{"wrong type nested", "POST", users, `{"login":"carol","attributes":{"a":1}}`, 400, "malformed-request", "attributes"},
			{"empty body", "POST", users, ``, 400, "malformed-request", ""},
			{"empty login", "POST", users, `{"login":" "}`, 400, "invalid-request", "login"},
			{"weak password", "POST", users, `{"login":"carol","password":"short"}`, 400, "invalid-request", "password"},
			{"taken login", "POST", users, `{"login":"BOB"}`, 409, "conflict", "login"},
			{"taken slug", "POST", "/admin/v1/tenants", `{"slug":"demo"}`, 409, "conflict", "slug"},
			{"taken code", "POST", "/admin/v1/tenants", `{"slug":"other","code":1}`, 409, "conflict", "code"},
			{"bad slug", "POST", "/admin/v1/tenants", `{"slug":"Not A Slug"}`, 400, "invalid-request", "slug"},
			{"slug is immutable", "PATCH", "/admin/v1/tenants/demo", `{"slug":"x"}`, 400, "malformed-request", "slug"},
			{"taken client id", "POST", "/admin/v1/tenants/demo/clients", `{"client_id":"demo-client"}`, 409, "conflict", "client_id"},
			{"bad duration", "POST", "/admin/v1/tenants/demo/clients", `{"access_ttl":"soon"}`, 400, "malformed-request", "access_ttl"},
			{"bad grant", "PATCH", "/admin/v1/tenants/demo/clients/demo-client", `{"grants":["implicit"]}`, 400, "invalid-request", "grants"},
			{"bad alg", "PATCH", "/admin/v1/tenants/demo/clients/demo-client", `{"alg":"HS256"}`, 400, "invalid-request", "alg"},
			{"zero lifetime", "PATCH", "/admin/v1/tenants/demo/clients/demo-client", `{"access_ttl":"0s"}`, 400, "invalid-request", "access_ttl"},
			{"overlap too long", "POST", "/admin/v1/tenants/demo/clients/demo-client/secret", `{"overlap":"800h"}`, 400, "invalid-request", "overlap"},
			{"public has no secret", "POST", "/admin/v1/tenants/demo/clients/demo-spa/secret", ``, 400, "invalid-request", "client_id"},
			{"tampered cursor", "GET", users + "?cursor=" + tampered, "", 400, "invalid-request", "cursor"},
			{"garbage cursor", "GET", users + "?cursor=%25%25", "", 400, "invalid-request", "cursor"},
			{"unknown query parameter", "GET", users + "?qq=bob", "", 400, "malformed-request", "qq"},
			{"repeated query parameter", "GET", users + "?q=a&q=b", "", 400, "malformed-request", "q"},
			{"limit too large", "GET", users + "?limit=100000", "", 400, "invalid-request", "limit"},
			{"limit not a number", "GET", users + "?limit=ten", "", 400, "malformed-request", "limit"},
			{"bad time", "GET", "/admin/v1/audit?since=yesterday", "", 400, "malformed-request", "since"},
			{"unknown user", "GET", users + "/usr_nope", "", 404, "not-found", ""},
			{"unknown client", "DELETE", "/admin/v1/tenants/demo/clients/nope", "", 404, "not-found", ""},
			{"unknown session", "DELETE", "/admin/v1/tenants/demo/sessions/nope", "", 404, "not-found", ""},
			{"bad key alg", "POST", "/admin/v1/keys/rotate", `{"alg":"none"}`, 400, "invalid-request", "alg"},
		}
		for _, tc := range cases {
			wantProblem(t, tc.name, e.call(t, tc.method, tc.path, e.admin, tc.body), tc.status, tc.kind, tc.field)
		}
		// Content type and size are checked before the body is read.
		req, _ := http.NewRequest("POST", e.URL+users, strings.NewReader(`{"login":"carol"}`))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+e.admin)
		wantProblem(t, "text/plain body", e.Do(t, req), 415, "unsupported-media-type", "Content-Type")
		big := `{"login":"carol","name":"` + strings.Repeat("x", 70<<10) + `"}`
		wantProblem(t, "oversized body", e.call(t, "POST", users, e.admin, big), 413, "body-too-large", "")

		// None of the refused creations left a user behind: demo has its
		// admin and bob, nothing else.
		var all struct {
			Items []struct{ Login string } `json:"items"`
		}
		e.do(t, "GET", users, "", 200, &all)
		if len(all.Items) != 2 {
			b, _ := json.Marshal(all)
			t.Errorf("users after the refused calls = %s, want admin and bob only", b)
		}
	})
}

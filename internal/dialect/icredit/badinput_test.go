package icredit_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// oversize is a refresh body just over the 64 KiB limit (issue 2).
var oversize = `{"refresh_token":"` + strings.Repeat("a", 64<<10) + `"}`

// TestBadInput is issue 4's bad-input table against the seed's endpoint,
// POST /api/v1/auth/refresh: every client mistake gets a NestJS error with
// a 4xx status and a message naming the problem, never a 500.
func TestBadInput(t *testing.T) {
	f := start(t, apptest.Options{})
	cases := []struct {
		name        string
		contentType string // "" sends no Content-Type
		body        string
		chunked     bool // hide the length, so only the read limit stops it
		status      int
		message     string // a substring of the message
	}{
		{"missing refresh_token", "application/json", `{}`, false, 400, "refresh_token should not be empty"},
		{"null refresh_token", "application/json", `{"refresh_token":null}`, false, 400, "refresh_token should not be empty"},
		{"empty refresh_token", "application/json", `{"refresh_token":""}`, false, 400, "refresh_token should not be empty"},
		{"refresh_token as a number", "application/json", `{"refresh_token":12345}`, false, 400, "refresh_token must be a string"},
		{"refresh_token as an object", "application/json", `{"refresh_token":{"value":"x"}}`, false, 400, "refresh_token must be a string"},
		{"empty body", "application/json", ``, false, 400, "request body is empty"},
		{"blank body", "", "  \n", false, 400, "request body is empty"},
		{"invalid JSON", "application/json", `{"refresh_token":`, false, 400, "malformed JSON"},
		{"trailing garbage", "application/json", `{"refresh_token":"x"} {}`, false, 400, "unexpected data after the JSON object"},
		{"array body", "application/json", `["x"]`, false, 400, "must be a JSON object"},
		{"refresh_token twice", "application/json", `{"refresh_token":"x","refresh_token":"y"}`, false, 400, "refresh_token given more than once"},
		{"string body", "application/json", `"x"`, false, 400, "must be a JSON object"},
		{"wrong content type text/plain", "text/plain", `{"refresh_token":"x"}`, false, 415, "Content-Type must be application/json"},
		{"wrong content type form", "application/x-www-form-urlencoded", `refresh_token=x`, false, 415, "Content-Type must be application/json"},
		{"malformed content type", "application/json; charset", `{"refresh_token":"x"}`, false, 415, "Content-Type must be application/json"},
		{"oversize body", "application/json", oversize, false, 413, "larger than 65536 bytes"},
		{"oversize body, chunked", "application/json", oversize, true, 413, "larger than 65536 bytes"},
		{"malformed token", "application/json", `{"refresh_token":"x"}`, false, 401, "malformed"},
		{"unknown token", "application/json", `{"refresh_token":"rn_rt_` + strings.Repeat("A", 49) + `"}`, false, 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, f.env.URL+prefix+pathRefresh, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			if tc.chunked {
				req.Body, req.ContentLength, req.GetBody = io.NopCloser(strings.NewReader(tc.body)), -1, nil
			}
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			e := wantError(t, "POST refresh ("+tc.name+")", f.env.Do(t, req), tc.status, "")
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("POST refresh (%s): message %q, want it to contain %q", tc.name, e.Message, tc.message)
			}
		})
	}
}

// TestBadInputOtherEndpoints checks the same decoder rules on the other
// endpoints' own fields, and that unknown fields are allowed.
func TestBadInputOtherEndpoints(t *testing.T) {
	f := start(t, apptest.Options{})
	f.newUser(t, "ana")
	access := f.login(t, "ana", password).AccessToken
	cases := []struct {
		name    string
		path    string
		bearer  bool
		header  http.Header
		body    string
		status  int
		message string
	}{
		{"login: password as a number", pathLogin, false, nil, `{"username":"ana","password":12345678}`, 400, "password must be a string"},
		{"login: email as an array", pathLogin, false, nil, `{"email":["ana"],"password":"x"}`, 400, "email must be a string"},
		{"login: no identifier", pathLogin, false, nil, `{"password":"x"}`, 400, "email or username should not be empty"},
		{"login: two identifiers", pathLogin, false, nil, `{"email":"ana@demo.invalid","username":"bia","password":"x"}`, 400, "not both"},
		{"login: unknown fields allowed", pathLogin, false, nil, `{"username":"ana","password":"` + password + `","remember":true}`, 200, ""},
		{"login: oversize", pathLogin, false, nil, oversize, 413, "larger than"},
		{"login: xml", pathLogin, false, http.Header{"Content-Type": {"application/xml"}}, `<login/>`, 415, "Content-Type"},
		{"update-password: missing new_password", pathUpdatePassword, true, nil, `{"current_password":"x"}`, 400, "new_password should not be empty"},
		{"update-password: missing current_password", pathUpdatePassword, true, nil, `{"new_password":"a-new-passphrase"}`, 400, "current_password should not be empty"},
		{"update-password: new_password as a bool", pathUpdatePassword, true, nil, `{"current_password":"x","new_password":true}`, 400, "new_password must be a string"},
		{"update-password: invalid JSON", pathUpdatePassword, true, nil, `{`, 400, "malformed JSON"},
		{"update-password: bearer checked first", pathUpdatePassword, false, nil, `{`, 401, "missing bearer"},
		{"logout: refresh_token as a number", pathLogout, true, nil, `{"refresh_token":1}`, 400, "refresh_token must be a string"},
		{"logout: form body", pathLogout, true, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, `refresh_token=x`, 415, "Content-Type"},
		{"logout: basic auth is no bearer", pathLogout, false, http.Header{"Authorization": {"Basic YTpi"}}, ``, 401, "missing bearer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := jsonHeader("")
			for k, vs := range tc.header {
				h[k] = vs
			}
			if tc.bearer {
				h.Set("Authorization", "Bearer "+access)
			}
			resp := f.do(t, exchange{path: tc.path, header: h, body: tc.body})
			if tc.status == http.StatusOK {
				wantPair(t, tc.name, resp)
				return
			}
			e := wantError(t, tc.name, resp, tc.status, "")
			if !strings.Contains(e.Message, tc.message) {
				t.Errorf("POST %s (%s): message %q, want it to contain %q", tc.path, tc.name, e.Message, tc.message)
			}
		})
	}
}

package icredit_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// goldenCase is one golden transcript: build prepares whatever state the
// request needs (users, sessions, clock) and returns the request.
type goldenCase struct {
	name  string
	build func(t *testing.T, f *fixture) exchange
}

// goldenHeaders are the response headers a transcript records; the trace
// id and Date vary and are left out.
var goldenHeaders = []string{"Content-Type", "Cache-Control", "WWW-Authenticate", "Retry-After"}

// TestGolden checks one transcript per endpoint and error case against
// testdata/*.txtar (STYLE.md rule 6). Tokens and ids are normalised by
// apptest.Normalize; every case uses its own user or session, so cases do
// not depend on one another's order.
func TestGolden(t *testing.T) {
	f := start(t, apptest.Options{})
	var cases []goldenCase
	cases = append(cases, loginCases...)
	cases = append(cases, refreshCases...)
	cases = append(cases, logoutCases...)
	cases = append(cases, passwordCases...)
	cases = append(cases, meCases...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := tc.build(t, f)
			if x.method == "" {
				x.method = http.MethodPost
			}
			resp := f.do(t, x)
			resp.Body = recordIDs.ReplaceAll(resp.Body, []byte("<${1}_ID>"))
			got := apptest.Transcript(x.method, prefix+x.path, x.header, x.body, resp, goldenHeaders...)
			apptest.Golden(t, "testdata/"+tc.name+".txtar", got)
		})
	}
}

// recordIDs are renova's record ids. apptest.Normalize means to replace
// them with "<usr_ID>" and the like, but its replacement "<$1_ID>" names a
// group "1_ID" and yields "<>", so the ids are normalised here first.
var recordIDs = regexp.MustCompile(`\b(ses|usr|ten|cli)_[0-9a-f]{24}\b`)

// post is a JSON POST to path with body and, optionally, a bearer token.
func post(path, access, body string) exchange {
	return exchange{path: path, header: jsonHeader(access), body: body}
}

var loginCases = []goldenCase{
	{"login_username", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "login-username")
		return post(pathLogin, "", `{"username":"login-username","password":"`+password+`"}`)
	}},
	{"login_email", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "login-email")
		return post(pathLogin, "", `{"email":"login-email@demo.invalid","password":"`+password+`"}`)
	}},
	{"login_wrong_password", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "login-wrong")
		return post(pathLogin, "", `{"username":"login-wrong","password":"not-the-password"}`)
	}},
	{"login_unknown_user", func(t *testing.T, f *fixture) exchange {
		return post(pathLogin, "", `{"username":"nobody","password":"not-the-password"}`)
	}},
	{"login_missing_password", func(t *testing.T, f *fixture) exchange {
		return post(pathLogin, "", `{"email":"someone@demo.invalid"}`)
	}},
	{"login_wrong_method", func(t *testing.T, f *fixture) exchange {
		return exchange{method: http.MethodGet, path: pathLogin, header: http.Header{}}
	}},
}

var refreshCases = []goldenCase{
	{"refresh", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "refresh-ok")
		p := f.login(t, "refresh-ok", password)
		return post(pathRefresh, "", `{"refresh_token":"`+p.RefreshToken+`"}`)
	}},
	{"refresh_seed_headers", func(t *testing.T, f *fixture) exchange {
		// The seed's headers are optional and default to JSON: no
		// Content-Type, and the documented Accept.
		f.newUser(t, "refresh-seed")
		p := f.login(t, "refresh-seed", password)
		return exchange{path: pathRefresh, header: http.Header{"Accept": {"application/json"}},
			body: "{\n\"refresh_token\"\n:\n\"" + p.RefreshToken + "\"\n}"}
	}},
	{"refresh_reused_after_grace", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "refresh-reused")
		p := f.login(t, "refresh-reused", password)
		wantPair(t, "first refresh", f.refresh(t, p.RefreshToken))
		f.env.Clock.Advance(11 * time.Second)
		return post(pathRefresh, "", `{"refresh_token":"`+p.RefreshToken+`"}`)
	}},
	{"refresh_malformed_token", func(t *testing.T, f *fixture) exchange {
		return post(pathRefresh, "", `{"refresh_token":"not-a-refresh-token"}`)
	}},
	{"refresh_missing_token", func(t *testing.T, f *fixture) exchange {
		return post(pathRefresh, "", `{}`)
	}},
	{"refresh_token_number", func(t *testing.T, f *fixture) exchange {
		return post(pathRefresh, "", `{"refresh_token":12345}`)
	}},
	{"refresh_wrong_content_type", func(t *testing.T, f *fixture) exchange {
		return exchange{path: pathRefresh, header: http.Header{"Content-Type": {"text/plain"}}, body: `{"refresh_token":"x"}`}
	}},
}

var logoutCases = []goldenCase{
	{"logout", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "logout-ok")
		p := f.login(t, "logout-ok", password)
		return exchange{path: pathLogout, header: http.Header{"Authorization": {"Bearer " + p.AccessToken}}}
	}},
	{"logout_with_refresh_token", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "logout-body")
		p := f.login(t, "logout-body", password)
		return post(pathLogout, p.AccessToken, `{"refresh_token":"`+p.RefreshToken+`"}`)
	}},
	{"logout_missing_bearer", func(t *testing.T, f *fixture) exchange {
		return post(pathLogout, "", `{}`)
	}},
	{"logout_twice", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "logout-twice")
		p := f.login(t, "logout-twice", password)
		if resp := f.do(t, post(pathLogout, p.AccessToken, "")); resp.Status != http.StatusNoContent {
			t.Fatalf("first logout: status %d body %s", resp.Status, resp.Body)
		}
		return post(pathLogout, p.AccessToken, "")
	}},
}

var passwordCases = []goldenCase{
	{"update_password", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "pw-ok")
		p := f.login(t, "pw-ok", password)
		return post(pathUpdatePassword, p.AccessToken, `{"current_password":"`+password+`","new_password":"a-new-passphrase"}`)
	}},
	{"update_password_too_short", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "pw-short")
		p := f.login(t, "pw-short", password)
		return post(pathUpdatePassword, p.AccessToken, `{"current_password":"`+password+`","new_password":"short"}`)
	}},
	{"update_password_unchanged", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "pw-same")
		p := f.login(t, "pw-same", password)
		return post(pathUpdatePassword, p.AccessToken, `{"current_password":"`+password+`","new_password":"`+password+`"}`)
	}},
	{"update_password_wrong_current", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "pw-wrong")
		p := f.login(t, "pw-wrong", password)
		return post(pathUpdatePassword, p.AccessToken, `{"current_password":"not-the-password","new_password":"a-new-passphrase"}`)
	}},
	{"update_password_missing_bearer", func(t *testing.T, f *fixture) exchange {
		return post(pathUpdatePassword, "", `{"current_password":"`+password+`","new_password":"a-new-passphrase"}`)
	}},
}

var meCases = []goldenCase{
	{"me", func(t *testing.T, f *fixture) exchange {
		f.newUser(t, "me-ok")
		p := f.login(t, "me-ok", password)
		return exchange{method: http.MethodGet, path: pathMe, header: http.Header{"Authorization": {"Bearer " + p.AccessToken}}}
	}},
	{"me_missing_bearer", func(t *testing.T, f *fixture) exchange {
		return exchange{method: http.MethodGet, path: pathMe, header: http.Header{}}
	}},
	{"me_invalid_token", func(t *testing.T, f *fixture) exchange {
		return exchange{method: http.MethodGet, path: pathMe, header: http.Header{"Authorization": {"Bearer not.a.jwt"}}}
	}},
}

package openapi_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// exchange is one golden transcript's request line and response.
type exchange struct {
	method, path string
	status       int
	contentType  string
	body         []byte
	// reqType and reqBody are the request's Content-Type and body.
	reqType string
	reqBody []byte
}

// parseTranscript reads a golden transcript (apptest.Transcript): the
// request line, then the response's status line, headers and body. ok is
// false for testdata that is not an exchange (HDI's token_shape.txtar
// holds a JWT's header and claims).
func parseTranscript(t *testing.T, file string) (x exchange, ok bool) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	req, resp, found := strings.Cut(string(raw), "-- response --\n")
	if !found || !strings.HasPrefix(req, "-- request --\n") {
		return x, false
	}
	line, rest, _ := strings.Cut(strings.TrimPrefix(req, "-- request --\n"), "\n")
	x.method, x.path, _ = strings.Cut(line, " ")
	reqHead, reqBody, _ := strings.Cut(rest, "\n\n")
	for _, h := range strings.Split(reqHead, "\n") {
		if k, v, ok := strings.Cut(h, ": "); ok && http.CanonicalHeaderKey(k) == "Content-Type" {
			x.reqType = v
		}
	}
	x.reqBody = []byte(denormalize.Replace(strings.TrimSpace(reqBody)))
	x.path, _, _ = strings.Cut(x.path, "?")
	head, body, _ := strings.Cut(resp, "\n\n")
	lines := strings.Split(head, "\n")
	code, _, _ := strings.Cut(lines[0], " ")
	if x.status, err = strconv.Atoi(code); err != nil {
		t.Fatalf("%s: status line %q", file, lines[0])
	}
	for _, h := range lines[1:] {
		if k, v, ok := strings.Cut(h, ": "); ok && http.CanonicalHeaderKey(k) == "Content-Type" {
			x.contentType = v
		}
	}
	x.body = []byte(denormalize.Replace(strings.TrimRight(body, "\n")))
	return x, true
}

// denormalize puts realistic values back where apptest.Normalize left
// placeholders, so the documented patterns (rn_rt_..., a JWT) apply and
// an XML body parses.
var denormalize = strings.NewReplacer(
	"<JWT>", "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl",
	"<REFRESH_TOKEN>", "rn_rt_"+strings.Repeat("A", 49),
	"<API_KEY>", "rn_ak_"+strings.Repeat("0", 48),
	"<usr_ID>", "usr_"+strings.Repeat("0", 24),
	"<ten_ID>", "ten_"+strings.Repeat("0", 24),
	"<ses_ID>", "ses_"+strings.Repeat("0", 24),
	"<cli_ID>", "cli_"+strings.Repeat("0", 24),
	"<HEX16>", strings.Repeat("0", 16),
)

// TestGoldenTranscriptsMatchDocuments holds every golden transcript of
// every dialect (internal/dialect/*/testdata, the real answers the golden
// tests compare against the live server) to its surface's document:
// documented operation and status, documented content type, and a body
// that validates against the documented schema (JSON Schema 2020-12; XML
// by root element, namespace and member names). The request of every
// accepted (2xx) exchange must fit the documented request body too: what
// the server takes, the document describes.
func TestGoldenTranscriptsMatchDocuments(t *testing.T) {
	files, err := filepath.Glob("../dialect/*/testdata/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	specs := map[string]*spec{}
	checked, accepted := map[string]int{}, map[string]int{}
	for _, f := range files {
		dialect := filepath.Base(filepath.Dir(filepath.Dir(f)))
		if specs[dialect] == nil {
			specs[dialect] = loadSpec(t, dialect)
		}
		x, ok := parseTranscript(t, f)
		if !ok {
			continue
		}
		checked[dialect]++
		if err := specs[dialect].check(x.method, x.path, x.status, x.contentType, x.body); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		if x.status/100 == 2 && len(x.reqBody) > 0 {
			accepted[dialect]++
			if err := specs[dialect].checkRequest(x.method, x.path, x.reqType, x.reqBody); err != nil {
				t.Errorf("%s: accepted request: %v", f, err)
			}
		}
	}
	for _, d := range []string{"icredit", "consinco", "formulacerta", "hdi"} {
		if checked[d] < 10 || accepted[d] < 3 {
			t.Errorf("%s: %d transcripts checked, %d accepted requests, want its golden set (at least 10 and 3)", d, checked[d], accepted[d])
		}
	}
}

// answer is an exchange seen from its response only.
func answer(method, path string, status int, contentType string, body []byte) exchange {
	return exchange{method: method, path: path, status: status, contentType: contentType, body: body}
}

// TestCheckRefuses guards the contract check itself: each case is a real
// transcript's answer with one thing wrong, and each must be refused.
func TestCheckRefuses(t *testing.T) {
	icredit, consinco, fc := loadSpec(t, "icredit"), loadSpec(t, "consinco"), loadSpec(t, "formulacerta")
	pair := `{"access_token":"eyJ.a.b","refresh_token":"rn_rt_x","token_type":"Bearer","expires_in":900}`
	xmlOK := `<Error><error>invalid_request</error><error_description>x</error_description></Error>`
	cases := []struct {
		name string
		s    *spec
		x    exchange
	}{
		{"expires_in as a string", icredit, answer("POST", "/icredit/api/v1/auth/refresh", 200, "application/json",
			[]byte(strings.Replace(pair, "900", `"900"`, 1)))},
		{"refresh token missing", icredit, answer("POST", "/icredit/api/v1/auth/refresh", 200, "application/json",
			[]byte(`{"access_token":"eyJ.a.b","token_type":"Bearer","expires_in":900}`))},
		{"refresh token without its prefix", icredit, answer("POST", "/icredit/api/v1/auth/refresh", 200, "application/json",
			[]byte(strings.Replace(pair, "rn_rt_x", "x", 1)))},
		{"undocumented status", icredit, answer("POST", "/icredit/api/v1/auth/refresh", 418, "application/json", []byte(pair))},
		{"undocumented content type", icredit, answer("POST", "/icredit/api/v1/auth/refresh", 200, "text/plain", []byte(pair))},
		{"undocumented path", icredit, answer("POST", "/icredit/api/v1/auth/nothing", 200, "application/json", []byte(pair))},
		{"XML error with another root", consinco, answer("POST", "/consinco/api/v1/auth/refresh-token", 400, "application/xml",
			[]byte(strings.ReplaceAll(xmlOK, "Error>", "Fault>")))},
		{"XML error with an unknown member", consinco, answer("POST", "/consinco/api/v1/auth/refresh-token", 400, "text/xml",
			[]byte(strings.Replace(xmlOK, "<error_description>x</error_description>", "<detail>x</detail>", 1)))},
		{"XML result in the wrong namespace", fc, answer("POST", "/formulacerta/api/v2/account/refreshtoken", 401, "application/xml",
			[]byte(`<LoginResult xmlns="urn:other"><Errors/><Succeeded>false</Succeeded></LoginResult>`))},
		{"JSON result with an undocumented ErrorCode", fc, answer("POST", "/formulacerta/api/v2/account/refreshtoken", 401, "application/json",
			[]byte(`{"AccessToken":null,"RefreshAccessToken":null,"TokenType":null,"Expires":"0001-01-01T00:00:00+00:00","ErrorCode":42,"ClienteId":0,"Succeeded":false,"Errors":["x"]}`))},
	}
	for _, tc := range cases {
		if err := tc.s.check(tc.x.method, tc.x.path, tc.x.status, tc.x.contentType, tc.x.body); err == nil {
			t.Errorf("check(%s) = nil, want a refusal", tc.name)
		}
	}
	requests := []struct {
		name     string
		s        *spec
		path, ct string
		body     string
	}{
		{"refresh_token a number", icredit, "/icredit/api/v1/auth/refresh", "application/json", `{"refresh_token":12345}`},
		{"undocumented request type", icredit, "/icredit/api/v1/auth/refresh", "text/plain", `x`},
		{"XML request with another root", consinco, "/consinco/api/v1/auth/refresh-token", "application/xml",
			`<Other xmlns="http://schemas.datacontract.org/2004/07/AuthenticationServer.Models"><Refreshtoken>x</Refreshtoken></Other>`},
		{"form without AccessTokenRefresh", fc, "/formulacerta/api/v2/account/refreshtoken", "application/x-www-form-urlencoded", "AccessTokenOld=x"},
	}
	for _, tc := range requests {
		if err := tc.s.checkRequest("POST", tc.path, tc.ct, []byte(tc.body)); err == nil {
			t.Errorf("checkRequest(%s) = nil, want a refusal", tc.name)
		}
	}
	ok := answer("POST", "/consinco/api/v1/auth/refresh-token", 400, "application/xml; charset=utf-8", []byte(xmlOK))
	if err := consinco.check(ok.method, ok.path, ok.status, ok.contentType, ok.body); err != nil {
		t.Errorf("check(valid XML error) = %v, want nil", err)
	}
}

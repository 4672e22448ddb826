package formulacerta

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/httpx"
)

// sampleResult is the object ASP.NET's help page serialised for seed
// 002's response samples.
func sampleResult() *loginResult {
	return &loginResult{AccessToken: "sample string 1", RefreshAccessToken: "sample string 2", TokenType: "sample string 3",
		Expires: time.Date(2024, 11, 21, 8, 42, 50, 859043900, time.UTC), ErrorCode: 5, ClienteID: 6, Succeeded: true,
		Errors: []string{"sample string 1", "sample string 2"}}
}

// between matches the whitespace the help page put between tokens; the
// wire format has none.
var (
	betweenTags = regexp.MustCompile(`>\s+<`)
	betweenJSON = regexp.MustCompile(`([{\[,:])\s+|\s+([}\]])`)
)

func readSeed(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestSeedResponseSamples renders the seed's sample LoginResult and compares
// it byte for byte with the seed's JSON and XML samples (copied verbatim to
// testdata/), minus the help page's pretty-printing: member order,
// namespaces, prefixes, the DateTime/OffsetMinutes shape, ClienteId absent
// from XML, seven-digit fractions.
func TestSeedResponseSamples(t *testing.T) {
	res := sampleResult()
	wantJSON := betweenJSON.ReplaceAllString(readSeed(t, "seed_response.json"), "$1$2")
	if got := string(res.marshalJSON()); got != wantJSON {
		t.Errorf("marshalJSON(seed sample) =\n%s\nwant\n%s", got, wantJSON)
	}
	wantXML := betweenTags.ReplaceAllString(readSeed(t, "seed_response.xml"), "><")
	if got := string(res.marshalXML()); got != wantXML {
		t.Errorf("marshalXML(seed sample) =\n%s\nwant\n%s", got, wantXML)
	}
}

// TestExpiresFormat checks Json.NET's and DataContract's trimming of the
// fraction, UTC conversion and the unset (.NET MinValue) case.
func TestExpiresFormat(t *testing.T) {
	brt := time.FixedZone("BRT", -3*3600)
	cases := []struct {
		name      string
		in        time.Time
		json, xml string
	}{
		{"whole second", time.Date(2026, 11, 23, 12, 15, 0, 0, time.UTC), "2026-11-23T12:15:00+00:00", "2026-11-23T12:15:00Z"},
		{"trailing zeros", time.Date(2026, 1, 2, 3, 4, 5, 120000000, time.UTC), "2026-01-02T03:04:05.12+00:00", "2026-01-02T03:04:05.12Z"},
		{"below a tick", time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), "2026-01-02T03:04:05.1234567+00:00", "2026-01-02T03:04:05.1234567Z"},
		{"other zone", time.Date(2026, 1, 2, 9, 0, 0, 0, brt), "2026-01-02T12:00:00+00:00", "2026-01-02T12:00:00Z"},
		{"unset", time.Time{}, "0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00Z"},
	}
	for _, tc := range cases {
		res := &loginResult{Expires: tc.in}
		if got := res.expires().Format(jsonTime); got != tc.json {
			t.Errorf("JSON Expires(%s) = %q, want %q", tc.name, got, tc.json)
		}
		if got := res.expires().Format(xmlTime); got != tc.xml {
			t.Errorf("XML Expires(%s) = %q, want %q", tc.name, got, tc.xml)
		}
	}
}

// TestFailureShapes pins the failure defaults: null strings (i:nil in XML),
// an empty Errors list self-closed, text escaped.
func TestFailureShapes(t *testing.T) {
	res := failed(codeInvalidInput, `a <b> & "c"`+"\x00")
	if got, want := string(res.marshalJSON()), `{"AccessToken":null,"RefreshAccessToken":null,"TokenType":null,"Expires":"0001-01-01T00:00:00+00:00","ErrorCode":1,"ClienteId":0,"Succeeded":false,"Errors":["a <b> & \"c\"\u0000"]}`; got != want {
		t.Errorf("marshalJSON(failure) =\n%s\nwant\n%s", got, want)
	}
	x := string(res.marshalXML())
	for _, want := range []string{`<d2p1:string>a &lt;b&gt; &amp; "c"` + "\uFFFD" + `</d2p1:string>`, `<AccessToken i:nil="true" />`, `<TokenType i:nil="true" />`} {
		if !strings.Contains(x, want) {
			t.Errorf("marshalXML(failure) = %s, want it to contain %s", x, want)
		}
	}
	ok := &loginResult{AccessToken: "a", Succeeded: true}
	if x := string(ok.marshalXML()); !strings.Contains(x, `xmlns="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models" /><Succeeded`) {
		t.Errorf("marshalXML(no errors) = %s, want a self-closed <Errors/>", x)
	}
	if j := string(ok.marshalJSON()); !strings.Contains(j, `"Errors":[]`) {
		t.Errorf("marshalJSON(no errors) = %s, want Errors []", j)
	}
}

// TestWriteError walks the lookup table: decode errors keep their status,
// core errors map by reason then code, temporarily_unavailable carries
// Retry-After, and anything else is a 500 that reveals nothing.
func TestWriteError(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		status     int
		code       int
		retryAfter string
		msg        string
	}{
		{"decode 400", httpx.Bad("AccessTokenOld", "missing"), 400, codeInvalidInput, "", "AccessTokenOld: missing"},
		{"decode 413", &httpx.DecodeError{Status: 413, Problem: "too big"}, 413, codeInvalidInput, "", "too big"},
		{"credentials", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonCredentials, Description: "invalid username or password"}, 401, codeBadCredentials, "", "invalid username or password"},
		{"reused", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonReused, Description: "d"}, 401, codeReused, "", "d"},
		{"expired idle", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonExpiredIdle, Description: "d"}, 401, codeExpired, "", "d"},
		{"expired absolute", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonExpiredAbsolute, Description: "d"}, 401, codeExpired, "", "d"},
		{"revoked", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonSessionRevoked, Description: "d"}, 401, codeRevoked, "", "d"},
		{"session mismatch", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonSessionMismatch, Description: "d"}, 401, codeSessionMismatch, "", "d"},
		{"unknown token", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonUnknown, Description: "d"}, 401, codeInvalidRefresh, "", "d"},
		{"client mismatch", &auth.Error{Code: auth.InvalidGrant, Reason: auth.ReasonClientMismatch, Description: "d"}, 401, codeInvalidRefresh, "", "d"},
		{"invalid token", &auth.Error{Code: auth.InvalidToken, Description: "d", Cause: errors.New("sig")}, 401, codeInvalidToken, "", "d"},
		{"unauthorized client", &auth.Error{Code: auth.UnauthorizedClient, Description: "d"}, 400, codeNotPermitted, "", "d"},
		{"invalid request", &auth.Error{Code: auth.InvalidRequest}, 400, codeInvalidInput, "", auth.InvalidRequest},
		{"unavailable", &auth.Error{Code: auth.TemporarilyUnavailable, Description: "busy", RetryAfter: 1500 * time.Millisecond}, 503, codeUnavailable, "2", "busy"},
		{"unavailable no delay", &auth.Error{Code: auth.TemporarilyUnavailable, Description: "busy"}, 503, codeUnavailable, "1", "busy"},
		{"server error", &auth.Error{Code: auth.ServerError, Description: "db said secret things"}, 500, codeInternal, "", "internal error; trace id "},
		{"unknown code", &auth.Error{Code: "weird", Description: "d"}, 500, codeInternal, "", "internal error; trace id "},
		{"plain error", errors.New("disk on fire at /var/db"), 500, codeInternal, "", "internal error; trace id "},
	}
	s, err := New(dialect.Binding{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		w := httptest.NewRecorder()
		s.errs().Answer(w, httptest.NewRequest(http.MethodPost, "/x", nil), tc.err)
		var got struct {
			ErrorCode int
			Succeeded bool
			Errors    []string
		}
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("writeError(%s) body %s: %v", tc.name, w.Body, err)
		}
		if w.Code != tc.status || got.ErrorCode != tc.code || got.Succeeded || len(got.Errors) != 1 || got.Errors[0] != tc.msg ||
			w.Header().Get("Retry-After") != tc.retryAfter {
			t.Errorf("writeError(%s) = %d %s Retry-After %q, want %d ErrorCode %d %q Retry-After %q",
				tc.name, w.Code, w.Body, w.Header().Get("Retry-After"), tc.status, tc.code, tc.msg, tc.retryAfter)
		}
	}
}

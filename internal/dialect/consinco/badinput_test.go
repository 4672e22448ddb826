package consinco_test

import (
	"crypto/rand"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/secret"
)

// rootOpen is the seed's refresh root element with its namespaces.
const rootOpen = `<ConsincoRefreshTokenBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="` + modelsNS + `">`

// rootClose closes rootOpen.
const rootClose = `</ConsincoRefreshTokenBindingModel>`

// xmlBomb is the "billion laughs" document: entity definitions that would
// expand to gigabytes.
const xmlBomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
` + rootOpen + `<Refreshtoken>&lol3;</Refreshtoken>` + rootClose

// TestBadInput is issue 5's bad-input acceptance: each mistake gets a clear
// error (status, OWIN error code, a description) in the requested format,
// never a 500.
func TestBadInput(t *testing.T) {
	f := start(t)
	const js, xm, form = "application/json", "application/xml", "application/x-www-form-urlencoded"
	big := strings.Repeat("a", 70<<10)
	unknown, err := secret.New(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		path        string
		contentType string
		accept      string
		body        string
		status      int
		code        string
		wantXML     bool
		mention     string // the description must contain this
	}{
		{"malformed XML", pathRefresh, xm, xm, rootOpen + `<Refreshtoken>x</Refresh`, 400, auth.InvalidRequest, true, "malformed XML"},
		{"malformed XML answered in the request's format", pathRefresh, "text/xml", "", rootOpen + `<Refreshtoken>`, 400, auth.InvalidRequest, true, "malformed XML"},
		{"malformed XML answered in JSON when asked", pathRefresh, xm, js, `<<>`, 400, auth.InvalidRequest, false, "malformed XML"},
		{"malformed JSON", pathRefresh, js, "", `{"refresh_token": `, 400, auth.InvalidRequest, false, "malformed JSON"},
		{"JSON not an object", pathRefresh, js, "", `["x"]`, 400, auth.InvalidRequest, false, "JSON object"},
		{"JSON trailing data", pathRefresh, js, "", `{"refresh_token":"x"} {}`, 400, auth.InvalidRequest, false, "after the JSON object"},
		{"empty body", pathRefresh, js, "", ``, 400, auth.InvalidRequest, false, "empty"},
		{"XML wrong namespace", pathRefresh, xm, xm, `<ConsincoRefreshTokenBindingModel xmlns="http://example.com/other"><Refreshtoken>x</Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "namespace"},
		{"XML without namespace", pathRefresh, xm, xm, `<ConsincoRefreshTokenBindingModel><Refreshtoken>x</Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "namespace"},
		{"XML wrong root", pathRefresh, xm, xm, loginXML("demo", testLogin, password), 400, auth.InvalidRequest, true, "root element must be <ConsincoRefreshTokenBindingModel>"},
		{"XML two roots", pathRefresh, xm, xm, refreshXML("x", "") + refreshXML("y", ""), 400, auth.InvalidRequest, true, "more than one root"},
		{"XML bomb", pathRefresh, xm, xm, xmlBomb, 400, auth.InvalidRequest, true, "DOCTYPE"},
		{"XML external entity", pathRefresh, xm, xm, `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>` + rootOpen + `<Refreshtoken>&e;</Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "DOCTYPE"},
		{"XML undeclared entity", pathRefresh, xm, xm, rootOpen + `<Refreshtoken>&e;</Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "malformed XML"},
		{"XML deeply nested", pathRefresh, xm, xm, rootOpen + strings.Repeat("<x>", 20000), 400, auth.InvalidRequest, true, "nested deeper"},
		{"XML element inside a member", pathRefresh, xm, xm, rootOpen + `<Refreshtoken><b>x</b></Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "Refreshtoken: must be text"},
		{"XML member twice", pathRefresh, xm, xm, rootOpen + `<Refreshtoken>x</Refreshtoken><Refreshtoken>y</Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "Refreshtoken: given more than once"},
		{"XML ControllerVersion not a number", pathRefresh, xm, xm, rootOpen + `<ControllerVersion>three</ControllerVersion><Refreshtoken>x</Refreshtoken>` + rootClose, 400, auth.InvalidRequest, true, "ControllerVersion: must be an integer"},
		{"XML declared in another encoding", pathRefresh, xm, xm, `<?xml version="1.0" encoding="ISO-8859-1"?>` + refreshXML("x", ""), 400, auth.InvalidRequest, true, "only UTF-8"},
		{"missing refresh token (JSON)", pathRefresh, js, "", `{"grant_type":"refresh_token"}`, 400, auth.InvalidRequest, false, "refresh_token: missing"},
		{"empty refresh token (JSON)", pathRefresh, js, "", refreshJSON("", "refresh_token"), 400, auth.InvalidRequest, false, "refresh_token: missing"},
		{"missing refresh token (XML)", pathRefresh, xm, xm, rootOpen + `<GrantType>refresh_token</GrantType>` + rootClose, 400, auth.InvalidRequest, true, "Refreshtoken: missing"},
		{"refresh token not a string", pathRefresh, js, "", `{"refresh_token": 42}`, 400, auth.InvalidRequest, false, "refresh_token: must be a string"},
		{"wrong grant_type (JSON)", pathRefresh, js, "", refreshJSON("x", "password"), 400, auth.UnsupportedGrantType, false, `"password"`},
		{"wrong grant_type (XML)", pathRefresh, xm, xm, refreshXML("x", "authorization_code"), 400, auth.UnsupportedGrantType, true, "authorization_code"},
		{"malformed refresh token", pathRefresh, js, "", refreshJSON("rn_rt_nope", ""), 401, auth.InvalidGrant, false, "malformed"},
		{"unknown refresh token", pathRefresh, xm, "", refreshXML(unknown.String(), ""), 401, auth.InvalidGrant, true, "not known"},
		{"oversize body (JSON)", pathRefresh, js, "", refreshJSON(big, ""), 413, auth.InvalidRequest, false, "larger than"},
		{"oversize body (XML)", pathRefresh, xm, "", refreshXML(big, ""), 413, auth.InvalidRequest, true, "larger than"},
		{"unsupported content type", pathRefresh, "text/plain", "", "refresh_token=x", 415, auth.InvalidRequest, false, "Content-Type"},
		{"form body, XML asked", pathRefresh, form, "application/xml", "refresh_token=x", 415, auth.InvalidRequest, true, "Content-Type"},
		{"no content type", pathRefresh, "", "", refreshJSON("x", ""), 415, auth.InvalidRequest, false, "Content-Type"},
		{"UTF-16 charset", pathRefresh, js + "; charset=utf-16", "", refreshJSON("x", ""), 415, auth.InvalidRequest, false, "utf-8"},
		{"login missing company", pathLogin, js, "", `{"username":"maria","password":"x"}`, 400, auth.InvalidRequest, false, "company: missing"},
		{"login missing password (XML)", pathLogin, xm, "", strings.Replace(loginXML("demo", testLogin, ""), "<Password></Password>", "", 1), 400, auth.InvalidRequest, true, "Password: missing"},
		{"login XML wrong root", pathLogin, xm, "", refreshXML("x", ""), 400, auth.InvalidRequest, true, "root element must be <ConsincoUserBindingModel>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.post(t, prefixDoc, tc.path, hdr("Content-Type", tc.contentType, "Accept", tc.accept), tc.body)
			if resp.Status != tc.status {
				t.Fatalf("POST %s (%s) = %d %s, want %d", tc.path, tc.name, resp.Status, resp.Body, tc.status)
			}
			e := decodeError(t, resp, tc.wantXML)
			if e.Error != tc.code || !strings.Contains(e.Description, tc.mention) {
				t.Errorf("POST %s (%s) = %+v, want error %q mentioning %q", tc.path, tc.name, e, tc.code, tc.mention)
			}
		})
	}
}

// owinError is the error body in either format.
type owinError struct {
	XMLName     xml.Name `json:"-" xml:"Error"`
	Error       string   `json:"error" xml:"error"`
	Description string   `json:"error_description" xml:"error_description"`
	Reason      string   `json:"reason" xml:"reason"`
}

// decodeError checks the response's format and decodes its error body.
func decodeError(t *testing.T, resp *apptest.Response, wantXML bool) owinError {
	t.Helper()
	var e owinError
	ct := resp.Header.Get("Content-Type")
	if isXML := strings.Contains(ct, "xml"); isXML != wantXML {
		t.Fatalf("Content-Type = %q, want XML: %v\n%s", ct, wantXML, resp.Body)
	}
	var err error
	if wantXML {
		err = xml.Unmarshal(resp.Body, &e)
	} else {
		err = json.Unmarshal(resp.Body, &e)
	}
	if err != nil {
		t.Fatalf("error body does not decode: %v\n%s", err, resp.Body)
	}
	return e
}

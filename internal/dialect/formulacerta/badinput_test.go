package formulacerta_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/keys"
)

// encoders render a binding model's fields in each request format.
var encoders = []struct {
	ct   string
	body func(root string, fields map[string]string) string
}{
	{ctJSON, func(_ string, f map[string]string) string { return jsonBody(f) }},
	{ctXML, xmlBody},
	{ctForm, func(_ string, f map[string]string) string { return formBody(f) }},
}

// badCase is one refused request and the LoginResult it must get.
type badCase struct {
	name   string
	path   string
	ct     string
	accept string
	body   string
	status int
	code   int
}

// TestBadInput is issue 6 acceptance 3: missing fields, malformed bodies,
// forged or non-JWT AccessTokenOld, oversize bodies and unsupported content
// types, in JSON, XML and form. Each gets a LoginResult (Succeeded false,
// an Errors entry, the documented ErrorCode) with 400/401/413/415, never a
// 500, in the format ASP.NET's negotiation picks; and none of them costs the genuine
// refresh token it carries.
func TestBadInput(t *testing.T) {
	env := start(t)
	valid := login(t, env)
	var cases []badCase
	cases = append(cases, fieldCases(t, env, valid)...)
	cases = append(cases, rawCases()...)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.accept != "" {
				h.Set("Accept", tc.accept)
			}
			resp := env.Post(t, tc.path, tc.ct, tc.body, h)
			got := parse(t, resp)
			if resp.Status != tc.status || got.Succeeded || got.ErrorCode != tc.code || len(got.Errors) != 1 || got.Errors[0] == "" {
				t.Errorf("POST %s (%s) = %d %s, want %d ErrorCode %d", tc.path, tc.ct, resp.Status, resp.Body, tc.status, tc.code)
			}
			// ASP.NET's negotiation: Accept when it names JSON or XML, else
			// the request's own format (httpx.Negotiate).
			wantXML := strings.Contains(tc.accept, "xml") || (tc.accept == "" && strings.Contains(tc.ct, "xml"))
			if wantXML != strings.Contains(resp.Header.Get("Content-Type"), "xml") {
				t.Errorf("Content-Type = %q for Accept %q", resp.Header.Get("Content-Type"), tc.accept)
			}
		})
	}
	// Control: the genuine claims re-signed with our key (what the forgeries
	// alter one thing of) and the untouched refresh token still renew.
	signer, err := env.App.Ring.Current(keys.ES256)
	if err != nil {
		t.Fatal(err)
	}
	if resp, got := refresh(t, env, mint(t, signer, claimsOf(t, valid.AccessToken)), valid.RefreshAccessToken); !got.Succeeded {
		t.Errorf("genuine pair after the bad inputs = %d %s, want 200", resp.Status, resp.Body)
	}
}

// fieldCases are the model-level mistakes, each in all three formats.
func fieldCases(t *testing.T, env *apptest.Env, valid result) []badCase {
	type fc struct {
		name   string
		path   string
		fields map[string]string
		status int
		code   int
	}
	rt := valid.RefreshAccessToken
	list := []fc{
		{"refresh: no fields", refreshPath, map[string]string{}, 400, 1},
		{"refresh: missing AccessTokenOld", refreshPath, map[string]string{"AccessTokenRefresh": rt}, 400, 1},
		{"refresh: missing AccessTokenRefresh", refreshPath, map[string]string{"AccessTokenOld": valid.AccessToken}, 400, 1},
		{"refresh: empty AccessTokenOld", refreshPath, map[string]string{"AccessTokenOld": "", "AccessTokenRefresh": rt}, 400, 1},
		{"refresh: malformed refresh token", refreshPath, map[string]string{"AccessTokenOld": valid.AccessToken, "AccessTokenRefresh": "rn_rt_x"}, 401, 8},
		{"login: missing Password", loginPath, map[string]string{"UserName": userLogin}, 400, 1},
		{"login: missing UserName and Email", loginPath, map[string]string{"Password": userPass}, 400, 1},
		{"login: unknown user", loginPath, map[string]string{"Email": "nobody@demo.invalid", "Password": userPass}, 401, 2},
	}
	for _, f := range forgeries(t, env, valid.AccessToken) {
		list = append(list, fc{"refresh: forged AccessTokenOld: " + f.name, refreshPath,
			map[string]string{"AccessTokenOld": f.tok, "AccessTokenRefresh": rt}, 401, 3})
	}
	var out []badCase
	for _, c := range list {
		root := "AccessTokenBindingModel"
		if c.path == loginPath {
			root = "LoginBindingModel"
		}
		for i, e := range encoders {
			accept := ""
			if i == 1 {
				accept = ctXML // XML in, XML out when asked
			}
			out = append(out, badCase{c.name + " (" + e.ct + ")", c.path, e.ct, accept, e.body(root, c.fields), c.status, c.code})
		}
	}
	return out
}

// rawCases are the format-level mistakes: bodies that do not decode.
func rawCases() []badCase {
	ns := `xmlns="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels"`
	big := strings.Repeat("A", 70<<10)
	deep := strings.Repeat("<x>", 100) + strings.Repeat("</x>", 100)
	bad := func(name, ct, body string) badCase { return badCase{name, refreshPath, ct, "", body, 400, 1} }
	return []badCase{
		bad("json: malformed", ctJSON, `{"AccessTokenOld":`),
		bad("json: empty body", ctJSON, ``),
		bad("json: data after the object", ctJSON, `{"AccessTokenOld":"a","AccessTokenRefresh":"b"} {}`),
		bad("json: array", ctJSON, `["a","b"]`),
		bad("json: null", ctJSON, `null`),
		bad("json: number for a string", ctJSON, `{"AccessTokenOld":123,"AccessTokenRefresh":"b"}`),
		bad("json: object for a string", ctJSON, `{"AccessTokenOld":"a","AccessTokenRefresh":{"v":"b"}}`),
		bad("json: member in two spellings", ctJSON, `{"AccessTokenOld":"a","accesstokenold":"b","AccessTokenRefresh":"c"}`),
		bad("json: nulls", ctJSON, `{"AccessTokenOld":null,"AccessTokenRefresh":null}`),
		bad("xml: malformed", ctXML, `<AccessTokenBindingModel `+ns+`><AccessTokenOld>a</AccessTokenOld>`),
		bad("xml: empty body", "text/xml", ``),
		bad("xml: wrong root", ctXML, `<LoginBindingModel `+ns+`><AccessTokenOld>a</AccessTokenOld></LoginBindingModel>`),
		bad("xml: wrong namespace", ctXML, `<AccessTokenBindingModel xmlns="urn:other"><AccessTokenOld>a</AccessTokenOld><AccessTokenRefresh>b</AccessTokenRefresh></AccessTokenBindingModel>`),
		bad("xml: element for a string", ctXML, `<AccessTokenBindingModel `+ns+`><AccessTokenOld><v>a</v></AccessTokenOld><AccessTokenRefresh>b</AccessTokenRefresh></AccessTokenBindingModel>`),
		bad("xml: members in another namespace", ctXML, `<AccessTokenBindingModel `+ns+`><AccessTokenOld xmlns="">a</AccessTokenOld><AccessTokenRefresh xmlns="">b</AccessTokenRefresh></AccessTokenBindingModel>`),
		bad("xml: nil members", ctXML, `<AccessTokenBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" `+ns+`><AccessTokenOld i:nil="true"/><AccessTokenRefresh i:nil="true"/></AccessTokenBindingModel>`),
		bad("xml: deep nesting", ctXML, `<AccessTokenBindingModel `+ns+`><Extra>`+deep+`</Extra></AccessTokenBindingModel>`),
		bad("xml: DTD with entities", ctXML, `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><AccessTokenBindingModel `+ns+`><AccessTokenOld>&lol2;</AccessTokenOld></AccessTokenBindingModel>`),
		bad("xml: two roots", ctXML, `<AccessTokenBindingModel `+ns+`/><AccessTokenBindingModel `+ns+`/>`),
		bad("xml: utf-16 declared", ctXML, `<?xml version="1.0" encoding="utf-16"?><AccessTokenBindingModel `+ns+`/>`),
		bad("form: malformed escape", ctForm, `AccessTokenOld=%zz&AccessTokenRefresh=b`),
		bad("form: duplicate parameter", ctForm, `AccessTokenOld=a&AccessTokenOld=a&AccessTokenRefresh=b`),
		bad("form: duplicate in two spellings", ctForm, `AccessTokenOld=a&accesstokenold=a&AccessTokenRefresh=b`),
		{"json: oversize", refreshPath, ctJSON, "", `{"AccessTokenOld":"` + big + `","AccessTokenRefresh":"b"}`, 413, 1},
		{"xml: oversize", refreshPath, ctXML, ctXML, `<AccessTokenBindingModel ` + ns + `><AccessTokenOld>` + big + `</AccessTokenOld></AccessTokenBindingModel>`, 413, 1},
		{"form: oversize", refreshPath, ctForm, "", `AccessTokenOld=` + big + `&AccessTokenRefresh=b`, 413, 1},
		{"login: oversize", loginPath, ctJSON, "", `{"UserName":"` + big + `"}`, 413, 1},
		{"unsupported: text/plain", refreshPath, "text/plain", "", `AccessTokenOld=a`, 415, 1},
		{"unsupported: multipart", refreshPath, "multipart/form-data; boundary=x", "", "--x--", 415, 1},
		{"unsupported: no Content-Type", refreshPath, "", "", `{"AccessTokenOld":"a","AccessTokenRefresh":"b"}`, 415, 1},
		{"unsupported: garbage Content-Type", refreshPath, "%%%", "text/xml", `{}`, 415, 1},
		{"unsupported: login application/octet-stream", loginPath, "application/octet-stream", "", `x`, 415, 1},
		{"json: wrong type on login", loginPath, ctJSON, ctXML, `{"UserName":["a"],"Password":"b"}`, 400, 1},
	}
}

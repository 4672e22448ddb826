package consinco_test

import (
	"net/http"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestGolden replays seed 001's request samples (and the login samples of
// issue 5) with real values against both spellings and both formats, and
// compares each exchange with its transcript in testdata/ (STYLE.md rule
// 6). Run with -update to rewrite, then read every file.
func TestGolden(t *testing.T) {
	f := start(t)
	xmlIn := func(accept string) http.Header { return hdr("Content-Type", "application/xml", "Accept", accept) }
	jsonIn := func(accept string) http.Header { return hdr("Content-Type", "application/json", "Accept", accept) }
	login := func(body func(c, u, p string) string) func(string) string {
		return func(string) string { return body("demo", testLogin, password) }
	}
	cases := []struct {
		name   string
		prefix string
		path   string
		header http.Header
		body   func(refreshToken string) string
	}{
		{"login_json_documented", prefixDoc, pathLogin, jsonIn("application/json"), login(loginJSON)},
		{"login_xml_documented", prefixDoc, pathLogin, xmlIn("application/xml"), login(loginXML)},
		{"login_json_backing", prefixBacking, pathLogin, jsonIn("application/json"), login(loginJSON)},
		{"login_xml_backing", prefixBacking, pathLogin, hdr("Content-Type", "text/xml"), login(loginXML)},
		{"refresh_json_documented", prefixDoc, pathRefresh, jsonIn("application/json"),
			func(tok string) string { return refreshJSON(tok, "refresh_token") }},
		{"refresh_xml_documented", prefixDoc, pathRefresh, xmlIn("application/xml"),
			func(tok string) string { return refreshXML(tok, "refresh_token") }},
		{"refresh_json_backing", prefixBacking, pathRefresh, hdr("Content-Type", "text/json"),
			func(tok string) string { return refreshJSON(tok, "refresh_token") }},
		{"refresh_xml_backing", prefixBacking, pathRefresh, xmlIn("text/xml"),
			func(tok string) string { return refreshXML(tok, "refresh_token") }},
		{"refresh_xml_in_json_out", prefixDoc, pathRefresh, xmlIn("application/json"),
			func(tok string) string { return refreshXML(tok, "refresh_token") }},
		{"error_seed_sample_json", prefixDoc, pathRefresh, jsonIn(""),
			func(string) string { return refreshJSON("sample string 1", "refresh_token") }},
		{"error_seed_sample_xml", prefixBacking, pathRefresh, xmlIn(""),
			func(string) string { return refreshXML("sample string 1", "sample string 2") }},
		{"error_unsupported_media_type_xml", prefixDoc, pathRefresh, hdr("Content-Type", "text/plain", "Accept", "text/xml"),
			func(tok string) string { return "refresh_token=" + tok }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, _ := f.login(t)["refresh_token"].(string)
			body := tc.body(tok)
			resp := f.post(t, tc.prefix, tc.path, tc.header, body)
			got := apptest.Transcript(http.MethodPost, tc.prefix+tc.path, tc.header, body, resp, "Content-Type", "Cache-Control", "Pragma")
			apptest.Golden(t, "testdata/"+tc.name+".txtar", got)
		})
	}
}

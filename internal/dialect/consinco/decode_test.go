package consinco

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/httpx"
)

// seedRefreshXML is seed 001's XML request sample, verbatim.
const seedRefreshXML = `<ConsincoRefreshTokenBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.datacontract.org/2004/07/AuthenticationServer.Models">
  <ControllerVersion>3</ControllerVersion>
  <GrantType>sample string 2</GrantType>
  <Refreshtoken>sample string 1</Refreshtoken>
</ConsincoRefreshTokenBindingModel>`

// TestDecodeBody checks the decoders on well-formed bodies: the seed's
// samples verbatim, members in any order, unknown members ignored, JSON
// keys in any case, prefixed namespaces and entities.
func TestDecodeBody(t *testing.T) {
	cases := []struct {
		name  string
		xml   bool
		model model
		body  string
		want  map[string]string
	}{
		{"seed XML sample", true, refreshModel, seedRefreshXML,
			map[string]string{"refresh_token": "sample string 1", "grant_type": "sample string 2"}},
		{"seed JSON sample", false, refreshModel, `{"refresh_token": "sample string 1", "grant_type": "sample string 2"}`,
			map[string]string{"refresh_token": "sample string 1", "grant_type": "sample string 2"}},
		{"XML any order, unknown and nested unknown ignored", true, refreshModel,
			`<ConsincoRefreshTokenBindingModel xmlns="` + modelsNS + `"><Extra><Deep>1</Deep></Extra><Refreshtoken>t</Refreshtoken><!-- c --></ConsincoRefreshTokenBindingModel>`,
			map[string]string{"refresh_token": "t"}},
		{"XML prefixed namespace and entities", true, refreshModel,
			`<?xml version="1.0" encoding="utf-8"?><m:ConsincoRefreshTokenBindingModel xmlns:m="` + modelsNS + `"><m:Refreshtoken>a&amp;b&#65;</m:Refreshtoken></m:ConsincoRefreshTokenBindingModel>`,
			map[string]string{"refresh_token": "a&bA"}},
		{"XML member in another namespace is not the member", true, refreshModel,
			`<ConsincoRefreshTokenBindingModel xmlns="` + modelsNS + `"><Refreshtoken xmlns="urn:x">t</Refreshtoken></ConsincoRefreshTokenBindingModel>`,
			map[string]string{}},
		{"JSON keys in any case, unknown keys and nulls", false, loginModel,
			`{"Company":"demo","USERNAME":"maria","password":"pw","extra":{"a":[1,2]},"ControllerVersion":4}`,
			map[string]string{"company": "demo", "username": "maria", "password": "pw"}},
		{"JSON with a byte-order mark", false, refreshModel, "\xEF\xBB\xBF{\"refresh_token\":\"t\"}", map[string]string{"refresh_token": "t"}},
		{"XML with a byte-order mark", true, refreshModel, "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>" + seedRefreshXML,
			map[string]string{"refresh_token": "sample string 1", "grant_type": "sample string 2"}},
		{"JSON null member", false, refreshModel, `{"refresh_token":null}`, map[string]string{}},
		{"login XML", true, loginModel,
			`<ConsincoUserBindingModel xmlns="` + modelsNS + `"><ControllerVersion>4</ControllerVersion><Company>demo</Company><Password>pw</Password><Username>maria</Username></ConsincoUserBindingModel>`,
			map[string]string{"company": "demo", "username": "maria", "password": "pw"}},
	}
	for _, tc := range cases {
		v, err := decodeBody([]byte(tc.body), tc.xml, tc.model)
		if err != nil {
			t.Errorf("decodeBody(%s) = %v", tc.name, err)
			continue
		}
		if len(v.v) != len(tc.want) {
			t.Errorf("decodeBody(%s) = %v, want %v", tc.name, v.v, tc.want)
		}
		for k, want := range tc.want {
			if got := v.get(k); got != want {
				t.Errorf("decodeBody(%s)[%s] = %q, want %q", tc.name, k, got, want)
			}
		}
	}
}

// TestRequestFormat checks the Content-Types seed 001 lists and the 415 for
// the rest.
func TestRequestFormat(t *testing.T) {
	cases := []struct {
		contentType string
		xml         bool
		ok          bool
	}{
		{"application/json", false, true},
		{"text/json", false, true},
		{"Application/JSON; charset=UTF-8", false, true},
		{"application/xml", true, true},
		{"text/xml; charset=utf-8", true, true},
		{"application/x-www-form-urlencoded", false, false},
		{"text/plain", false, false},
		{"", false, false},
		{"application/json; charset=iso-8859-1", false, false},
		{"garbage;;", false, false},
	}
	for _, tc := range cases {
		isXML, err := requestFormat(tc.contentType)
		if tc.ok != (err == nil) || (tc.ok && isXML != tc.xml) {
			t.Errorf("requestFormat(%q) = %v, %v; want xml=%v ok=%v", tc.contentType, isXML, err, tc.xml, tc.ok)
		}
		if de := httpx.IsDecode(err); err != nil && (de == nil || de.Status != http.StatusUnsupportedMediaType) {
			t.Errorf("requestFormat(%q) error = %v, want a 415", tc.contentType, err)
		}
	}
}

// FuzzDecode feeds arbitrary bodies to both decoders in both formats
// (PRODUCT.md §6: decoders fuzzed). A body may be accepted or refused, but
// the decoder never panics, a refusal is always a 400 DecodeError, and an
// accepted body only holds members of its model. Normal runs use the seed
// corpus; fuzz with
// go test ./internal/dialect/consinco/ -run '^$' -fuzz FuzzDecode -fuzztime 30s.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		seedRefreshXML, `{"refresh_token": "sample string 1", "grant_type": "sample string 2"}`, "", "{}", "null", "[]",
		`{"refresh_token": 1}`, `<!DOCTYPE x [<!ENTITY a "b">]><x/>`, "<a><b></a>", strings.Repeat("<x>", 100),
		`<ConsincoUserBindingModel xmlns="` + modelsNS + `"><Company>demo</Company><Company/></ConsincoUserBindingModel>`,
		"<?xml version=\"1.0\" encoding=\"utf-16\"?><a/>", "{\"company\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, m := range []model{refreshModel, loginModel} {
			for _, isXML := range []bool{false, true} {
				v, err := decodeBody(body, isXML, m)
				if err != nil {
					if de := httpx.IsDecode(err); de == nil || de.Status != http.StatusBadRequest || de.Problem == "" {
						t.Fatalf("decodeBody(%q, xml=%v) = %v, want nil or a 400 DecodeError", body, isXML, err)
					}
					continue
				}
				for k := range v.v {
					if !slices.Contains(m.names(func(f field) string { return f.json }), k) {
						t.Fatalf("decodeBody(%q, xml=%v) holds %q, not a member of %s", body, isXML, k, m.root)
					}
				}
			}
		}
	})
}

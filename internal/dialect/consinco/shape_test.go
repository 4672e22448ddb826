package consinco_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// seedJSONKeys are the keys of seed 001's JSON response sample, in order.
var seedJSONKeys = []string{
	"<accessToken>k__BackingField", "<tokenType>k__BackingField", "<expiresIn>k__BackingField",
	"<refreshToken>k__BackingField", "<userName>k__BackingField", "<id>k__BackingField", "<name>k__BackingField",
	"<seqUser>k__BackingField", "<userCode>k__BackingField", "<permissionRole>k__BackingField",
	"<company>k__BackingField", "<companyType>k__BackingField", "<isExt>k__BackingField",
	"<loginId>k__BackingField", "<issued>k__BackingField", "<expires>k__BackingField",
}

// documentedKeys are seed 001's field table ("Descrição dos Recursos"), in
// order.
var documentedKeys = []string{
	"access_token", "token_type", "expires_in", "refresh_token", "username", "id", "name", "userSequence",
	"userCode", "permissionRole", "company", "companyType", "isExt", "loginId", ".issued", ".expires",
}

// seedXMLElements are the children of seed 001's XML TokenResponse sample,
// in order.
var seedXMLElements = []string{
	"_x003C_accessToken_x003E_k__BackingField", "_x003C_companyType_x003E_k__BackingField",
	"_x003C_company_x003E_k__BackingField", "_x003C_expiresIn_x003E_k__BackingField",
	"_x003C_expires_x003E_k__BackingField", "_x003C_id_x003E_k__BackingField",
	"_x003C_isExt_x003E_k__BackingField", "_x003C_issued_x003E_k__BackingField",
	"_x003C_loginId_x003E_k__BackingField", "_x003C_name_x003E_k__BackingField",
	"_x003C_permissionRole_x003E_k__BackingField", "_x003C_refreshToken_x003E_k__BackingField",
	"_x003C_seqUser_x003E_k__BackingField", "_x003C_tokenType_x003E_k__BackingField",
	"_x003C_userCode_x003E_k__BackingField", "_x003C_userName_x003E_k__BackingField",
}

// documentedXMLElements are the documented names as DataContractSerializer
// would write them: XmlConvert-encoded ('.' → _x002E_), sorted ordinally.
var documentedXMLElements = []string{
	"_x002E_expires", "_x002E_issued", "access_token", "company", "companyType", "expires_in", "id", "isExt",
	"loginId", "name", "permissionRole", "refresh_token", "token_type", "userCode", "userSequence", "username",
}

// seedDate is the shape of the seed's dates: 2021-01-28T10:31:08.8943474-03:00.
var seedDate = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}[+-]\d\d:\d\d$`)

// TestJSONShape checks the JSON TokenResponse of each spelling key by key,
// in order, against the seed, and the member types (expires_in a string,
// id and userSequence integers, isExt a boolean, dates like the seed's).
func TestJSONShape(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		name   string
		prefix string
		keys   []string
	}{{"documented", prefixDoc, documentedKeys}, {"backing-field", prefixBacking, seedJSONKeys}} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.post(t, tc.prefix, pathLogin, hdr("Content-Type", "application/json"), loginJSON("demo", testLogin, password))
			if resp.Status != http.StatusOK {
				t.Fatalf("login = %d %s", resp.Status, resp.Body)
			}
			if got := jsonKeys(t, resp.Body); !slices.Equal(got, tc.keys) {
				t.Errorf("keys = %q\nwant %q", got, tc.keys)
			}
			m := decodeJSON(t, resp)
			kinds := map[int]string{2: "string", 5: "number", 7: "number", 12: "bool", 14: "date", 15: "date"}
			for i, k := range tc.keys {
				checkKind(t, k, m[k], kinds[i])
			}
		})
	}
}

// checkKind checks one JSON member's type ("" means any string).
func checkKind(t *testing.T, k string, v any, kind string) {
	t.Helper()
	ok := false
	switch kind {
	case "number":
		_, ok = v.(float64)
	case "bool":
		_, ok = v.(bool)
	case "date":
		s, _ := v.(string)
		ok = seedDate.MatchString(s)
	default:
		_, ok = v.(string)
	}
	if !ok {
		t.Errorf("%s = %#v, want a %s", k, v, kind)
	}
}

// jsonKeys returns the top-level keys of a JSON object in document order.
func jsonKeys(t *testing.T, body []byte) []string {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(body))
	if _, err := d.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for d.More() {
		k, err := d.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := d.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestXMLShape parses the XML TokenResponse of each spelling with a
// namespace-aware decoder and checks the root and every child's name and
// namespace, in order, against the seed, and the values' types.
func TestXMLShape(t *testing.T) {
	f := start(t)
	for _, tc := range []struct {
		name     string
		prefix   string
		elements []string
		id       string
		ext      string
		issued   string
	}{
		{"documented", prefixDoc, documentedXMLElements, "userSequence", "isExt", "_x002E_issued"},
		{"backing-field", prefixBacking, seedXMLElements, "_x003C_seqUser_x003E_k__BackingField",
			"_x003C_isExt_x003E_k__BackingField", "_x003C_issued_x003E_k__BackingField"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.post(t, tc.prefix, pathLogin, hdr("Content-Type", "application/xml", "Accept", "application/xml"),
				loginXML("demo", testLogin, password))
			if resp.Status != http.StatusOK {
				t.Fatalf("login = %d %s", resp.Status, resp.Body)
			}
			doc := parseXML(t, resp.Body)
			if want := (xml.Name{Space: dtoNS, Local: "TokenResponse"}); doc.root != want {
				t.Errorf("root = %v, want %v", doc.root, want)
			}
			var want []xml.Name
			for _, e := range tc.elements {
				want = append(want, xml.Name{Space: dtoNS, Local: e})
			}
			if !slices.Equal(doc.children, want) {
				t.Errorf("children = %v\nwant %v", doc.children, want)
			}
			if _, err := strconv.ParseInt(doc.text[tc.id], 10, 64); err != nil {
				t.Errorf("%s = %q, want an integer", tc.id, doc.text[tc.id])
			}
			if _, err := strconv.ParseBool(doc.text[tc.ext]); err != nil {
				t.Errorf("%s = %q, want a boolean", tc.ext, doc.text[tc.ext])
			}
			if !seedDate.MatchString(doc.text[tc.issued]) {
				t.Errorf("%s = %q, want a date like the seed's", tc.issued, doc.text[tc.issued])
			}
		})
	}
}

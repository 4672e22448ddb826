package httpx

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	testNS  = "urn:renova:test"
	xsiDecl = `xmlns:i="http://www.w3.org/2001/XMLSchema-instance"`
)

// tokenModel is flat like the .NET binding models: a root in a
// data-contract namespace and text members.
var (
	tokenModel = XMLModel{Root: "TokenModel", Namespace: testNS, Members: []string{"UserName", "Password", "grant_type"}}
	bareModel  = XMLModel{Root: "TokenModel", Namespace: testNS, Bare: true, Members: []string{"UserName", "Password", "grant_type"}}
)

// doc wraps inner in the model's root with its namespace and xsi prefix.
func doc(inner string) string {
	return `<TokenModel xmlns="` + testNS + `" ` + xsiDecl + `>` + inner + `</TokenModel>`
}

func TestDecodeXML(t *testing.T) {
	up := map[string]string{"UserName": "u", "Password": "p"}
	for _, tc := range []struct {
		name    string
		body    string
		model   XMLModel
		want    map[string]string // nil when refused
		field   string            // refusal's Field
		problem string            // a substring of the refusal's Problem
	}{
		// members
		{"in order", doc(`<UserName>u</UserName><Password>p</Password><grant_type>password</grant_type>`), tokenModel,
			map[string]string{"UserName": "u", "Password": "p", "grant_type": "password"}, "", ""},
		{"any order", doc(`<grant_type>password</grant_type><Password>p</Password><UserName>u</UserName>`), tokenModel,
			map[string]string{"UserName": "u", "Password": "p", "grant_type": "password"}, "", ""},
		{"subset", doc(`<Password>p</Password>`), tokenModel, map[string]string{"Password": "p"}, "", ""},
		{"empty root", `<TokenModel xmlns="` + testNS + `"/>`, tokenModel, map[string]string{}, "", ""},
		{"empty members present", doc(`<UserName/><Password></Password>`), tokenModel, map[string]string{"UserName": "", "Password": ""}, "", ""},
		{"text kept as written", doc("<UserName> u \n</UserName>"), tokenModel, map[string]string{"UserName": " u \n"}, "", ""},
		{"entities and character references", doc(`<UserName>a&amp;b&lt;&#233;&#x41;</UserName>`), tokenModel, map[string]string{"UserName": "a&b<éA"}, "", ""},
		{"CDATA", doc(`<Password><![CDATA[<p&>]]></Password>`), tokenModel, map[string]string{"Password": "<p&>"}, "", ""},
		{"member attributes ignored", doc(`<UserName lang="pt">u</UserName>`), tokenModel, map[string]string{"UserName": "u"}, "", ""},
		{"prefixed member in the root namespace", doc(`<m:UserName xmlns:m="` + testNS + `">u</m:UserName>`), tokenModel, map[string]string{"UserName": "u"}, "", ""},
		{"prefixed root", `<m:TokenModel xmlns:m="` + testNS + `"><m:UserName>u</m:UserName><UserName>other</UserName></m:TokenModel>`, tokenModel,
			map[string]string{"UserName": "u"}, "", ""},

		// i:nil
		{"nil member absent", doc(`<UserName i:nil="true"/><Password>p</Password>`), tokenModel, map[string]string{"Password": "p"}, "", ""},
		{"nil member with text absent", doc(`<UserName i:nil="true">x</UserName>`), tokenModel, map[string]string{}, "", ""},
		{"nil=1 absent", doc(`<UserName i:nil="1"/>`), tokenModel, map[string]string{}, "", ""},
		{"nil=false present", doc(`<UserName i:nil="false">u</UserName>`), tokenModel, map[string]string{"UserName": "u"}, "", ""},
		{"nil in another namespace is an attribute", doc(`<UserName xmlns:j="urn:x" j:nil="true">u</UserName>`), tokenModel, map[string]string{"UserName": "u"}, "", ""},

		// unknown members
		{"unknown member skipped", doc(`<Extra>x</Extra><UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"unknown nested member skipped", doc(`<UserName>u</UserName><Extra><a><b>c</b><UserName>no</UserName></a></Extra><Password>p</Password>`), tokenModel, up, "", ""},
		{"member names are case-sensitive", doc(`<username>x</username><UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"member in another namespace ignored", doc(`<UserName xmlns="urn:other">x</UserName><UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"member with no namespace ignored", doc(`<UserName xmlns="">x</UserName><UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"element content in another namespace ignored", doc(`<o:UserName xmlns:o="urn:other"><deep/></o:UserName><UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},

		// prolog, comments, processing instructions, BOM
		{"declaration", `<?xml version="1.0" encoding="utf-8"?>` + doc(`<UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"declaration upper case UTF-8", `<?xml version="1.0" encoding="UTF-8"?>` + doc(`<UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"BOM", "\xEF\xBB\xBF" + `<?xml version="1.0"?>` + doc(`<UserName>u</UserName><Password>p</Password>`), tokenModel, up, "", ""},
		{"comments and PIs everywhere", "<!-- a -->\n<?pi x?>" + doc(`<!--b--><?pi?><UserName>u<!--c-->v</UserName><Password><?pi?>p</Password>`) + "\n<!-- d --><?pi y?>\n", tokenModel,
			map[string]string{"UserName": "uv", "Password": "p"}, "", ""},
		{"whitespace around", "\n\t " + doc("\n  <UserName>u</UserName>\n  <Password>p</Password>\n") + "\r\n", tokenModel, up, "", ""},

		// the root
		{"bare root with Bare", `<TokenModel><UserName>u</UserName><Password>p</Password></TokenModel>`, bareModel, up, "", ""},
		{"bare root ignores namespaced members", `<TokenModel><UserName xmlns="` + testNS + `">x</UserName><UserName>u</UserName></TokenModel>`, bareModel,
			map[string]string{"UserName": "u"}, "", ""},
		{"namespaced root with Bare", doc(`<UserName>u</UserName><Password>p</Password>`), bareModel, up, "", ""},
		{"bare root without Bare", `<TokenModel><UserName>u</UserName></TokenModel>`, tokenModel, nil, "", "root element"},
		{"wrong root", `<Other xmlns="` + testNS + `"><UserName>u</UserName></Other>`, tokenModel, nil, "", "root element"},
		{"root name is case-sensitive", `<tokenmodel xmlns="` + testNS + `"/>`, tokenModel, nil, "", "root element"},
		{"wrong namespace", `<TokenModel xmlns="urn:other"><UserName>u</UserName></TokenModel>`, tokenModel, nil, "", "root element"},
		{"wrong namespace with Bare", `<TokenModel xmlns="urn:other"><UserName>u</UserName></TokenModel>`, bareModel, nil, "", "root element"},
		{"undeclared prefix", `<m:TokenModel/>`, bareModel, nil, "", ""},

		// member content
		{"duplicate member", doc(`<UserName>a</UserName><UserName>b</UserName>`), tokenModel, nil, "UserName", "more than once"},
		{"duplicate after nil", doc(`<UserName i:nil="true"/><UserName>b</UserName>`), tokenModel, nil, "UserName", "more than once"},
		{"duplicate through a prefix", doc(`<UserName>a</UserName><m:UserName xmlns:m="` + testNS + `">b</m:UserName>`), tokenModel, nil, "UserName", "more than once"},
		{"element in member", doc(`<UserName><first>u</first></UserName>`), tokenModel, nil, "UserName", "must be text"},
		{"empty element in member", doc(`<Password>p<br/></Password>`), tokenModel, nil, "Password", "must be text"},
		{"text between members", doc(`hello<UserName>u</UserName>`), tokenModel, nil, "", "unexpected text"},
		{"text at the end of the root", doc(`<UserName>u</UserName>bye`), tokenModel, nil, "", "unexpected text"},

		// document structure
		{"text before root", `hello` + doc(``), tokenModel, nil, "", "text before the root"},
		{"two roots", doc(`<UserName>u</UserName>`) + doc(`<UserName>v</UserName>`), tokenModel, nil, "", "more than one root"},
		{"other element after root", doc(``) + `<x/>`, tokenModel, nil, "", "more than one root"},
		{"text after root", doc(`<UserName>u</UserName>`) + `trailing`, tokenModel, nil, "", "text after the root"},
		{"mismatched end tag", doc(`<UserName>u</Password>`), tokenModel, nil, "", "malformed"},
		{"JSON body", `{"UserName":"u"}`, tokenModel, nil, "", ""},
		{"invalid UTF-8", doc("<UserName>\xff</UserName>"), tokenModel, nil, "", "malformed"},
		{"attribute without value", `<TokenModel xmlns="` + testNS + `" a/>`, tokenModel, nil, "", "malformed"},
		{"unknown entity", doc(`<UserName>&x;</UserName>`), tokenModel, nil, "", "malformed"},

		// truncated
		{"empty", ``, tokenModel, nil, "", "malformed"},
		{"only BOM", "\xEF\xBB\xBF", tokenModel, nil, "", "malformed"},
		{"only declaration", `<?xml version="1.0"?>`, tokenModel, nil, "", "malformed"},
		{"only comment", `<!-- c -->`, tokenModel, nil, "", "malformed"},
		{"cut in a start tag", `<TokenModel xmlns="` + testNS, tokenModel, nil, "", "malformed"},
		{"cut after root start", `<TokenModel xmlns="` + testNS + `">`, tokenModel, nil, "", "malformed"},
		{"cut in a member", `<TokenModel xmlns="` + testNS + `"><UserName>u`, tokenModel, nil, "", "malformed"},
		{"cut after a member", `<TokenModel xmlns="` + testNS + `"><UserName>u</UserName>`, tokenModel, nil, "", "malformed"},
		{"cut in an unknown member", `<TokenModel xmlns="` + testNS + `"><Extra><a>`, tokenModel, nil, "", "malformed"},
		{"cut in the end tag", `<TokenModel xmlns="` + testNS + `"></TokenMod`, tokenModel, nil, "", "malformed"},

		// encodings: only UTF-8 is read
		{"utf-16 declared", `<?xml version="1.0" encoding="utf-16"?>` + doc(``), tokenModel, nil, "", "malformed XML: only UTF-8 is accepted"},
		{"latin-1 declared", `<?xml version="1.0" encoding="ISO-8859-1"?>` + doc(``), tokenModel, nil, "", "malformed XML: only UTF-8 is accepted"},
		{"utf-16 body", "\xFF\xFE<\x00T\x00/\x00>\x00", tokenModel, nil, "", "malformed"},

		// directives: no DOCTYPE, so no entity can be declared or expanded
		{"doctype", `<!DOCTYPE TokenModel>` + doc(``), tokenModel, nil, "", "DOCTYPE"},
		{"billion laughs", `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>` + doc(`<UserName>&lol9;</UserName>`), tokenModel, nil, "", "DOCTYPE"},
		{"external entity", `<!DOCTYPE TokenModel [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + doc(`<UserName>&xxe;</UserName>`), tokenModel, nil, "", "DOCTYPE"},
		{"doctype after root", doc(``) + `<!DOCTYPE x>`, tokenModel, nil, "", "DOCTYPE"},
		{"directive inside root", doc(`<!ENTITY x "y">`), tokenModel, nil, "", "DOCTYPE"},
	} {
		got, err := DecodeXML([]byte(tc.body), tc.model)
		if tc.want != nil {
			if err != nil || !maps.Equal(got, tc.want) {
				t.Errorf("DecodeXML(%q) [%s] = %v, %v, want %v", tc.body, tc.name, got, err, tc.want)
			}
			continue
		}
		if err == nil {
			t.Errorf("DecodeXML(%q) [%s] = %v, nil, want refused", tc.body, tc.name, got)
			continue
		}
		de := checkRefusal(t, "DecodeXML("+tc.name+")", err)
		if de == nil {
			continue
		}
		if de.Field != tc.field || !strings.Contains(de.Problem, tc.problem) {
			t.Errorf("DecodeXML(%q) [%s] = %+v, want field %q and problem containing %q", tc.body, tc.name, de, tc.field, tc.problem)
		}
	}
}

// nested is a document depth elements deep: the root (depth 1), an
// unknown member (depth 2), then depth-2 levels of <x>.
func nested(depth int) string {
	return doc(`<Extra>` + strings.Repeat("<x>", depth-2) + strings.Repeat("</x>", depth-2) + `</Extra><UserName>u</UserName>`)
}

func TestDecodeXMLDepth(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		ok   bool
	}{
		{"member only", nested(2), true},
		{"depth 3", nested(3), true},
		{"one under the bound", nested(MaxXMLDepth - 1), true},
		{"at the bound", nested(MaxXMLDepth), true},
		{"one past the bound", nested(MaxXMLDepth + 1), false},
		{"two past the bound", nested(MaxXMLDepth + 2), false},
		{"past the bound in another namespace",
			doc(`<o:Extra xmlns:o="urn:other">` + strings.Repeat("<x>", MaxXMLDepth-1) + strings.Repeat("</x>", MaxXMLDepth-1) + `</o:Extra>`), false},
		{"past the bound inside a member's namesake",
			doc(`<UserName xmlns="urn:other">` + strings.Repeat("<x>", MaxXMLDepth-1) + strings.Repeat("</x>", MaxXMLDepth-1) + `</UserName>`), false},
		{"deep but with siblings only", doc(strings.Repeat(`<Extra><x/></Extra>`, 1000) + `<UserName>u</UserName>`), true},
	} {
		got, err := DecodeXML([]byte(tc.body), tokenModel)
		if tc.ok {
			if err != nil || got["UserName"] != "u" {
				t.Errorf("DecodeXML(%s) = %v, %v, want accepted", tc.name, got, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("DecodeXML(%s) = %v, nil, want refused past depth %d", tc.name, got, MaxXMLDepth)
			continue
		}
		if de := checkRefusal(t, "DecodeXML("+tc.name+")", err); de != nil && !strings.Contains(de.Problem, "nested deeper") {
			t.Errorf("DecodeXML(%s) problem = %q, want the depth refusal", tc.name, de.Problem)
		}
	}
}

// TestDecodeXMLMillionNested: a body of a million open elements is
// refused at the depth bound, without walking the rest of it.
func TestDecodeXMLMillionNested(t *testing.T) {
	const n = 1_000_000
	body := []byte(`<TokenModel xmlns="` + testNS + `">` + strings.Repeat("<x>", n) + strings.Repeat("</x>", n) + `</TokenModel>`)
	start := time.Now()
	got, err := DecodeXML(body, tokenModel)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatalf("DecodeXML(%d nested) = %v, nil, want refused", n, got)
	}
	if de := checkRefusal(t, "DecodeXML(million nested)", err); de != nil && !strings.Contains(de.Problem, "nested deeper") {
		t.Errorf("DecodeXML(%d nested) problem = %q, want the depth refusal", n, de.Problem)
	}
	// Stopping at the bound reads a few hundred bytes; the bound is loose
	// so a busy machine does not fail it, yet far under walking 7 MB.
	if elapsed > 2*time.Second {
		t.Errorf("DecodeXML(%d nested) took %v, want a quick refusal", n, elapsed)
	}
}

func FuzzDecodeXML(f *testing.F) {
	for _, seed := range []string{
		doc(`<UserName>u</UserName><Password>p</Password><grant_type>password</grant_type>`),
		doc(`<UserName i:nil="true"/><Extra><a><b/></a></Extra>`),
		`<TokenModel><UserName>u</UserName></TokenModel>`,
		"\xEF\xBB\xBF<?xml version=\"1.0\"?><!--c-->" + doc(`<?pi?><Password><![CDATA[x]]></Password>`),
		doc(`<UserName>a</UserName><UserName>b</UserName>`),
		doc(`<UserName><x/></UserName>`),
		`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`,
		`<?xml version="1.0" encoding="utf-16"?><a/>`,
		nested(MaxXMLDepth), nested(MaxXMLDepth + 1),
		doc(``) + doc(``), doc(``) + `x`, `x` + doc(``),
		`<TokenModel xmlns="` + testNS, ``, `<`, `<a:b xmlns:a="">`,
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, bare bool) {
		m := tokenModel
		m.Bare = bare
		got, err := DecodeXML(body, m)
		if err != nil {
			de, ok := err.(*DecodeError)
			if !ok || de.Status != http.StatusBadRequest || de.Problem == "" {
				t.Fatalf("DecodeXML(%q) error = %#v, want a 400 *DecodeError with a problem", body, err)
			}
			return
		}
		if got == nil {
			t.Fatalf("DecodeXML(%q) = nil, nil", body)
		}
		for k := range got {
			if !slices.Contains(m.Members, k) {
				t.Fatalf("DecodeXML(%q) = %v: %q is not a member of the model", body, got, k)
			}
		}
	})
}

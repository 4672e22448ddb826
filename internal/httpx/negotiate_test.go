package httpx

import (
	"fmt"
	"net/http"
	"testing"
)

// The negotiator must answer as ASP.NET Web API's DefaultContentNegotiator
// does with its default formatters: JSON (application/json, text/json)
// registered before XML (application/xml, text/xml). The expected answers
// below are worked out by hand from these rules, not from Negotiate:
//
//  1. the best Accept match by q among the served types; on equal q a
//     literal media type beats type/*, which beats */*; on a full tie JSON
//     (the first formatter) wins; each formatter answers with the first of
//     its supported types that the Accept entries, sorted by q and then
//     specificity, admit;
//  2. if no Accept entry admits a served type, the request's Content-Type
//     when it is one of the four (parameters ignored, any case);
//  3. else application/json.
//
// X-Requested-With: XMLHttpRequest with Accept absent or exactly one entry
// */* answers application/json (Web API's XmlHttpRequestHeaderMapping).

const (
	appJSON  = "application/json"
	textJSON = "text/json"
	appXML   = "application/xml"
	textXML  = "text/xml"
)

// acceptCase is one Accept header and the answer rule 1 alone gives for it.
type acceptCase struct {
	name   string
	accept []string // header lines; nil means no Accept header
	// byAccept is the media type rule 1 picks, or "" when no entry admits
	// any served type (rules 2 and 3 then decide).
	byAccept string
	// xhrDefault is true when the Accept header is absent or is exactly
	// one entry */*, so XMLHttpRequest forces JSON.
	xhrDefault bool
}

var acceptCases = []acceptCase{
	{"absent", nil, "", true},
	{"all", []string{"*/*"}, appJSON, true}, // both */* q=1: tie, JSON first
	{"html", []string{"text/html"}, "", false},
	{"app xml", []string{"application/xml"}, appXML, false},
	{"text xml", []string{"text/xml"}, textXML, false},
	{"text json", []string{"text/json"}, textJSON, false},
	{"app json", []string{"application/json"}, appJSON, false},
	{"xml q.5 json", []string{"application/xml;q=0.5, application/json"}, appJSON, false},
	{"json q.4 text xml q.9", []string{"application/json;q=0.4, text/xml;q=0.9"}, textXML, false},
	{"xml and json equal q", []string{"application/xml, application/json"}, appJSON, false}, // literal tie: JSON first
	// JSON is matched by */* at q=0.1; XML's best entry is also */* at
	// q=0.1 (sorted before application/xml;q=0.05): a tie, JSON first.
	{"all q.1 xml q.05", []string{"*/*;q=0.1, application/xml;q=0.05"}, appJSON, false},
	{"text range", []string{"text/*"}, textJSON, false}, // JSON answers its first type text/* admits
	{"application range", []string{"application/*"}, appJSON, false},
	{"png", []string{"image/png"}, "", false},
	// With X-Requested-With: XMLHttpRequest this Accept is present and is
	// not */*, so the XHR mapping must not fire and the request's
	// Content-Type decides (rule 2), as in Web API, where Accept.Count is
	// 1 even though the one entry has q=0.
	{"xml q0", []string{"application/xml;q=0"}, "", false},
	{"garbage then text xml", []string{"garbage;;, text/xml"}, textXML, false},
	// Chrome: JSON only through */* q=0.8, XML literally at q=0.9.
	{"browser", []string{"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, appXML, false},
}

// contentCase is one request Content-Type and the answer rule 2 gives.
type contentCase struct {
	name        string
	contentType string // "" means no Content-Type header
	byContent   string // "" when it is not one of the four served types
}

var contentCases = []contentCase{
	{"none", "", ""},
	{"app json", "application/json", appJSON},
	{"text json", "text/json", textJSON},
	{"app xml", "application/xml", appXML},
	{"text xml charset", "text/xml; charset=utf-8", textXML},
	{"form", "application/x-www-form-urlencoded", ""},
	{"APP XML upper", "APPLICATION/XML", appXML},
}

// expectedFormat applies the three rules and the XHR mapping literally.
func expectedFormat(a acceptCase, c contentCase, xhr bool) string {
	switch {
	case xhr && a.xhrDefault:
		return appJSON
	case a.byAccept != "":
		return a.byAccept
	case c.byContent != "":
		return c.byContent
	}
	return appJSON
}

func isXMLType(mediaType string) bool { return mediaType == appXML || mediaType == textXML }

func negotiateHeader(accept []string, contentType string, xhr bool) http.Header {
	h := http.Header{}
	for _, a := range accept {
		h.Add("Accept", a)
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if xhr {
		h.Set("X-Requested-With", "XMLHttpRequest")
	}
	return h
}

// TestNegotiateMatrix is the table: every Accept value crossed
// with every request Content-Type, with and without XMLHttpRequest.
func TestNegotiateMatrix(t *testing.T) {
	for _, a := range acceptCases {
		for _, c := range contentCases {
			for _, xhr := range []bool{false, true} {
				name := fmt.Sprintf("accept=%s/ct=%s/xhr=%v", a.name, c.name, xhr)
				t.Run(name, func(t *testing.T) {
					h := negotiateHeader(a.accept, c.contentType, xhr)
					got := Negotiate(h)
					want := expectedFormat(a, c, xhr)
					if got.MediaType != want {
						t.Errorf("Negotiate(Accept=%q, Content-Type=%q, XHR=%v) = %q, want %q",
							a.accept, c.contentType, xhr, got.MediaType, want)
					}
					if got.XML != isXMLType(got.MediaType) {
						t.Errorf("Negotiate(Accept=%q, Content-Type=%q, XHR=%v) = %+v: XML flag disagrees with media type",
							a.accept, c.contentType, xhr, got)
					}
				})
			}
		}
	}
}

// TestNegotiateRules pins single rules with cases the matrix does not
// reach: the literal > type/* > */* order at equal q, several Accept
// lines, case, bad q-values and the XHR header's spelling.
func TestNegotiateRules(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header http.Header
		want   string
	}{
		{"literal xml beats all range at equal q",
			http.Header{"Accept": {"*/*;q=0.8, application/xml;q=0.8"}}, appXML},
		{"literal text xml beats application range at equal q",
			http.Header{"Accept": {"application/*;q=0.8, text/xml;q=0.8"}}, textXML},
		{"literal json beats text range at equal q",
			http.Header{"Accept": {"text/*;q=0.8, application/json;q=0.8"}}, appJSON},
		{"type/* sorted before */* at equal q",
			http.Header{"Accept": {"*/*;q=0.5, text/*;q=0.5"}}, textJSON},
		{"formatter answers the type its best entry admits",
			http.Header{"Accept": {"text/*;q=0.9, application/json;q=0.3"}}, textJSON},
		{"higher q wins over the first formatter",
			http.Header{"Accept": {"application/json;q=0.5, application/xml;q=0.6"}}, appXML},
		{"xml literal q1 beats json range q.9",
			http.Header{"Accept": {"text/*;q=0.9, application/xml"}}, appXML},
		{"accept order does not break a literal tie",
			http.Header{"Accept": {"text/xml, application/json"}}, appJSON},
		{"equal q below one still ties to JSON",
			http.Header{"Accept": {"application/xml;q=0.5, text/json;q=0.5"}}, textJSON},
		{"two Accept lines are one list",
			http.Header{"Accept": {"application/xml;q=0.5", "application/json"}}, appJSON},
		{"two Accept lines, xml better",
			http.Header{"Accept": {"application/json;q=0.2", "text/xml"}}, textXML},
		{"accept case ignored",
			http.Header{"Accept": {"APPLICATION/XML"}}, appXML},
		{"accept parameters ignored",
			http.Header{"Accept": {"application/xml; charset=utf-8"}}, appXML},
		{"q over one is unusable, falls to content type",
			http.Header{"Accept": {"application/json;q=1.5"}, "Content-Type": {"text/xml"}}, textXML},
		{"q garbage is unusable, falls to json",
			http.Header{"Accept": {"application/xml;q=abc"}}, appJSON},
		{"q=0 entry ignored next to a usable one",
			http.Header{"Accept": {"application/json;q=0, text/xml"}}, textXML},
		{"bad range */json skipped",
			http.Header{"Accept": {"*/json"}, "Content-Type": {"application/xml"}}, appXML},
		{"empty accept line counts as absent",
			http.Header{"Accept": {""}, "Content-Type": {"text/xml"}}, textXML},
		{"accept beats content type",
			http.Header{"Accept": {"application/json"}, "Content-Type": {"application/xml"}}, appJSON},
		{"content type with odd spacing",
			http.Header{"Content-Type": {"Text/Xml ;Charset=UTF-8"}}, textXML},
		{"xhr with */* and q",
			http.Header{"Accept": {"*/*;q=0.5"}, "Content-Type": {"application/xml"}, "X-Requested-With": {"XMLHttpRequest"}}, appJSON},
		{"xhr value case ignored",
			http.Header{"Content-Type": {"text/xml"}, "X-Requested-With": {"xmlhttprequest"}}, appJSON},
		{"xhr loses to an explicit accept",
			http.Header{"Accept": {"text/xml"}, "X-Requested-With": {"XMLHttpRequest"}}, textXML},
		{"xhr with two accept entries is not the default mapping",
			http.Header{"Accept": {"*/*, text/xml"}, "X-Requested-With": {"XMLHttpRequest"}}, textXML},
		{"other X-Requested-With is ignored",
			http.Header{"Content-Type": {"application/xml"}, "X-Requested-With": {"fetch"}}, appXML},
	} {
		got := Negotiate(tc.header)
		if got.MediaType != tc.want || got.XML != isXMLType(tc.want) {
			t.Errorf("Negotiate(%q) [%s] = %+v, want %q", tc.header, tc.name, got, tc.want)
		}
	}
}

package server_test

import (
	"encoding/json"
	"encoding/xml"
	"mime"
	"net/http"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// dotNetEndpoint is one endpoint of a dialect whose vendor ran ASP.NET Web
// API, with a request body of each format that the dialect refuses with a
// 400 (a required member is missing), so the cross below costs no password
// hash and trips no login throttle.
type dotNetEndpoint struct {
	name      string
	path      string
	json, xml string
}

// dotNetEndpoints are Consinco's and FormulaCerta's login endpoints under
// the default mounts.
var dotNetEndpoints = []dotNetEndpoint{
	{"consinco", "/consinco/api/v1/auth/login", `{"company":"demo","username":"nobody"}`,
		`<ConsincoUserBindingModel xmlns="http://schemas.datacontract.org/2004/07/AuthenticationServer.Models">` +
			`<Company>demo</Company><Username>nobody</Username></ConsincoUserBindingModel>`},
	{"formulacerta", "/formulacerta/api/v2/account/login", `{"UserName":"nobody"}`,
		`<LoginBindingModel xmlns="http://schemas.datacontract.org/2004/07/FormulaCertaAPI.Models.v2.BindingModels">` +
			`<UserName>nobody</UserName></LoginBindingModel>`},
}

// fromRequest marks an Accept value that names none of the served types:
// the answer then takes the request's own media type.
const fromRequest = "the request's type"

// TestDotNetNegotiation crosses Accept values with request content types on
// both .NET dialects through the real server and checks the answer's
// Content-Type and that its body parses in that format. The expectations
// are ASP.NET Web API's DefaultContentNegotiator, written out by hand: the
// best Accept match by q (JSON first on a tie); if Accept admits none of
// application/json, text/json, application/xml, text/xml, the request's
// Content-Type.
func TestDotNetNegotiation(t *testing.T) {
	env := apptest.Start(t, apptest.Options{})
	accepts := []struct{ accept, want string }{
		{"", fromRequest},
		{"*/*", "application/json"},
		{"text/html", fromRequest},
		{"application/xml", "application/xml"},
		{"text/xml", "text/xml"},
		{"text/json", "text/json"},
		{"text/*", "text/json"},
		{"application/json;q=0.4, text/xml;q=0.9", "text/xml"},
		{"application/xml, application/json", "application/json"},
		{"*/*;q=0.1, application/xml;q=0.05", "application/json"},
		{"application/xml;q=0", fromRequest},
	}
	contentTypes := []struct{ header, mediaType string }{
		{"application/json", "application/json"},
		{"text/json", "text/json"},
		{"application/xml", "application/xml"},
		{"text/xml; charset=utf-8", "text/xml"},
	}
	for _, ep := range dotNetEndpoints {
		for _, ct := range contentTypes {
			body := ep.json
			if ct.mediaType == "application/xml" || ct.mediaType == "text/xml" {
				body = ep.xml
			}
			for _, a := range accepts {
				h := http.Header{}
				if a.accept != "" {
					h.Set("Accept", a.accept)
				}
				want := a.want
				if want == fromRequest {
					want = ct.mediaType
				}
				resp := env.Post(t, ep.path, ct.header, body, h)
				got, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type"))
				if err != nil || got != want || resp.Status != http.StatusBadRequest {
					t.Errorf("%s: POST Content-Type %q, Accept %q = %d %q, want 400 %q", ep.name, ct.header, a.accept,
						resp.Status, resp.Header.Get("Content-Type"), want)
					continue
				}
				if err := parses(want, resp.Body); err != nil {
					t.Errorf("%s: Content-Type %q, Accept %q: body %q does not parse as %s: %v", ep.name, ct.header, a.accept, resp.Body, want, err)
				}
			}
		}
	}
}

// parses checks that body is well-formed in the format of mediaType.
func parses(mediaType string, body []byte) error {
	var v any
	if mediaType == "application/json" || mediaType == "text/json" {
		return json.Unmarshal(body, &v)
	}
	var x struct{ XMLName xml.Name }
	return xml.Unmarshal(body, &x)
}

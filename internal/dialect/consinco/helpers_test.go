package consinco_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"github.com/renova-auth/renova/internal/auth"
	"net/http"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// Mount prefixes: the documented spelling (the default mount's settings)
// and a second mount of the same client with the backing-field spelling.
const (
	prefixDoc     = "/consinco"
	prefixBacking = "/consinco-bf"
	pathLogin     = "/api/v1/auth/login"
	pathRefresh   = "/api/v1/auth/refresh-token"
	password      = "correct-horse-1"
	testLogin     = "maria"
)

// Namespaces of seed 001.
const (
	modelsNS = "http://schemas.datacontract.org/2004/07/AuthenticationServer.Models"
	dtoNS    = "http://schemas.datacontract.org/2004/07/Kike.Security.Data.Dto"
)

// mounts are the two Consinco mounts every test starts with.
var mounts = []string{
	"dialect=consinco,prefix=" + prefixDoc + ",tenant=demo,client=consinco-client",
	"dialect=consinco,prefix=" + prefixBacking + ",tenant=demo,client=consinco-client,spelling=backing-field",
}

// fixture is a running renova with the Consinco mounts and a test user.
type fixture struct {
	env    *apptest.Env
	tenant *auth.Tenant
	user   *auth.User
}

// start boots a real renova (SQLite, HTTP server, fake clock) and creates
// user maria in the demo tenant with every field the TokenResponse shows.
func start(t *testing.T) *fixture {
	t.Helper()
	env := apptest.Start(t, apptest.Options{Mounts: mounts})
	ctx := context.Background()
	ten, err := env.App.Store.TenantBySlug(ctx, "demo")
	if err != nil {
		t.Fatal(err)
	}
	u := &auth.User{TenantID: ten.ID, Login: testLogin, Email: "maria@demo.invalid", Name: "Maria Souza",
		Code: "MS01", PermissionRole: "ADMIN", External: true}
	if err := env.App.Svc.NewUser(ctx, u, password); err != nil {
		t.Fatal(err)
	}
	return &fixture{env: env, tenant: ten, user: u}
}

// hdr builds request headers from name, value pairs; an empty value
// leaves the header out.
func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			h.Set(kv[i], kv[i+1])
		}
	}
	return h
}

// loginJSON is the JSON login body.
func loginJSON(company, username, pw string) string {
	b, _ := json.Marshal(map[string]string{"company": company, "username": username, "password": pw})
	return string(b)
}

// loginXML is the XML login body as Consinco's help pages show it
// (ConsincoUserBindingModel, ControllerVersion 4, members alphabetical).
func loginXML(company, username, pw string) string {
	return `<ConsincoUserBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="` + modelsNS + `">
  <ControllerVersion>4</ControllerVersion>
  <Company>` + esc(company) + `</Company>
  <Password>` + esc(pw) + `</Password>
  <Username>` + esc(username) + `</Username>
</ConsincoUserBindingModel>`
}

// refreshJSON is the seed's JSON request sample with real values.
func refreshJSON(token, grantType string) string {
	return `{
  "refresh_token": "` + token + `",
  "grant_type": "` + grantType + `"
}`
}

// refreshXML is the seed's XML request sample with real values.
func refreshXML(token, grantType string) string {
	return `<ConsincoRefreshTokenBindingModel xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="` + modelsNS + `">
  <ControllerVersion>3</ControllerVersion>
  <GrantType>` + esc(grantType) + `</GrantType>
  <Refreshtoken>` + esc(token) + `</Refreshtoken>
</ConsincoRefreshTokenBindingModel>`
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// post sends body to prefix+path with the headers.
func (f *fixture) post(t *testing.T, prefix, path string, h http.Header, body string) *apptest.Response {
	t.Helper()
	return f.env.Post(t, prefix+path, "", body, h)
}

// login logs maria in through the documented mount (JSON) and returns the
// decoded TokenResponse.
func (f *fixture) login(t *testing.T) map[string]any {
	t.Helper()
	resp := f.post(t, prefixDoc, pathLogin, hdr("Content-Type", "application/json"), loginJSON("demo", testLogin, password))
	if resp.Status != http.StatusOK {
		t.Fatalf("login = %d %s", resp.Status, resp.Body)
	}
	return decodeJSON(t, resp)
}

// decodeJSON decodes a JSON object body.
func decodeJSON(t *testing.T, resp *apptest.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(resp.Body, &m); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, resp.Body)
	}
	return m
}

// xmlDoc is a parsed XML response: the root's name and its children's
// names (with namespaces) and text, in document order.
type xmlDoc struct {
	root     xml.Name
	children []xml.Name
	text     map[string]string // by local name
}

// parseXML parses a flat XML document with a namespace-aware decoder.
func parseXML(t *testing.T, body []byte) xmlDoc {
	t.Helper()
	var doc struct {
		XMLName xml.Name
		Items   []struct {
			XMLName xml.Name
			Text    string `xml:",chardata"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("response is not XML: %v\n%s", err, body)
	}
	out := xmlDoc{root: doc.XMLName, text: map[string]string{}}
	for _, it := range doc.Items {
		out.children = append(out.children, it.XMLName)
		out.text[it.XMLName.Local] = it.Text
	}
	return out
}

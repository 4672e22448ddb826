package openapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	docs "github.com/renova-auth/renova/docs/openapi"
	"github.com/renova-auth/renova/internal/apptest"
)

// errorf is fmt.Errorf, short for the coverage messages.
var errorf = fmt.Errorf

// get fetches path from env with the given request headers.
func get(t *testing.T, env *apptest.Env, path string, header http.Header) *apptest.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return env.Do(t, req)
}

// TestServedDocuments: GET /openapi/<surface>.json answers the checked-in
// document with this server's mounts of the surface as its servers
// (under the issuer), public and cacheable; a surface that is not
// mounted, or unknown, is a 404.
func TestServedDocuments(t *testing.T) {
	env := apptest.Start(t, apptest.Options{Mounts: mounts[:3]}) // icredit, consinco twice
	iss := env.App.Cfg.Issuer
	cases := []struct {
		surface string
		servers []string
	}{
		{"standard", []string{iss}},
		{"icredit", []string{iss + "/icredit"}},
		{"consinco", []string{iss + "/consinco", iss + "/consinco-bf"}},
	}
	for _, tc := range cases {
		resp := get(t, env, "/openapi/"+tc.surface+".json", nil)
		want, err := docs.Document(tc.surface, tc.servers...)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != http.StatusOK || !bytes.Equal(resp.Body, want) {
			t.Errorf("GET /openapi/%s.json = %d, body equal to the document with servers %v: %v", tc.surface, resp.Status, tc.servers, bytes.Equal(resp.Body, want))
		}
		h := resp.Header
		if h.Get("Content-Type") != "application/json" || h.Get("Access-Control-Allow-Origin") != "*" ||
			h.Get("Cache-Control") != "public, max-age=300" || h.Get("ETag") == "" {
			t.Errorf("GET /openapi/%s.json headers %v", tc.surface, h)
		}
		again := get(t, env, "/openapi/"+tc.surface+".json", http.Header{"If-None-Match": {h.Get("ETag")}})
		if again.Status != http.StatusNotModified || len(again.Body) != 0 {
			t.Errorf("GET /openapi/%s.json If-None-Match = %d (%d bytes), want 304 and no body", tc.surface, again.Status, len(again.Body))
		}
	}
	for _, path := range []string{"/openapi/hdi.json", "/openapi/formulacerta.json", "/openapi/nothing.json"} {
		if resp := get(t, env, path, nil); resp.Status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404 (not mounted here)", path, resp.Status)
		}
	}
}

// TestDocumentServers: Document replaces servers and keeps every other
// member, in its order; Raw is the file itself.
func TestDocumentServers(t *testing.T) {
	for _, name := range docs.Names() {
		raw, err := docs.Raw(name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := docs.Document(name, "https://a.example/x", "https://b.example")
		if err != nil {
			t.Fatalf("Document(%s) = %v", name, err)
		}
		var before, after map[string]json.RawMessage
		if err := json.Unmarshal(raw, &before); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(doc, &after); err != nil {
			t.Fatalf("Document(%s) is not JSON: %v", name, err)
		}
		var servers []struct{ URL string }
		if err := json.Unmarshal(after["servers"], &servers); err != nil || len(servers) != 2 || servers[0].URL != "https://a.example/x" {
			t.Errorf("Document(%s) servers = %s", name, after["servers"])
		}
		for k, v := range before {
			if k == "servers" {
				continue
			}
			var a, b any
			_ = json.Unmarshal(v, &a)
			_ = json.Unmarshal(after[k], &b)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("Document(%s) changed member %s", name, k)
			}
		}
	}
}

package hdi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/renova-auth/renova/internal/auth"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/dialect/hdi"
)

const docsDir = "../../../docs/dialects/"

// binding resolves the default HDI mount's records of env, as the server
// does, with opts.
func binding(t *testing.T, env *apptest.Env, client *auth.Client, opts map[string]string) dialect.Binding {
	t.Helper()
	ten, err := env.App.Store.TenantBySlug(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	return dialect.Binding{Svc: env.App.Svc, Ring: env.App.Ring, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Tenant: ten, Client: client, Prefix: "/hdi", Options: opts}
}

// TestOpenAPIInSync: the OpenAPI document served by the surface is the
// one checked in at docs/dialects/hdi.openapi.json, and it describes
// exactly the POST routes the surface serves.
func TestOpenAPIInSync(t *testing.T) {
	embedded, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	docs, err := os.ReadFile(docsDir + "hdi.openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(embedded, docs) {
		t.Fatalf("internal/dialect/hdi/openapi.json and docs/dialects/hdi.openapi.json differ; copy one onto the other")
	}
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(docs, &doc); err != nil {
		t.Fatal(err)
	}
	p := newPartner(t, apptest.Options{})
	c, err := p.env.App.Store.GetClient(context.Background(), "hdi-client")
	if err != nil {
		t.Fatal(err)
	}
	s, err := hdi.New(binding(t, p.env, c, nil))
	if err != nil {
		t.Fatal(err)
	}
	var served, described []string
	for pattern := range s.Routes() {
		if m, path, _ := strings.Cut(pattern, " "); m == http.MethodPost {
			served = append(served, strings.TrimPrefix(path, "/hdi"+hdi.Base))
		}
	}
	for path := range doc.Paths {
		described = append(described, path)
	}
	slices.Sort(served)
	slices.Sort(described)
	if !slices.Equal(served, described) {
		t.Errorf("served POST routes %v, OpenAPI paths %v", served, described)
	}
}

// TestOpenAPIServed: GET <prefix>/corporate/security/v1/openapi.json
// answers the document with this mount's server URL.
func TestOpenAPIServed(t *testing.T) {
	p := newPartner(t, apptest.Options{Mounts: []string{"dialect=hdi,prefix=/partners/hdi,tenant=demo,client=hdi-client"}})
	req, err := http.NewRequest(http.MethodGet, p.env.URL+"/partners/hdi"+hdi.Base+"/openapi.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp := p.env.Do(t, req)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil || resp.Status != http.StatusOK {
		t.Fatalf("GET openapi.json = %d %s (%v)", resp.Status, resp.Body, err)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/partners/hdi"+hdi.Base {
		t.Errorf("served document openapi %q servers %+v, want 3.0.3 and /partners/hdi%s", doc.OpenAPI, doc.Servers, hdi.Base)
	}
}

// TestPostmanCollection: the checked-in collection is a v2.1 collection
// with one request per call, each sending the key and the X-* headers.
func TestPostmanCollection(t *testing.T) {
	raw, err := os.ReadFile(docsDir + "hdi.postman_collection.json")
	if err != nil {
		t.Fatal(err)
	}
	var col struct {
		Info struct {
			Schema string `json:"schema"`
		} `json:"info"`
		Item []struct {
			Name    string `json:"name"`
			Request struct {
				Method string `json:"method"`
				Header []struct {
					Key string `json:"key"`
				} `json:"header"`
				URL struct {
					Raw string `json:"raw"`
				} `json:"url"`
			} `json:"request"`
		} `json:"item"`
	}
	if err := json.Unmarshal(raw, &col); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(col.Info.Schema, "v2.1.0") || len(col.Item) != 3 {
		t.Fatalf("collection schema %q with %d items, want v2.1.0 with 3", col.Info.Schema, len(col.Item))
	}
	for i, call := range []string{"authorize", "token", "tokenrenew"} {
		it := col.Item[i]
		var names []string
		for _, h := range it.Request.Header {
			names = append(names, h.Key)
		}
		for _, want := range []string{"Content-Type", "X-Company-Id", "X-Application-Id", "X-User-Id", "X-Trace-Id"} {
			if !slices.Contains(names, want) {
				t.Errorf("item %s lacks header %s", it.Name, want)
			}
		}
		if it.Request.Method != http.MethodPost || !strings.Contains(it.Request.URL.Raw, "/"+call+"?key={{key}}") {
			t.Errorf("item %d = %s %s, want POST …/%s?key={{key}}", i, it.Request.Method, it.Request.URL.Raw, call)
		}
	}
}

// TestNewRefusesBadMounts: a mount that cannot work fails at start.
func TestNewRefusesBadMounts(t *testing.T) {
	p := newPartner(t, apptest.Options{})
	c, err := p.env.App.Store.GetClient(context.Background(), "hdi-client")
	if err != nil {
		t.Fatal(err)
	}
	noCode, noGrant := *c, *c
	noCode.AppCode = ""
	noGrant.Grants = []string{"password"}
	cases := []struct {
		name   string
		client *auth.Client
		opts   map[string]string
	}{
		{"code_ttl not a duration", c, map[string]string{"code_ttl": "60"}},
		{"renew_window negative", c, map[string]string{"renew_window": "-1h"}},
		{"new_users_per_hour zero", c, map[string]string{"new_users_per_hour": "0"}},
		{"new_users_per_hour not a number", c, map[string]string{"new_users_per_hour": "lots"}},
		{"client without application code", &noCode, nil},
		{"client without refresh_token grant", &noGrant, nil},
	}
	for _, tc := range cases {
		if _, err := hdi.New(binding(t, p.env, tc.client, tc.opts)); err == nil {
			t.Errorf("New(%s) = nil error, want a start-time error", tc.name)
		}
	}
	if _, err := hdi.New(binding(t, p.env, c, map[string]string{"code_ttl": "30s", "renew_window": "2h", "aud": "x", "new_users_per_hour": "5"})); err != nil {
		t.Errorf("New(valid options) = %v", err)
	}
}

package hdi_test

import (
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

// postmanFile is the HDI collection generated from docs/openapi/hdi.json.
const postmanFile = "../../../docs/postman/hdi.postman_collection.json"

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

// TestOpenAPIServed: GET <prefix>/corporate/security/v1/openapi.json
// answers docs/openapi/hdi.json (the one document of the surface, also
// served at /openapi/hdi.json) with this mount as its server; the
// route-coverage test in internal/openapi holds the document to the
// routes.
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
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(resp.Body, &doc); err != nil || resp.Status != http.StatusOK {
		t.Fatalf("GET openapi.json = %d %s (%v)", resp.Status, resp.Body, err)
	}
	want := p.env.App.Cfg.Issuer + "/partners/hdi"
	if doc.OpenAPI != "3.1.0" || len(doc.Servers) != 1 || doc.Servers[0].URL != want {
		t.Errorf("served document openapi %q servers %+v, want 3.1.0 and %s", doc.OpenAPI, doc.Servers, want)
	}
	for _, call := range []string{"authorize", "token", "tokenrenew"} {
		if doc.Paths[hdi.Base+"/"+call] == nil {
			t.Errorf("served document lacks %s/%s", hdi.Base, call)
		}
	}
}

// TestPostmanCollection: the checked-in collection (generated from the
// document, internal/openapi's TestPostmanInSync) is a v2.1 collection
// with one request per call, each sending the key and the X-* headers.
func TestPostmanCollection(t *testing.T) {
	raw, err := os.ReadFile(postmanFile)
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
	if !strings.Contains(col.Info.Schema, "v2.1.0") || len(col.Item) < 3 {
		t.Fatalf("collection schema %q with %d items, want v2.1.0 with the 3 calls", col.Info.Schema, len(col.Item))
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

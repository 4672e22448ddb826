package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestDiscoveryGoOIDC validates both discovery documents with an
// independent client's own discovery (go-oidc's NewProvider, which checks
// the issuer) and checks the metadata that a browser flow needs (issue 12,
// acceptance 3).
func TestDiscoveryGoOIDC(t *testing.T) {
	env := apptest.Start(t, apptest.Options{LoopbackIssuer: true})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = oidc.ClientContext(ctx, env.HTTP)

	p, err := oidc.NewProvider(ctx, env.URL)
	if err != nil {
		t.Fatalf("go-oidc discovery: %v", err)
	}
	var md map[string]any
	if err := p.Claims(&md); err != nil {
		t.Fatal(err)
	}
	if md["issuer"] != env.URL {
		t.Errorf("issuer %v, want %s", md["issuer"], env.URL)
	}
	ep := p.Endpoint()
	for name, u := range map[string]string{
		"authorization_endpoint": ep.AuthURL,
		"token_endpoint":         ep.TokenURL,
		"userinfo_endpoint":      p.UserInfoEndpoint(),
		"end_session_endpoint":   str(md["end_session_endpoint"]),
		"jwks_uri":               str(md["jwks_uri"]),
	} {
		if !strings.HasPrefix(u, env.URL+"/") {
			t.Errorf("%s = %q, want a URL under the issuer %s", name, u, env.URL)
		}
	}
	for field, want := range map[string]string{
		"response_types_supported":         "code",
		"code_challenge_methods_supported": "S256",
		"grant_types_supported":            "authorization_code",
		"subject_types_supported":          "public",
		"scopes_supported":                 "openid",
	} {
		if got := strs(md[field]); !slices.Contains(got, want) {
			t.Errorf("%s = %v, want it to contain %q", field, got, want)
		}
	}
	if got := strs(md["code_challenge_methods_supported"]); slices.Contains(got, "plain") {
		t.Errorf("code_challenge_methods_supported = %v: plain is refused, so it must not be listed", got)
	}
	if got := strs(md["response_types_supported"]); !slices.Equal(got, []string{"code"}) {
		t.Errorf("response_types_supported = %v, want [code]", got)
	}
	algs := strs(md["id_token_signing_alg_values_supported"])
	if len(algs) == 0 {
		t.Error("id_token_signing_alg_values_supported is empty")
	}
	for _, a := range algs {
		if !slices.Contains([]string{oidc.RS256, oidc.ES256, oidc.EdDSA, oidc.PS256, oidc.RS384, oidc.ES384}, a) {
			t.Errorf("id_token_signing_alg_values_supported lists %q, which go-oidc cannot verify", a)
		}
	}
	noEmptyArrays(t, "openid-configuration", md)

	// The RFC 8414 document lists the same metadata.
	var as map[string]any
	getJSON(t, env, "/.well-known/oauth-authorization-server", &as)
	noEmptyArrays(t, "oauth-authorization-server", as)
	for _, k := range []string{"issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"} {
		if as[k] != md[k] {
			t.Errorf("oauth-authorization-server %s = %v, openid-configuration says %v", k, as[k], md[k])
		}
	}

	// The JWKS the document points at is what go-oidc verifies ID tokens
	// against: it must load and hold keys.
	var jwks struct {
		Keys []map[string]any `json:"keys"`
	}
	getJSON(t, env, strings.TrimPrefix(str(md["jwks_uri"]), env.URL), &jwks)
	if len(jwks.Keys) == 0 {
		t.Error("the JWKS holds no key")
	}
}

func str(v any) string { s, _ := v.(string); return s }

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// noEmptyArrays fails for every metadata field that is an empty list:
// a client reads one as "nothing supported".
func noEmptyArrays(t *testing.T, doc string, md map[string]any) {
	t.Helper()
	for k, v := range md {
		if l, ok := v.([]any); ok && len(l) == 0 {
			t.Errorf("%s: %s is an empty array", doc, k)
		}
	}
}

func getJSON(t *testing.T, env *apptest.Env, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := env.Do(t, req)
	if res.Status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
	}
	if err := json.Unmarshal(res.Body, v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

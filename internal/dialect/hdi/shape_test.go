package hdi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case bool:
		return "boolean"
	}
	return "null"
}

// TestTokenShape is issue 7's acceptance 1: our JWT has the header fields
// of seed 003's sample (alg RS256, typ JWT, a 40-hex kid), every claim of
// the sample with the same JSON type, the seed's exp-iat of 3600 and only
// jti and sid besides; array claims hold strings.
func TestTokenShape(t *testing.T) {
	seed, err := os.ReadFile("testdata/seed003_token.jwt")
	if err != nil {
		t.Fatal(err)
	}
	sh, sc := segments(t, strings.TrimSpace(string(seed)))
	p := newPartner(t, apptest.Options{})
	tok := p.jwt(t)
	h, c := segments(t, tok)

	if !equalKeys(h, sh) || h["alg"] != "RS256" || h["typ"] != "JWT" || !hex40.MatchString(h["kid"].(string)) {
		t.Errorf("header %v, want the fields of seed header %v with alg RS256, typ JWT, 40-hex kid", h, sh)
	}
	for name, v := range sc {
		if jsonType(c[name]) != jsonType(v) {
			t.Errorf("claim %s is %s (%v), seed has %s (%v)", name, jsonType(c[name]), c[name], jsonType(v), v)
		}
		if arr, ok := c[name].([]any); ok && slices.ContainsFunc(arr, func(e any) bool { return jsonType(e) != "string" }) {
			t.Errorf("array claim %s = %v, want strings", name, arr)
		}
	}
	for name := range c {
		if _, ok := sc[name]; !ok && name != "jti" && name != "sid" {
			t.Errorf("claim %s is neither in the seed nor jti/sid", name)
		}
	}
	if d := c["exp"].(float64) - c["iat"].(float64); d != sc["exp"].(float64)-sc["iat"].(float64) {
		t.Errorf("exp-iat = %v, seed has %v", d, sc["exp"].(float64)-sc["iat"].(float64))
	}
	apptest.Golden(t, "testdata/token_shape.txtar", normalizeHDI(shapeTranscript(t, tok)))
}

func equalKeys(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			return false
		}
	}
	return true
}

var (
	kidRe = regexp.MustCompile(`"[0-9a-f]{40}"`)
	idRe  = regexp.MustCompile(`\b(ses|usr)_[0-9a-f]{24}\b`)
)

// shapeTranscript renders the header and claims of tok as sent (member
// order kept), volatile values normalised, so a reader can hold the whole
// token next to the seed's.
func shapeTranscript(t *testing.T, tok string) string {
	t.Helper()
	var b strings.Builder
	for i, name := range []string{"header", "claims"} {
		raw, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[i])
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := json.Indent(&out, raw, "", "  "); err != nil {
			t.Fatal(err)
		}
		b.WriteString("-- " + name + " --\n" + out.String() + "\n")
	}
	s := idRe.ReplaceAllString(b.String(), "<${1}_ID>")
	return kidRe.ReplaceAllString(apptest.Normalize(s), `"<KID40>"`)
}

// TestAudienceOption: aud defaults to the issuer and follows the mount
// option aud (the seed's api.hdi.com.br); tokens of one audience do not
// renew on a mount of another.
func TestAudienceOption(t *testing.T) {
	p := newPartner(t, apptest.Options{Mounts: []string{
		"dialect=hdi,prefix=/hdi,tenant=demo,client=hdi-client,aud=api.hdi.com.br",
		"dialect=hdi,prefix=/plain,tenant=demo,client=hdi-client,code_ttl=5s",
	}})
	tok := p.jwt(t)
	if aud := claim(t, tok, "aud"); aud != "api.hdi.com.br" {
		t.Errorf("aud = %v, want api.hdi.com.br", aud)
	}
	q := p
	q.base = "/plain/corporate/security/v1"
	other := q.jwt(t)
	if aud := claim(t, other, "aud"); aud != "http://renova.test" {
		t.Errorf("default aud = %v, want the issuer", aud)
	}
	errorCode(t, "tokenrenew(aud api.hdi.com.br) on the default-aud mount", q.renew(t, tok), 401, "invalid_token", "mismatch", "")
	code := q.code(t)
	p.env.Clock.Advance(6 * time.Second)
	errorCode(t, "token(code after code_ttl=5s)", q.exchange(t, code), 400, "invalid_code_token", "expired_idle", "")
}

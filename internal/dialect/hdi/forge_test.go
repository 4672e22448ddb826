package hdi_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/keys"
)

// forge re-signs the header kid and claims of a real token with method and
// key, under kid (the real token's kid when empty): what an attacker who
// has seen one of our tokens can produce.
func forge(t *testing.T, tok string, m jwt.SigningMethod, key any, kid string) string {
	t.Helper()
	h, c := segments(t, tok)
	if kid == "" {
		kid = h["kid"].(string)
	}
	j := jwt.NewWithClaims(m, jwt.MapClaims(c))
	j.Header["kid"] = kid
	s, err := j.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// foreignKey is an RSA key renova never saw.
func foreignKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// jwks fetches GET /oauth2/jwks over HTTP and parses it with go-jose, an
// implementation independent of renova's.
func (p partner) jwks(t *testing.T) jose.JSONWebKeySet {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, p.env.URL+"/oauth2/jwks", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp := p.env.Do(t, req)
	var set jose.JSONWebKeySet
	if resp.Status != http.StatusOK {
		t.Fatalf("GET /oauth2/jwks = %d", resp.Status)
	}
	if err := json.Unmarshal(resp.Body, &set); err != nil {
		t.Fatal(err)
	}
	return set
}

// publicPEM is the PEM form of the published key kid: the "secret" of the
// classic HS256 alg-confusion attack.
func (p partner) publicPEM(t *testing.T, kid string) []byte {
	t.Helper()
	set := p.jwks(t)
	ks := set.Key(kid)
	if len(ks) != 1 {
		t.Fatalf("JWKS has %d keys with kid %s, want 1", len(ks), kid)
	}
	der, err := x509.MarshalPKIXPublicKey(ks[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// forgeries are tokens signed by someone else, built from a real one.
func forgeries(t *testing.T, p partner, tok string) map[string]string {
	t.Helper()
	h, _ := segments(t, tok)
	kid := h["kid"].(string)
	pemKey := p.publicPEM(t, kid)
	foreign := foreignKey(t)
	foreignKid, err := keys.HexKid(foreign.Public())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"HS256 keyed with our public key (PEM)":  forge(t, tok, jwt.SigningMethodHS256, pemKey, ""),
		"alg none":                               forge(t, tok, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, ""),
		"RS256 with a foreign key and kid":       forge(t, tok, jwt.SigningMethodRS256, foreign, foreignKid),
		"RS256 with a foreign key under our kid": forge(t, tok, jwt.SigningMethodRS256, foreign, kid),
		"RS512 with a foreign key under our kid": forge(t, tok, jwt.SigningMethodRS512, foreign, kid),
		"claims edited, our signature kept":      tamper(t, tok),
	}
}

// tamper changes the user claim of tok and keeps its signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	_, c := segments(t, tok)
	c["user"] = []string{"admin"}
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + parts[2]
}

package formulacerta_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/token"
)

// forgedCase is an AccessTokenOld that must be refused (ErrorCode 3).
type forgedCase struct {
	name string
	tok  string
}

// forgeries builds AccessTokenOld values that carry valid's claims (so its
// session and refresh token match) but are not tokens renova issued for
// this mount: not a JWT, alg none, HS256 keyed with our public key, signed
// by a foreign key (under a foreign kid and under ours), a tampered
// payload, and genuine signatures over claims without a session, from
// another issuer or for another client.
func forgeries(t *testing.T, env *apptest.Env, valid string) []forgedCase {
	t.Helper()
	signer, err := env.App.Ring.Current(keys.ES256)
	if err != nil {
		t.Fatal(err)
	}
	claims := claimsOf(t, valid)
	foreign, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	noSID, otherIss, otherClient := *claims, *claims, *claims
	noSID.SessionID = ""
	otherIss.Issuer = "https://evil.example"
	otherClient.ClientID = "icredit-client"
	return []forgedCase{
		{"not a JWT", "sample string 1"},
		{"empty segments", ".."},
		{"alg none", sign(t, jwt.SigningMethodNone, signer.Kid, claims, jwt.UnsafeAllowNoneSignatureType)},
		{"HS256 keyed with our public key", sign(t, jwt.SigningMethodHS256, signer.Kid, claims, publicPEM(t, env, signer.Kid))},
		{"foreign ES256 key, foreign kid", sign(t, jwt.SigningMethodES256, "not-our-kid", claims, foreign)},
		{"foreign ES256 key, our kid", sign(t, jwt.SigningMethodES256, signer.Kid, claims, foreign)},
		{"tampered payload", tamper(t, valid)},
		{"our key, no session", mint(t, signer, &noSID)},
		{"our key, other issuer", mint(t, signer, &otherIss)},
		{"our key, other client", mint(t, signer, &otherClient)},
	}
}

// sign signs claims with any method and key, under kid.
func sign(t *testing.T, m jwt.SigningMethod, kid string, claims *token.Claims, key any) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("sign %s: %v", m.Alg(), err)
	}
	return s
}

// mint signs claims with renova's own key.
func mint(t *testing.T, s *keys.Signer, claims *token.Claims) string {
	t.Helper()
	tok, err := token.Mint(s, claims, nil)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// publicPEM is our published key in PEM, the classic HS256 confusion key.
func publicPEM(t *testing.T, env *apptest.Env, kid string) []byte {
	t.Helper()
	pub, _, ok := env.App.Ring.Public(kid)
	if !ok {
		t.Fatalf("kid %q not published", kid)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// tamper swaps a genuine token's payload (another subject) and keeps its
// header and signature.
func tamper(t *testing.T, tok string) string {
	t.Helper()
	parts := strings.Split(tok, ".")
	c := claimsOf(t, tok)
	c.Subject = "usr_someone_else"
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + parts[2]
}

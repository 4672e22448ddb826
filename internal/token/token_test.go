package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"path/filepath"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store/sqlite"
	"github.com/renova-auth/renova/internal/token"
)

const issuer = "https://renova.test"

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*keys.Ring, *token.Verifier) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ring := keys.NewRing(db, make([]byte, 32), func() time.Time { return now })
	if err := ring.Ensure(context.Background()); err != nil {
		t.Fatal(err)
	}
	return ring, &token.Verifier{Ring: ring, Issuer: issuer, Now: func() time.Time { return now }}
}

func claims(iss string, exp time.Time) *token.Claims {
	return &token.Claims{RegisteredClaims: jwt.RegisteredClaims{Issuer: iss, Subject: "u1",
		IssuedAt: jwt.NewNumericDate(exp.Add(-15 * time.Minute)), ExpiresAt: jwt.NewNumericDate(exp)}, ClientID: "c1", Tenant: "demo"}
}

// TestParse pins the verifier against forged, confused and stale tokens.
func TestParse(t *testing.T) {
	ring, v := setup(t)
	es, _ := ring.Current(keys.ES256)
	rs, _ := ring.Current(keys.RS256)
	mint := func(s *keys.Signer, c *token.Claims, h map[string]any) string {
		tok, err := token.Mint(s, c, h)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	live, stale := now.Add(10*time.Minute), now.Add(-time.Minute)
	foreign, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	pubPEM := func(s *keys.Signer) []byte {
		der, _ := x509.MarshalPKIXPublicKey(s.Key.Public())
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	hs := func(s *keys.Signer) string { // HS256 keyed with our public key: classic alg confusion
		tk := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(issuer, live))
		tk.Header["kid"] = s.Kid
		str, _ := tk.SignedString(pubPEM(s))
		return str
	}
	none := func() string {
		tk := jwt.NewWithClaims(jwt.SigningMethodNone, claims(issuer, live))
		tk.Header["kid"] = es.Kid
		str, _ := tk.SignedString(jwt.UnsafeAllowNoneSignatureType)
		return str
	}
	cases := []struct {
		name   string
		tok    string
		opt    token.Options
		wantOK bool
	}{
		{"good ES256", mint(es, claims(issuer, live), nil), token.Options{}, true},
		{"good RS256 under its hex kid", mint(rs, claims(issuer, live), map[string]any{"kid": rs.HexKid}), token.Options{}, true},
		{"expired", mint(es, claims(issuer, stale), nil), token.Options{}, false},
		{"expired, expiry ignored", mint(es, claims(issuer, stale), nil), token.Options{IgnoreExpiry: true}, true},
		{"wrong issuer", mint(es, claims("https://evil.test", live), nil), token.Options{}, false},
		{"wrong issuer, expiry ignored", mint(es, claims("https://evil.test", stale), nil), token.Options{IgnoreExpiry: true}, false},
		{"alg none", none(), token.Options{IgnoreExpiry: true}, false},
		{"HS256 keyed with the ES256 public key", hs(es), token.Options{IgnoreExpiry: true}, false},
		{"HS256 keyed with the RSA public key", hs(rs), token.Options{IgnoreExpiry: true}, false},
		{"foreign key reusing our kid", mint(&keys.Signer{Kid: es.Kid, Alg: keys.ES256, Key: foreign}, claims(issuer, live), nil), token.Options{IgnoreExpiry: true}, false},
		{"foreign key, unknown kid", mint(&keys.Signer{Kid: "nope", Alg: keys.ES256, Key: foreign}, claims(issuer, live), nil), token.Options{}, false},
		{"RS256 header on the ES256 kid", mint(rs, claims(issuer, live), map[string]any{"kid": es.Kid}), token.Options{}, false},
		{"not a JWT", "rn_rt_abc", token.Options{IgnoreExpiry: true}, false},
		{"tampered payload", mint(es, claims(issuer, live), nil) + "x", token.Options{}, false},
	}
	for _, tc := range cases {
		var got token.Claims
		err := v.Parse(tc.tok, &got, tc.opt)
		if (err == nil) != tc.wantOK {
			t.Errorf("Parse(%s) = %v, want ok=%v", tc.name, err, tc.wantOK)
		}
		if err == nil && (got.ClientID != "c1" || got.Subject != "u1") {
			t.Errorf("Parse(%s) claims = %+v", tc.name, got)
		}
	}
}

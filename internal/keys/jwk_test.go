package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

// TestThumbprintRFC7638: the kid is the RFC 7638 thumbprint; §3.1 gives
// the expected value for its example RSA key.
func TestThumbprintRFC7638(t *testing.T) {
	j := JWK{Kty: "RSA", E: "AQAB", Kid: "2011-04-29", Alg: "RS256",
		N: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3" +
			"oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdA" +
			"ZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur" +
			"-kEgU8awapJzKnqDKgw"}
	if got, want := thumbprint(j), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"; got != want {
		t.Errorf("thumbprint(RFC 7638 §3.1 example) = %s, want %s", got, want)
	}
}

// TestPublicJWKMembers: each key type is published with exactly the
// members RFC 7518 §6 requires, at their full length, and an independent
// library reads back the same public key.
func TestPublicJWKMembers(t *testing.T) {
	cases := []struct {
		alg          string
		kty, crv     string
		coordinateN  int // decoded length of x (and y), or of n for RSA
		wantY, wantE bool
	}{
		{ES256, "EC", "P-256", 32, true, false},
		{RS256, "RSA", "", 256, false, true},
		{EdDSA, "OKP", "Ed25519", 32, false, false},
	}
	for _, tc := range cases {
		priv, err := newPrivate(tc.alg)
		if err != nil {
			t.Fatal(err)
		}
		j, err := publicJWK(tc.alg, priv.Public())
		if err != nil {
			t.Fatal(err)
		}
		if j.Kty != tc.kty || j.Crv != tc.crv || j.Alg != tc.alg || j.Use != "sig" || (j.Y != "") != tc.wantY || (j.E == "AQAB") != tc.wantE {
			t.Errorf("publicJWK(%s) = %+v", tc.alg, j)
		}
		first := j.X
		if tc.alg == RS256 {
			first = j.N
		}
		if b, err := b64.DecodeString(first); err != nil || len(b) != tc.coordinateN {
			t.Errorf("%s: first key member decodes to %d bytes (%v), want %d", tc.alg, len(b), err, tc.coordinateN)
		}
		raw, _ := json.Marshal(j)
		var back jose.JSONWebKey
		if err := back.UnmarshalJSON(raw); err != nil {
			t.Fatalf("go-jose cannot read %s: %v", raw, err)
		}
		if !back.IsPublic() || !samePublic(back.Key, priv.Public()) || back.KeyID != j.Kid {
			t.Errorf("%s: go-jose reads a different key from %s", tc.alg, raw)
		}
	}
	if _, err := publicJWK(ES256, "not a key"); err == nil || !strings.Contains(err.Error(), "unsupported key type") {
		t.Errorf("publicJWK of a string = %v", err)
	}
}

func samePublic(a, b crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := a.(equaler)
	return ok && e.Equal(b)
}

// TestECCoordinatesKeepLeadingZeros: RFC 7518 §6.2.1.2 wants x and y at
// the full size of the curve. A coordinate that starts with a zero byte
// (one key in 256) must not lose it, or verifiers rebuild another point.
func TestECCoordinatesKeepLeadingZeros(t *testing.T) {
	for range 1 << 14 {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		if k.X.BitLen() > 248 {
			continue
		}
		j, err := publicJWK(ES256, &k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		if x, _ := b64.DecodeString(j.X); len(x) != 32 || x[0] != 0 {
			t.Errorf("x with a leading zero byte published as %d bytes %x", len(x), x)
		}
		return
	}
	t.Fatal("no P-256 key with a leading zero byte in x among 16384")
}

// TestHexKid: the HDI alias kid is the SHA-1 of the key's PKIX DER form,
// 40 hex digits (seed 003).
func TestHexKid(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&k.PublicKey)
	sum := sha1.Sum(der)
	if got, err := HexKid(&k.PublicKey); err != nil || got != hex.EncodeToString(sum[:]) || len(got) != 40 {
		t.Errorf("HexKid = %q, %v", got, err)
	}
	if _, err := HexKid(ed25519.PrivateKey(nil)); err == nil {
		t.Error("HexKid of a private key value: no error")
	}
}

// TestSealBindsKid: a sealed private key opens only under its own kid and
// the secret it was sealed with, and a truncated blob is refused.
func TestSealBindsKid(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	sealed, err := seal(key, "kid-a", []byte("pkcs8 bytes"))
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := open(key, "kid-a", sealed); err != nil || string(plain) != "pkcs8 bytes" {
		t.Errorf("open under its own kid = %q, %v", plain, err)
	}
	if _, err := open(key, "kid-b", sealed); err == nil {
		t.Error("a sealed key opened under another kid")
	}
	if _, err := open([]byte("fedcba9876543210fedcba9876543210"), "kid-a", sealed); err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET") {
		t.Errorf("open with another secret = %v, want an error naming RENOVA_SECRET", err)
	}
	if _, err := open(key, "kid-a", sealed[:5]); err == nil || !strings.Contains(err.Error(), "too short") {
		t.Errorf("open of a truncated blob = %v", err)
	}
	again, _ := seal(key, "kid-a", []byte("pkcs8 bytes"))
	if string(again) == string(sealed) {
		t.Error("two seals of the same key are identical: the nonce is not random")
	}
}

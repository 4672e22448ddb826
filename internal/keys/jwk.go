package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
)

// JWK is the public part of a signing key as published in the JWKS
// (RFC 7517). Only the members renova uses are present.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Kid string `json:"kid"`
	Alg string `json:"alg"`
	Use string `json:"use"`
}

// b64 is base64url without padding, the encoding of every binary JWK
// member (RFC 7515 §2).
var b64 = base64.RawURLEncoding

// publicJWK describes pub as a JWK and sets its kid to the RFC 7638
// thumbprint.
func publicJWK(alg string, pub crypto.PublicKey) (JWK, error) {
	var j JWK
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		b, err := k.Bytes() // uncompressed point 0x04 || X || Y
		if err != nil {
			return j, err
		}
		size := (len(b) - 1) / 2
		j = JWK{Kty: "EC", Crv: k.Curve.Params().Name, X: b64.EncodeToString(b[1 : 1+size]), Y: b64.EncodeToString(b[1+size:])}
	case *rsa.PublicKey:
		j = JWK{Kty: "RSA", N: b64.EncodeToString(k.N.Bytes()), E: b64.EncodeToString(big.NewInt(int64(k.E)).Bytes())}
	case ed25519.PublicKey:
		j = JWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(k)}
	default:
		return j, fmt.Errorf("unsupported key type %T", pub)
	}
	j.Alg, j.Use = alg, "sig"
	j.Kid = thumbprint(j)
	return j, nil
}

// thumbprint is the RFC 7638 JWK thumbprint: SHA-256 over the required
// members in lexicographic order, no white space, base64url.
func thumbprint(j JWK) string {
	var m map[string]string
	switch j.Kty {
	case "EC":
		m = map[string]string{"crv": j.Crv, "kty": j.Kty, "x": j.X, "y": j.Y}
	case "RSA":
		m = map[string]string{"e": j.E, "kty": j.Kty, "n": j.N}
	case "OKP":
		m = map[string]string{"crv": j.Crv, "kty": j.Kty, "x": j.X}
	}
	b, _ := json.Marshal(m) // encoding/json sorts map keys and adds no spaces
	sum := sha256.Sum256(b)
	return b64.EncodeToString(sum[:])
}

// HexKid is a 40-hex-digit key id: the SHA-1 of the key's PKIX DER form.
func HexKid(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha1.Sum(der)
	return hex.EncodeToString(sum[:]), nil
}

// aliasJWK is the published JWK of a key under its HexKid.
func aliasJWK(published []byte, pub crypto.PublicKey) (JWK, error) {
	var j JWK
	if err := json.Unmarshal(published, &j); err != nil {
		return j, err
	}
	kid, err := HexKid(pub)
	j.Kid = kid
	return j, err
}

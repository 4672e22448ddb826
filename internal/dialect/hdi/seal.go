package hdi

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"github.com/renova-auth/renova/internal/auth"
)

// The JWT's jti is the session's current refresh token sealed under a key
// only the server holds (issue 14): whoever sees the JWT (a log, a
// downstream API that receives it as its bearer token) sees an opaque
// identifier, never a refresh token it could redeem elsewhere (e.g. at
// /oauth2/token of this public client, without the partner key).
//
// jti = base64url(nonce ‖ AES-256-GCM(sealKey, nonce, refresh token, aad = sealPurpose))
//
// The nonce is an HMAC of the session id and the refresh token (a
// synthetic IV): sealing the same successor again (a grace-window replay)
// gives the same jti and so the very same JWT, and two different refresh
// tokens never share a nonce. Both keys come from RENOVA_SECRET through
// auth.Service.DerivedKey.
type sealer struct {
	aead     cipher.AEAD
	nonceKey []byte
}

// Purposes of the derived keys; a new format gets a new version.
const (
	sealPurpose  = "hdi jti sealing v1"
	noncePurpose = "hdi jti nonce v1"
)

var jtiEnc = base64.RawURLEncoding.Strict()

// errSeal means a jti that this server did not seal (or sealed under
// another RENOVA_SECRET). The jti is not bound to the sid in the seal: the
// JWT's signature binds them, and an operator's tool can open a jti alone
// (RefreshTokenOf).
var errSeal = errors.New("hdi: jti is not sealed by this server")

func newSealer(sealKey, nonceKey []byte) (*sealer, error) {
	b, err := aes.NewCipher(sealKey)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(b)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead, nonceKey: nonceKey}, nil
}

// seal returns the jti carrying refresh token rt of session sid.
func (s *sealer) seal(sid, rt string) string {
	m := hmac.New(sha256.New, s.nonceKey)
	m.Write([]byte(sid))
	m.Write([]byte{0})
	m.Write([]byte(rt))
	nonce := m.Sum(nil)[:s.aead.NonceSize()]
	return jtiEnc.EncodeToString(s.aead.Seal(nonce, nonce, []byte(rt), []byte(sealPurpose)))
}

// open returns the refresh token sealed in jti.
func (s *sealer) open(jti string) (string, error) {
	raw, err := jtiEnc.DecodeString(jti)
	n := s.aead.NonceSize()
	if err != nil || len(raw) < n+s.aead.Overhead() {
		return "", errSeal
	}
	rt, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(sealPurpose))
	if err != nil {
		return "", errSeal
	}
	return string(rt), nil
}

// newSvcSealer is the sealer of svc's server secret.
func newSvcSealer(svc *auth.Service) (*sealer, error) {
	return newSealer(svc.DerivedKey(sealPurpose), svc.DerivedKey(noncePurpose))
}

// RefreshTokenOf opens an HDI JWT's jti with svc's keys and returns the
// refresh token it seals. It is for tools that hold the server itself
// (the bench's invariant checks), never an answer to a partner.
func RefreshTokenOf(svc *auth.Service, jti string) (string, error) {
	s, err := newSvcSealer(svc)
	if err != nil {
		return "", err
	}
	return s.open(jti)
}

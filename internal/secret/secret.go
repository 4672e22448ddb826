// Package secret implements renova's opaque refresh-token format and the
// derivation of successors (PRODUCT.md §1, §2.2).
//
// A token reads rn_rt_<43 chars: base64url of 32 random bytes><6 chars:
// base64url of a CRC-32 of those bytes>. The prefix makes leaked tokens easy
// to find by secret scanners; the checksum lets the server reject a
// mistyped or forged token without a database lookup. Only the SHA-256 of
// the 32 secret bytes is ever stored.
package secret

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"log/slog"
	"strings"
)

// Prefix starts every refresh token.
const Prefix = "rn_rt_"

const (
	secretLen  = 32                             // 256 random bits
	bodyLen    = 43                             // base64url, no padding, of 32 bytes
	sumLen     = 6                              // base64url of 4 checksum bytes
	tokenLen   = len(Prefix) + bodyLen + sumLen // 55
	successors = "renova refresh successor v1"  // HMAC domain separation
)

// ErrMalformed means the string is not a well-formed refresh token.
var ErrMalformed = errors.New("malformed refresh token")

var enc = base64.RawURLEncoding.Strict()

// Token is a refresh token's secret. Its String form is what clients see; it
// redacts itself in logs.
type Token struct{ b [secretLen]byte }

// New draws a fresh token from rand.
func New(rand io.Reader) (Token, error) {
	var t Token
	_, err := io.ReadFull(rand, t.b[:])
	return t, err
}

// Parse checks the prefix, length and checksum of s and returns the token.
// It touches no database, so a broken token costs nothing to reject.
func Parse(s string) (Token, error) {
	var t Token
	if len(s) != tokenLen || !strings.HasPrefix(s, Prefix) {
		return t, ErrMalformed
	}
	body := s[len(Prefix) : len(Prefix)+bodyLen]
	n, err := enc.Decode(t.b[:], []byte(body))
	if err != nil || n != secretLen || checksum(t.b[:]) != s[len(Prefix)+bodyLen:] {
		return Token{}, ErrMalformed
	}
	return t, nil
}

// String returns the wire form of the token.
func (t Token) String() string {
	return Prefix + enc.EncodeToString(t.b[:]) + checksum(t.b[:])
}

// LogValue redacts the token in structured logs (STYLE.md rule 4).
func (t Token) LogValue() slog.Value { return slog.StringValue(Prefix + "…") }

// Hash is the SHA-256 of the secret bytes: the only form that is stored.
func (t Token) Hash() []byte {
	h := sha256.Sum256(t.b[:])
	return h[:]
}

// Successor derives the one successor of t under key. Deriving rather than
// drawing it lets a retry inside the grace window get the very same
// successor while the database keeps only its hash (PRODUCT.md §2.2).
func (t Token) Successor(key []byte) Token {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(successors))
	m.Write(t.b[:])
	var s Token
	copy(s.b[:], m.Sum(nil))
	return s
}

func checksum(b []byte) string {
	var sum [4]byte
	binary.BigEndian.PutUint32(sum[:], crc32.ChecksumIEEE(b))
	return enc.EncodeToString(sum[:])
}

// Derive returns a 32-byte key for one purpose from the server secret
// (HKDF-SHA256, RFC 5869), so that one RENOVA_SECRET yields independent
// keys for sealing signing keys and deriving successors.
func Derive(master []byte, purpose string) []byte {
	k, err := hkdf.Key(sha256.New, master, nil, "renova "+purpose, 32)
	if err != nil {
		panic(err) // only for lengths above 255*32 bytes
	}
	return k
}

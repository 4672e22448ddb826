package secret

import (
	"bytes"
	"crypto/sha256"
	"testing"
)

// TestForeign: a foreign token's hash is its SHA-256, its successor is a
// well-formed renova token, deterministic under one key, different under
// another and unlike the successor of a renova token with the same bytes.
func TestForeign(t *testing.T) {
	raw := "eyJhbGciOiJIUzI1NiJ9.legacy.sig"
	h, s1 := Foreign(raw, []byte("k1"))
	want := sha256.Sum256([]byte(raw))
	if !bytes.Equal(h, want[:]) {
		t.Errorf("Foreign(%q) hash = %x, want %x", raw, h, want)
	}
	if _, again := Foreign(raw, []byte("k1")); again != s1 {
		t.Error("Foreign is not deterministic")
	}
	if _, other := Foreign(raw, []byte("k2")); other == s1 {
		t.Error("Foreign ignores the key")
	}
	if _, err := Parse(s1.String()); err != nil {
		t.Errorf("successor %q does not parse: %v", s1, err)
	}
	var tok Token
	copy(tok.b[:], raw)
	if tok.Successor([]byte("k1")) == s1 {
		t.Error("foreign and renova successors share a derivation")
	}
}

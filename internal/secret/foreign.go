package secret

import (
	"crypto/hmac"
	"crypto/sha256"
)

// foreignSuccessors separates the derivation of a foreign token's
// successor from that of renova's own tokens.
const foreignSuccessors = "renova foreign successor v1"

// Foreign returns, for a refresh token renova did not issue (a legacy
// system's, issue 15), the SHA-256 it is stored under and its one
// successor, derived under key exactly as a renova token's is: a retry
// inside the grace window gets the same successor while only hashes are
// stored. raw is hashed whole, as the client sends it.
func Foreign(raw string, key []byte) (hash []byte, successor Token) {
	h := sha256.Sum256([]byte(raw))
	m := hmac.New(sha256.New, key)
	m.Write([]byte(foreignSuccessors))
	m.Write([]byte(raw))
	copy(successor.b[:], m.Sum(nil))
	return h[:], successor
}

package password

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/scrypt"
)

// std64 is padded standard base64, as Firebase and Django write it.
var std64 = base64.StdEncoding

// Firebase is a Firebase project's password hash parameters, shown in its
// console under "Password hash parameters". Firebase hashes with a
// modified scrypt (github.com/firebase/scrypt): the scrypt key of the
// password and the user's salt followed by the salt separator (N =
// 2^MemCost, r = Rounds, p = 1, 32 bytes) encrypts the signer key with
// AES-256-CTR under a zero IV, and the ciphertext is the user's hash.
type Firebase struct {
	SignerKey     []byte
	SaltSeparator []byte
	Rounds        int
	MemCost       int
}

// Validate checks f against the import bounds.
func (f Firebase) Validate() error {
	switch {
	case len(f.SignerKey) < 16 || len(f.SignerKey) > maxKeyLen:
		return invalid("firebase-scrypt", "signer key of %d bytes, want 16 to %d", len(f.SignerKey), maxKeyLen)
	case len(f.SaltSeparator) > maxSaltLen:
		return invalid("firebase-scrypt", "salt separator longer than %d bytes", maxSaltLen)
	case f.Rounds < 1 || f.Rounds > maxScryptWork || f.MemCost < 1 || f.MemCost > 20 || f.Rounds<<f.MemCost > maxScryptWork:
		return invalid("firebase-scrypt", "rounds %d, mem_cost %d: want both at least 1 and rounds × 2^mem_cost ≤ %d", f.Rounds, f.MemCost, maxScryptWork)
	}
	return nil
}

// String returns the stored form of a user's Firebase hash: the project's
// parameters travel with every hash, since a login needs them.
func (f Firebase) String(salt, hash []byte) string {
	return fmt.Sprintf("$firebase-scrypt$ln=%d,r=%d$%s$%s$%s$%s", f.MemCost, f.Rounds, b64.EncodeToString(salt),
		b64.EncodeToString(f.SaltSeparator), b64.EncodeToString(f.SignerKey), b64.EncodeToString(hash))
}

// parseFirebase reads $firebase-scrypt$ln=L,r=R$SALT$SEPARATOR$SIGNER_KEY$HASH.
func parseFirebase(encoded string) (check, error) {
	const format = "firebase-scrypt"
	parts := strings.Split(encoded, "$")
	if len(parts) != 7 {
		return check{}, invalid(format, "want $firebase-scrypt$ln=L,r=R$SALT$SEPARATOR$SIGNER_KEY$HASH")
	}
	var f Firebase
	if _, err := fmt.Sscanf(parts[2], "ln=%d,r=%d", &f.MemCost, &f.Rounds); err != nil {
		return check{}, invalid(format, "parameters %q are not ln=L,r=R", parts[2])
	}
	var salt, want []byte
	var err error
	for i, dst := range []*[]byte{&salt, &f.SaltSeparator, &f.SignerKey, &want} {
		if *dst, err = b64.DecodeString(parts[3+i]); err != nil {
			return check{}, invalid(format, "field %d is not unpadded standard base64", 3+i)
		}
	}
	if err := f.Validate(); err != nil {
		return check{}, err
	}
	if len(salt) > maxSaltLen || len(want) != len(f.SignerKey) {
		return check{}, invalid(format, "want a salt of at most %d bytes and a hash as long as the signer key", maxSaltLen)
	}
	match := func(pw []byte) bool {
		got, err := f.hash(pw, salt)
		return err == nil && subtle.ConstantTimeCompare(got, want) == 1
	}
	return check{family: familyScrypt, match: match, cost: fmt.Sprintf("firebase-scrypt=%d/%d", f.Rounds, f.MemCost)}, nil
}

// hash computes the Firebase hash of pw with the user's salt.
func (f Firebase) hash(pw, salt []byte) ([]byte, error) {
	s := append(append([]byte{}, salt...), f.SaltSeparator...)
	key, err := scrypt.Key(pw, s, 1<<f.MemCost, f.Rounds, 1, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(f.SignerKey))
	cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(out, f.SignerKey)
	return out, nil
}

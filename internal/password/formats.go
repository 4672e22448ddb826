package password

import (
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/pbkdf2"
)

// The stored formats Verify reads (docs/import.md shows each with an
// example):
//
//	argon2id  $argon2id$v=19$m=M,t=T,p=P$SALT$HASH      (PHC string; renova's own)
//	bcrypt    $2a$, $2b$, $2y$ (Modular Crypt Format)
//	Django    pbkdf2_sha256$ITERATIONS$SALT$HASH        (as Django stores it)
//	PBKDF2    $pbkdf2-sha256$i=N$SALT$HASH, $pbkdf2-sha512$... (Keycloak's
//	          credentials, converted by PBKDF2String)
//	Firebase  $firebase-scrypt$ln=L,r=R$SALT$SEPARATOR$SIGNER_KEY$HASH
//	          (converted by Firebase.String)
//
// SALT and HASH are unpadded standard base64 but in Django's string,
// whose salt is text and hash padded base64, as Django writes them.

// Hash families: a failed login does the work of one check of each.
const (
	familyArgon  = "argon2id"
	familyBcrypt = "bcrypt"
	familyPBKDF2 = "pbkdf2"
	familyScrypt = "scrypt"
)

// Bounds on imported hashes, so that no stored hash can make one login
// cost much more than a second on one core, nor take more than 256 MiB.
// They sit above the defaults of the systems teams migrate from (Django
// 5.2: 1,000,000 PBKDF2-SHA256 iterations; Keycloak: 27,500 to 600,000;
// Firebase: mem_cost 14, rounds 8; bcrypt: 10 to 12).
const (
	maxArgonMemory  = 256 * 1024 // KiB
	maxArgonWork    = 1 << 20    // memory × passes, in KiB: about 0.6 s
	maxArgonThreads = 16
	maxBcryptCost   = 15 // about 2 s
	maxIterations   = 2_000_000
	maxPBKDF2Blocks = 4_000_000 // iterations × hash blocks of the key: about 1 s
	maxScryptWork   = 1 << 20   // r × N: about 0.4 s and 128 MiB
	maxKeyLen       = 128       // bytes of a derived key
	maxSaltLen      = 256       // bytes
)

// ErrUnsupported means a hash is in none of the formats renova verifies;
// ErrInvalid means it is in one but malformed or beyond its bounds.
var (
	ErrUnsupported = errors.New("unsupported password hash format (want argon2id, bcrypt, Django pbkdf2_sha256, $pbkdf2-sha256$, $pbkdf2-sha512$ or $firebase-scrypt$)")
	ErrInvalid     = errors.New("invalid password hash")
)

// check is a parsed stored hash: its family and how to match a password.
type check struct {
	family string
	match  func(pw []byte) bool
	argon  argonCost // the parameters of an argon2id hash, else zero
	cost   string    // the hash's item of WithImportedCost; "" for argon2id
}

// argonCost is the cost of an argon2id hash.
type argonCost struct {
	memory, time uint32
	threads      uint8
}

// argonCost is p's argon2id cost, comparable with a stored hash's.
func (p Params) argonCost() argonCost {
	return argonCost{p.Memory, p.Time, p.Threads}
}

// CheckImported validates a hash imported from another system: it is in
// one of the formats Verify reads, well formed and within the bounds. The
// error wraps ErrUnsupported or ErrInvalid and names the problem.
func CheckImported(encoded string) error {
	_, err := parse(encoded)
	return err
}

// ImportedCost returns the family of a valid imported hash and its cost as
// an item of WithImportedCost ("bcrypt=12", "pbkdf2-sha256=27500/64",
// "firebase-scrypt=8/14"), so that an import can say which setting keeps
// failed logins alike; argon2id hashes, whose dummy is renova's own, and
// invalid ones give "", "".
func ImportedCost(encoded string) (family, item string) {
	c, err := parse(encoded)
	if err != nil || c.cost == "" {
		return "", ""
	}
	return c.family, c.cost
}

// Format names the format of a valid stored hash as the import summary
// counts it: argon2id, bcrypt, django-pbkdf2-sha256, pbkdf2-sha256,
// pbkdf2-sha512 or firebase-scrypt; "" when it is none of them.
func Format(encoded string) string {
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"):
		return "argon2id"
	case strings.HasPrefix(encoded, "$2"):
		return "bcrypt"
	case strings.HasPrefix(encoded, "pbkdf2_sha256$"):
		return "django-pbkdf2-sha256"
	case strings.HasPrefix(encoded, "$pbkdf2-sha256$"):
		return "pbkdf2-sha256"
	case strings.HasPrefix(encoded, "$pbkdf2-sha512$"):
		return "pbkdf2-sha512"
	case strings.HasPrefix(encoded, "$firebase-scrypt$"):
		return "firebase-scrypt"
	}
	return ""
}

// parse reads a stored hash of any supported format.
func parse(encoded string) (check, error) {
	switch Format(encoded) {
	case "argon2id":
		return parseArgon(encoded)
	case "bcrypt":
		return parseBcrypt(encoded)
	case "django-pbkdf2-sha256":
		return parseDjango(encoded)
	case "pbkdf2-sha256", "pbkdf2-sha512":
		return parsePBKDF2(encoded)
	case "firebase-scrypt":
		return parseFirebase(encoded)
	}
	return check{}, ErrUnsupported
}

// invalid returns an ErrInvalid naming the format and the problem.
func invalid(format, problem string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, format, fmt.Sprintf(problem, args...))
}

// parseArgon reads a PHC argon2id string (version 19, the only one
// golang.org/x/crypto/argon2 computes).
func parseArgon(encoded string) (check, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[2] != "v=19" {
		return check{}, invalid("argon2id", "want $argon2id$v=19$m=M,t=T,p=P$SALT$HASH")
	}
	var c argonCost
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.memory, &c.time, &c.threads); err != nil || c.threads == 0 || c.time == 0 {
		return check{}, invalid("argon2id", "parameters %q are not m=M,t=T,p=P with T, P at least 1", parts[3])
	}
	if c.memory > maxArgonMemory || uint64(c.memory)*uint64(c.time) > maxArgonWork || c.threads > maxArgonThreads {
		return check{}, invalid("argon2id", "cost %s above the limit (m ≤ %d, m·t ≤ %d, p ≤ %d)", parts[3], maxArgonMemory, maxArgonWork, maxArgonThreads)
	}
	salt, want, err := saltAndKey(parts[4], parts[5])
	if err != nil {
		return check{}, invalid("argon2id", "%v", err)
	}
	match := func(pw []byte) bool {
		got := argon2.IDKey(pw, salt, c.time, c.memory, c.threads, uint32(len(want)))
		return subtle.ConstantTimeCompare(got, want) == 1
	}
	return check{family: familyArgon, match: match, argon: c}, nil
}

// saltAndKey decodes the unpadded base64 salt and key of a PHC string and
// checks their lengths.
func saltAndKey(salt64, key64 string) (salt, key []byte, err error) {
	salt, err1 := b64.DecodeString(salt64)
	key, err2 := b64.DecodeString(key64)
	switch {
	case err1 != nil || err2 != nil:
		return nil, nil, errors.New("salt or hash is not unpadded standard base64")
	case len(salt) > maxSaltLen:
		return nil, nil, fmt.Errorf("salt longer than %d bytes", maxSaltLen)
	case len(key) < 16 || len(key) > maxKeyLen:
		return nil, nil, fmt.Errorf("hash of %d bytes, want 16 to %d", len(key), maxKeyLen)
	}
	return salt, key, nil
}

// parseBcrypt reads a bcrypt hash of the variants $2a$, $2b$ and $2y$,
// which differ only in bugs of old implementations and verify alike.
func parseBcrypt(encoded string) (check, error) {
	if len(encoded) < 4 || !strings.Contains("aby", encoded[2:3]) || encoded[3] != '$' {
		return check{}, invalid("bcrypt", "want $2a$, $2b$ or $2y$")
	}
	cost, err := bcrypt.Cost([]byte(encoded))
	if err != nil {
		return check{}, invalid("bcrypt", "not a valid bcrypt hash: %v", err)
	}
	if cost > maxBcryptCost {
		return check{}, invalid("bcrypt", "cost %d above the limit %d", cost, maxBcryptCost)
	}
	hashed := []byte(encoded)
	match := func(pw []byte) bool { return bcrypt.CompareHashAndPassword(hashed, pw) == nil }
	return check{family: familyBcrypt, match: match, cost: fmt.Sprintf("bcrypt=%d", cost)}, nil
}

// parseDjango reads Django's pbkdf2_sha256$ITERATIONS$SALT$HASH, whose
// salt is used as its text and whose hash is padded base64
// (django.contrib.auth.hashers.PBKDF2PasswordHasher).
func parseDjango(encoded string) (check, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 {
		return check{}, invalid("django pbkdf2_sha256", "want pbkdf2_sha256$ITERATIONS$SALT$HASH")
	}
	want, err := std64.DecodeString(parts[3])
	if err != nil {
		return check{}, invalid("django pbkdf2_sha256", "hash is not base64")
	}
	return pbkdf2Check("django pbkdf2_sha256", "sha256", parts[1], []byte(parts[2]), want)
}

// parsePBKDF2 reads $pbkdf2-sha256$i=N$SALT$HASH or its sha512 twin.
func parsePBKDF2(encoded string) (check, error) {
	parts := strings.Split(encoded, "$")
	format := Format(encoded)
	if len(parts) != 5 || !strings.HasPrefix(parts[2], "i=") {
		return check{}, invalid(format, "want $%s$i=ITERATIONS$SALT$HASH", format)
	}
	salt, want, err := saltAndKey(parts[3], parts[4])
	if err != nil {
		return check{}, invalid(format, "%v", err)
	}
	return pbkdf2Check(format, strings.TrimPrefix(format, "pbkdf2-"), parts[2][2:], salt, want)
}

// pbkdf2Check checks the bounds of a PBKDF2 hash and returns its check.
func pbkdf2Check(format, hashName, iterations string, salt, want []byte) (check, error) {
	iter, err := strconv.Atoi(iterations)
	if err != nil || iter < 1 {
		return check{}, invalid(format, "iterations %q is not a positive number", iterations)
	}
	fn, size := pbkdf2Hash(hashName)
	blocks := (len(want) + size - 1) / size
	switch {
	case len(want) < 16 || len(want) > maxKeyLen:
		return check{}, invalid(format, "hash of %d bytes, want 16 to %d", len(want), maxKeyLen)
	case len(salt) > maxSaltLen:
		return check{}, invalid(format, "salt longer than %d bytes", maxSaltLen)
	case iter > maxIterations || iter*blocks > maxPBKDF2Blocks:
		return check{}, invalid(format, "%d iterations for a %d-byte hash above the limit (%d iterations, %d × hash blocks)",
			iter, len(want), maxIterations, maxPBKDF2Blocks)
	}
	match := func(pw []byte) bool {
		return subtle.ConstantTimeCompare(pbkdf2.Key(pw, salt, iter, len(want), fn), want) == 1
	}
	c := fmt.Sprintf("pbkdf2-%s=%d", hashName, iter)
	if _, size := pbkdf2Hash(hashName); len(want) != size {
		c += fmt.Sprintf("/%d", len(want))
	}
	return check{family: familyPBKDF2, match: match, cost: c}, nil
}

// pbkdf2Hash returns the hash of a PBKDF2 variant and its output size.
func pbkdf2Hash(name string) (func() hash.Hash, int) {
	if name == "sha512" {
		return sha512.New, sha512.Size
	}
	return sha256.New, sha256.Size
}

// keyLen is c's key length, the hash's size when not set.
func keyLen(c PBKDF2Cost) int {
	if c.KeyLen > 0 {
		return c.KeyLen
	}
	_, size := pbkdf2Hash(c.Hash)
	return size
}

// PBKDF2String returns the stored form of a PBKDF2 hash: hashName is
// "sha256" or "sha512" (Keycloak's algorithm pbkdf2-sha256 or
// pbkdf2-sha512; its legacy "pbkdf2" is SHA-1, which renova does not read).
func PBKDF2String(hashName string, iterations int, salt, key []byte) string {
	return fmt.Sprintf("$pbkdf2-%s$i=%d$%s$%s", hashName, iterations, b64.EncodeToString(salt), b64.EncodeToString(key))
}

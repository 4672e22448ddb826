// Package password hashes passwords with argon2id and verifies the legacy
// hashes of imported users (bcrypt, PBKDF2, Firebase scrypt) so that they
// can log in and be re-hashed (PRODUCT.md §1, docs/import.md).
package password

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Params are argon2id cost parameters, plus the cost of the dummy checks
// that keep failed logins alike whatever the stored format. Default
// follows the OWASP password storage cheat sheet (m=19 MiB, t=2, p=1):
// about 20 ms on one core.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	// LegacyCost is the bcrypt cost of the dummy hash that every failed
	// login of a user without a bcrypt hash also checks, so that a wrong
	// password costs the same whatever the stored hash format (issue 14:
	// imported bcrypt users were told apart by 33 ms). Set it to the cost
	// of the imported hashes; 0 means bcrypt.DefaultCost (10).
	LegacyCost int
	// PBKDF2 and Scrypt, when set, add a dummy check of that cost to every
	// failed login of a user whose hash is of another family, as
	// LegacyCost does for bcrypt. Set them to the cost of the imported
	// PBKDF2 (Django, Keycloak) or Firebase scrypt hashes, which the
	// import summary reports; zero adds none, and then a failed login of
	// such a user costs its hash more than the others (docs/import.md).
	// A cost beyond the import bounds is ignored.
	PBKDF2 PBKDF2Cost
	Scrypt ScryptCost
}

// PBKDF2Cost is the cost of a PBKDF2 check: the hash ("sha256" or
// "sha512"), the iterations and the key length in bytes (0: the hash's
// size). Keycloak derives 64-byte keys, Django 32-byte ones.
type PBKDF2Cost struct {
	Hash       string
	Iterations int
	KeyLen     int
}

// ScryptCost is the cost of a Firebase scrypt check: its rounds (scrypt r)
// and mem_cost (log2 N).
type ScryptCost struct {
	Rounds  int
	MemCost int
}

// Default is the production cost.
var Default = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("password mismatch")

// Hasher hashes and verifies passwords. At most Slots hashes run at once, so
// a burst of logins queues instead of starving token refreshes of CPU
// (issue 8: logins are bounded by the password hash).
type Hasher struct {
	params Params
	slots  chan struct{}
	// dummies holds one check per hash family, argon2id first: a failed
	// check runs those of the families other than the stored hash's.
	dummies []check
	// work, when set, is told of every hash computed ("argon2id",
	// "bcrypt", "pbkdf2", "scrypt"): tests assert the work of each path,
	// not its time.
	work func(kind string)
}

// dummyPassword is what the dummy hashes hash; no login ever matches them
// because a dummy check's result is never taken as a success.
const dummyPassword = "renova dummy password"

// New returns a Hasher with the given cost that runs at most slots hashes
// at a time.
func New(p Params, slots int) *Hasher {
	if slots < 1 {
		slots = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, slots)}
	cost := p.LegacyCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	legacy, _ := bcrypt.GenerateFromPassword([]byte(dummyPassword), cost)
	encoded := []string{h.hash([]byte(dummyPassword), make([]byte, 16)), string(legacy)}
	if c := p.PBKDF2; c.Iterations > 0 {
		encoded = append(encoded, PBKDF2String(c.Hash, c.Iterations, make([]byte, 16), make([]byte, keyLen(c))))
	}
	if c := p.Scrypt; c.MemCost > 0 {
		f := Firebase{SignerKey: make([]byte, 64), SaltSeparator: []byte{7}, Rounds: c.Rounds, MemCost: c.MemCost}
		encoded = append(encoded, f.String(make([]byte, 10), make([]byte, 64)))
	}
	for _, e := range encoded {
		if c, err := parse(e); err == nil {
			h.dummies = append(h.dummies, c)
		}
	}
	return h
}

// Hash returns the PHC string of pw with a fresh salt.
func (h *Hasher) Hash(ctx context.Context, pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	return h.hash([]byte(pw), salt), nil
}

// Verify checks pw against encoded: an argon2id PHC string or an imported
// legacy hash (bcrypt, PBKDF2 as Django or Keycloak store it, Firebase
// scrypt; see formats.go). It reports rehash=true when the hash is not
// argon2id at the current parameters, so the caller stores a fresh one.
//
// Every failure does the same work whatever the stored format, so that
// neither "no such user" (an empty hash) nor "this user was imported from
// system X" can be told from "wrong password" by timing (issue 14): the
// check of the stored format plus one dummy check of every other family
// the hasher knows (argon2id and bcrypt always; PBKDF2 and Firebase scrypt
// when Params names their cost). The residual difference is the cost of
// the stored hash's own parameters against the dummy's (docs/import.md).
func (h *Hasher) Verify(ctx context.Context, encoded, pw string) (rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	c, err := parse(encoded)
	if err != nil {
		c = h.dummies[0] // unknown user, or a hash we cannot read: same cost
	}
	if h.run(c, pw) && err == nil {
		return c.family != familyArgon || c.argon != h.params.argonCost(), nil
	}
	for _, d := range h.dummies {
		if d.family != c.family {
			h.run(d, pw)
		}
	}
	return false, ErrMismatch
}

// run computes c's check of pw, telling h.work of the work done.
func (h *Hasher) run(c check, pw string) bool {
	h.did(c.family)
	return c.match([]byte(pw))
}

func (h *Hasher) did(kind string) {
	if h.work != nil {
		h.work(kind)
	}
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.slots }

var b64 = base64.RawStdEncoding

func (h *Hasher) hash(pw, salt []byte) string {
	p := h.params
	key := argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, 32)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

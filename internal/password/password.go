// Package password hashes passwords with argon2id and verifies legacy
// bcrypt hashes so imported users can log in and be re-hashed (PRODUCT.md §1).
package password

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// Params are argon2id cost parameters. Default follows the OWASP password
// storage cheat sheet (m=19 MiB, t=2, p=1): about 20 ms on one core.
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
}

// argon returns p without the bcrypt cost, comparable with the parameters
// read from a stored argon2id hash.
func (p Params) argon() Params {
	p.LegacyCost = 0
	return p
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
	dummy  argonHash // checked when there is no usable argon2id hash
	legacy []byte    // bcrypt hash checked when there is no bcrypt hash
	// work, when set, is told of every hash computed ("argon2id",
	// "bcrypt"): tests assert the work of each path, not its time.
	work func(kind string)
}

// New returns a Hasher with the given cost that runs at most slots hashes
// at a time.
func New(p Params, slots int) *Hasher {
	if slots < 1 {
		slots = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, slots)}
	h.dummy, _ = parseArgon(h.hash([]byte("renova dummy password"), make([]byte, 16)))
	cost := p.LegacyCost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h.legacy, _ = bcrypt.GenerateFromPassword([]byte("renova dummy password"), cost)
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

// Verify checks pw against encoded. It reports rehash=true when the hash is
// a legacy bcrypt hash or weaker than the current parameters.
//
// Every failure does the same work, one argon2id and one bcrypt check, so
// that neither "no such user" (an empty hash) nor "this user was imported
// with bcrypt" can be told from "wrong password" by timing (issue 14).
func (h *Hasher) Verify(ctx context.Context, encoded, pw string) (rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	if isBcrypt(encoded) {
		if !h.checkBcrypt([]byte(encoded), pw) {
			h.checkArgon(h.dummy, pw)
			return false, ErrMismatch
		}
		return true, nil
	}
	a, err := parseArgon(encoded)
	if err != nil {
		a = h.dummy // unknown user, or a hash we cannot read: same cost
	}
	if !h.checkArgon(a, pw) || err != nil {
		h.checkBcrypt(h.legacy, pw)
		return false, ErrMismatch
	}
	return a.params != h.params.argon(), nil
}

func isBcrypt(encoded string) bool { return strings.HasPrefix(encoded, "$2") }

// checkBcrypt reports whether pw matches the bcrypt hash enc.
func (h *Hasher) checkBcrypt(enc []byte, pw string) bool {
	h.did("bcrypt")
	return bcrypt.CompareHashAndPassword(enc, []byte(pw)) == nil
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

// argonHash is a parsed PHC argon2id string.
type argonHash struct {
	params     Params
	salt, want []byte
}

// errFormat is a stored hash that is not a PHC argon2id string.
var errFormat = errors.New("not an argon2id PHC string")

// parseArgon reads a PHC argon2id string.
func parseArgon(encoded string) (argonHash, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return argonHash{}, errFormat
	}
	var v int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return argonHash{}, errFormat
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Threads == 0 || p.Time == 0 {
		return argonHash{}, errFormat
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.Memory > 1<<21 {
		return argonHash{}, errFormat
	}
	return argonHash{params: p, salt: salt, want: want}, nil
}

// checkArgon reports whether pw matches a, comparing in constant time.
func (h *Hasher) checkArgon(a argonHash, pw string) bool {
	h.did("argon2id")
	p := a.params
	got := argon2.IDKey([]byte(pw), a.salt, p.Time, p.Memory, p.Threads, uint32(len(a.want)))
	return subtle.ConstantTimeCompare(got, a.want) == 1
}

// CheckImported validates a hash imported from a legacy system: a bcrypt
// hash ($2a$, $2b$, $2y$) or an argon2id PHC string.
func CheckImported(encoded string) error {
	if strings.HasPrefix(encoded, "$2") {
		if _, err := bcrypt.Cost([]byte(encoded)); err != nil {
			return fmt.Errorf("not a valid bcrypt hash: %w", err)
		}
		return nil
	}
	if strings.HasPrefix(encoded, "$argon2id$") && strings.Count(encoded, "$") == 5 {
		return nil
	}
	return errors.New("unsupported password hash: want bcrypt ($2a$, $2b$, $2y$) or argon2id")
}

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
	dummy  string
}

// New returns a Hasher with the given cost that runs at most slots hashes
// at a time.
func New(p Params, slots int) *Hasher {
	if slots < 1 {
		slots = 1
	}
	h := &Hasher{params: p, slots: make(chan struct{}, slots)}
	h.dummy = h.hash([]byte("renova dummy password"), make([]byte, 16))
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
// a legacy bcrypt hash or weaker than the current parameters. An empty hash
// (unknown user) is checked against a dummy so that "no such user" costs as
// long as "wrong password".
func (h *Hasher) Verify(ctx context.Context, encoded, pw string) (rehash bool, err error) {
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	switch {
	case encoded == "":
		h.verifyArgon(h.dummy, pw)
		return false, ErrMismatch
	case strings.HasPrefix(encoded, "$2"):
		if bcrypt.CompareHashAndPassword([]byte(encoded), []byte(pw)) != nil {
			return false, ErrMismatch
		}
		return true, nil
	}
	p, ok := h.verifyArgon(encoded, pw)
	if !ok {
		return false, ErrMismatch
	}
	return p != h.params, nil
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

// verifyArgon parses a PHC argon2id string and compares in constant time.
func (h *Hasher) verifyArgon(encoded, pw string) (Params, bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Params{}, false
	}
	var v int
	var p Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return Params{}, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Threads == 0 || p.Time == 0 {
		return Params{}, false
	}
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 || p.Memory > 1<<21 {
		return Params{}, false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return p, subtle.ConstantTimeCompare(got, want) == 1
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

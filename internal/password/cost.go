package password

import (
	"fmt"
	"strconv"
	"strings"
)

// WithImportedCost returns p with the dummy costs of spec, the setting
// --imported-hash-cost: comma-separated FORMAT=COST of the hashes a
// deployment imported, so that every failed login pays one check of each
// family at that cost (Verify, docs/import.md):
//
//	bcrypt=COST
//	pbkdf2-sha256=ITERATIONS[/KEY_BYTES]   (also pbkdf2-sha512; one PBKDF2 entry)
//	firebase-scrypt=ROUNDS/MEM_COST
//
// An empty spec returns p unchanged; a cost beyond the import bounds is
// an error.
func WithImportedCost(p Params, spec string) (Params, error) {
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		format, cost, ok := strings.Cut(item, "=")
		if !ok {
			return p, fmt.Errorf("imported hash cost %q: want FORMAT=COST", item)
		}
		if err := p.setCost(format, cost); err != nil {
			return p, fmt.Errorf("imported hash cost %q: %w", item, err)
		}
	}
	return p, nil
}

// setCost sets the dummy cost of one format and checks it against the
// bounds by parsing the dummy hash it makes.
func (p *Params) setCost(format, cost string) error {
	a, b, _ := strings.Cut(cost, "/")
	n, err1 := strconv.Atoi(a)
	m, err2 := 0, error(nil)
	if b != "" {
		m, err2 = strconv.Atoi(b)
	}
	if err1 != nil || err2 != nil || n < 1 || m < 0 {
		return fmt.Errorf("cost %q is not a positive number", cost)
	}
	var enc string
	switch format {
	case "bcrypt":
		if n < 4 || n > maxBcryptCost {
			return fmt.Errorf("bcrypt cost %d: want 4 to %d", n, maxBcryptCost)
		}
		p.LegacyCost = n
		return nil
	case "pbkdf2-sha256", "pbkdf2-sha512":
		p.PBKDF2 = PBKDF2Cost{Hash: strings.TrimPrefix(format, "pbkdf2-"), Iterations: n, KeyLen: m}
		enc = PBKDF2String(p.PBKDF2.Hash, n, nil, make([]byte, keyLen(p.PBKDF2)))
	case "firebase-scrypt":
		p.Scrypt = ScryptCost{Rounds: n, MemCost: m}
		f := Firebase{SignerKey: make([]byte, 64), Rounds: n, MemCost: m}
		enc = f.String(nil, make([]byte, 64))
	default:
		return fmt.Errorf("format %q: want bcrypt, pbkdf2-sha256, pbkdf2-sha512 or firebase-scrypt", format)
	}
	_, err := parse(enc)
	return err
}

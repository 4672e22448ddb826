package config

import (
	"strings"
	"testing"
)

// TestImportedHashCost: the imported hashes' cost is checked at start, so
// a typo or an unbounded cost fails there, naming the item, not at the
// first failed login.
func TestImportedHashCost(t *testing.T) {
	c, err := load(t, []string{"--imported-hash-cost", "bcrypt=12, firebase-scrypt=8/14"}, nil, "")
	if err != nil || c.ImportedHashCost != "bcrypt=12, firebase-scrypt=8/14" {
		t.Errorf("Load(--imported-hash-cost) = %+v, %v", c, err)
	}
	for _, bad := range []string{"bcrypt=40", "sha1=1000", "pbkdf2-sha256"} {
		if _, err := load(t, []string{"--imported-hash-cost", bad}, nil, ""); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("Load(--imported-hash-cost %s) = %v, want an error naming it", bad, err)
		}
	}
}

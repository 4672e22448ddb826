package config

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"
)

// readFile reads the config file named by --config (or RENOVA_CONFIG) into
// its raw values, keyed as written. It refuses a key that names no setting,
// so a typo such as "databse_url" stops the start instead of silently
// running on the default database (issue 14).
func readFile(fs *pflag.FlagSet) (map[string]json.RawMessage, error) {
	file := map[string]json.RawMessage{}
	path, _ := fs.GetString("config")
	if path == "" {
		return file, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	if err := checkKeys(file); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return file, nil
}

// fileKeys lists every key a config file may hold: each setting's flag
// name with "_" for "-", and "mounts".
func fileKeys() []string {
	keys := []string{"mounts"}
	for _, s := range settings {
		keys = append(keys, fileKey(s))
	}
	return keys
}

// fileKey is the config file key of a setting.
func fileKey(s setting) string { return strings.ReplaceAll(s.flag, "-", "_") }

// checkKeys refuses the keys of file that name no setting, all at once and
// in a stable order, each with the likely intended key when one is close.
func checkKeys(file map[string]json.RawMessage) error {
	known := fileKeys()
	var bad []string
	for k := range file {
		if !slices.Contains(known, k) {
			bad = append(bad, k)
		}
	}
	slices.Sort(bad)
	var msgs []string
	for _, k := range bad {
		msgs = append(msgs, UnknownKey(k, known))
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// UnknownKey is the message for a key that names no setting:
// "databse_url: unknown setting (did you mean database_url?)". A key is
// suggested when it is within a third of the typed key's length in edits
// (at least one), or differs only in "-" for "_" and case.
func UnknownKey(key string, known []string) string {
	best, bestD := "", len(key)/3+1
	norm := strings.ToLower(strings.ReplaceAll(key, "-", "_"))
	for _, k := range known {
		if k == norm {
			best, bestD = k, 0
			break
		}
		if d := distance(key, k); d <= bestD && (best == "" || d < distance(key, best)) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return fmt.Sprintf("%s: unknown setting", key)
	}
	return fmt.Sprintf("%s: unknown setting (did you mean %s?)", key, best)
}

// distance is the Levenshtein edit distance between a and b, counting a
// swap of two neighbouring letters as one edit (the commonest typo).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

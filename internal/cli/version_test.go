package cli

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestVersion: `renova version` prints the module version, the VCS
// revision and the toolchain in a parseable line, and the same as JSON.
// A test binary has no module version or revision stamped, so only the
// shape is checked.
func TestVersion(t *testing.T) {
	out, errs, code := execute(t, testSecret, "version")
	re := regexp.MustCompile(`^renova (\S+) \(revision ([0-9a-f]+|unknown)(, modified)?\) (go\S+|unknown)\n$`)
	if code != 0 || !re.MatchString(out) {
		t.Fatalf("renova version = %d, %q (stderr %q); want a line matching %s", code, out, errs, re)
	}
	if strings.Contains(out, "renova dev") {
		t.Errorf("version still prints the placeholder: %q", out)
	}
	jout, _, code := execute(t, testSecret, "version", "--json")
	var v BuildVersion
	if err := json.Unmarshal([]byte(jout), &v); code != 0 || err != nil || v.Version == "" || v.Revision == "" || !strings.HasPrefix(v.Go, "go") {
		t.Errorf("version --json = %d, %q, %v", code, jout, err)
	}
	if v.String()+"\n" != out {
		t.Errorf("--json %+v disagrees with the line %q", v, out)
	}
}

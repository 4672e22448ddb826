package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/auth"
)

// Hashes of "correct horse battery": bcrypt by libxcrypt, Django's by
// Python's hashlib (internal/password/formats_test.go says how).
const (
	importBcrypt = "$2b$04$abcdefghijklmnopqrstuuqREtd3VJD2QVZbuFskFSLk6eRIrQoOS"
	importDjango = "pbkdf2_sha256$20000$Qx7PmS2kA9vL$qf1UHd8YYyxTzRFl1PC5sqGE3nyHRP9GMRr4+OAhBwA="
	importPass   = "correct horse battery"
)

// TestUserImport: `user import FILE` prints the failed lines and a summary
// and exits 1 when a line failed; the others are in and log in. `user
// import - --json` reads stdin and prints every result and the summary as
// NDJSON.
func TestUserImport(t *testing.T) {
	db := newDB(t)
	mustRun(t, db, "tenant", "create", "acme")
	mustRun(t, db, "client", "create", "web", "--tenant", "acme")
	file := filepath.Join(t.TempDir(), "users.ndjson")
	lines := `{"login":"bea","password_hash":"` + importBcrypt + `"}
{"login":"dj","email":"dj@acme.test","password_hash":"` + importDjango + `"}
{"login":"bad"
{"login":"BEA","password_hash":"` + importBcrypt + `"}
`
	if err := os.WriteFile(file, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, db, "user", "import", file, "--tenant", "acme")
	if code != 1 || !strings.Contains(out, "line 3: invalid_json") || !strings.Contains(out, `line 4 (BEA): duplicate_login: login "BEA" is already on line 1`) ||
		!strings.Contains(out, "2 users imported, 2 lines failed, 4 lines read; password hashes: bcrypt 1, django-pbkdf2-sha256 1") ||
		!strings.Contains(out, "serve with --imported-hash-cost bcrypt=4,pbkdf2-sha256=20000") || !strings.Contains(errs, "2 of 4 users were not imported") {
		t.Errorf("user import = %d, stdout %q, stderr %q", code, out, errs)
	}
	app := openApp(t, db, nil)
	for _, user := range []string{"bea", "dj@acme.test"} {
		if _, err := login(t, app, "web", user, importPass); err != nil {
			t.Errorf("login %s after import = %v", user, err)
		}
	}
	app.Close()

	stdin(t, `{"login":"cy","password_hash":"`+importBcrypt+`"}`+"\n"+`{"login":"bea","password_hash":"`+importBcrypt+`"}`)
	out, errs, code = run(t, db, "user", "import", "-", "--tenant", "acme", "--json")
	var got []auth.ImportResult
	var sum struct{ Summary auth.ImportSummary }
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var r auth.ImportResult
		if strings.HasPrefix(sc.Text(), `{"summary"`) {
			json.Unmarshal(sc.Bytes(), &sum)
		} else if json.Unmarshal(sc.Bytes(), &r) == nil {
			got = append(got, r)
		}
	}
	if code != 1 || len(got) != 2 || got[0].Status != "created" || got[1].Code != auth.ImportLoginTaken || sum.Summary.Created != 1 || sum.Summary.Failed != 1 {
		t.Errorf("user import - --json = %d, results %+v, summary %+v, stderr %q", code, got, sum, errs)
	}
	failRun(t, db, "open import file", "user", "import", filepath.Join(t.TempDir(), "missing.ndjson"), "--tenant", "acme")
}

// stdin makes s the process's standard input for the rest of the test.
func stdin(t *testing.T, s string) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "stdin")
	if err := os.WriteFile(f, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = in
	t.Cleanup(func() {
		os.Stdin = old
		in.Close()
	})
}

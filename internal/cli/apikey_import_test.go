package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportKey: client import-key gives a client the key it holds at the
// old system (from a file or standard input, never printed); the key then
// authenticates that client, replacing any earlier one; a short key, a
// missing --key-file and a key another client holds are refused.
func TestImportKey(t *testing.T) {
	db := newDB(t)
	mustRun(t, db, "tenant", "create", "acme")
	mustRun(t, db, "client", "create", "p1", "--tenant", "acme", "--api-key")
	mustRun(t, db, "client", "create", "p2", "--tenant", "acme")
	const key = "AIzaSyCS3yeMs9pYI7BPIy4Cg_d1wcKoW1AIe5Q" // seed 003's example key
	file := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(file, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errs, code := run(t, db, "client", "import-key", "p1", "--key-file", file)
	if code != 0 || strings.Contains(out+errs, key) {
		t.Fatalf("import-key = %d, %q, %q; want success without the key printed", code, out, errs)
	}
	app := openApp(t, db, nil)
	if c, err := app.Svc.ClientByAPIKey(context.Background(), key); err != nil || c.ID != "p1" {
		t.Errorf("ClientByAPIKey(imported key) = %v, %v; want p1", c, err)
	}
	app.Close()

	cases := []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"another client's key", key + "\n", []string{"p2", "--key-file", "-"}, "another client holds"},
		{"short key", "short\n", []string{"p2", "--key-file", "-"}, "16 to 256"},
		{"key with a space", "a key with spaces inside\n", []string{"p2", "--key-file", "-"}, "without spaces"},
		{"no key file", "", []string{"p2"}, "--key-file"},
		{"unknown client", key + "\n", []string{"nobody", "--key-file", "-"}, "nobody"},
	}
	for _, tc := range cases {
		_, errs, code := runStdin(t, db, tc.stdin, append([]string{"client", "import-key"}, tc.args...)...)
		if code == 0 || !strings.Contains(errs, tc.want) || strings.Contains(errs, key) {
			t.Errorf("import-key(%s) = %d, %q; want an error containing %q, without the key", tc.name, code, errs, tc.want)
		}
	}
}

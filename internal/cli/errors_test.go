package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
)

// TestUsageErrors: every mistake on the command line exits 1 with one
// "renova: " line naming it, and no usage dump on stdout.
func TestUsageErrors(t *testing.T) {
	db := newDB(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `unknown command "nope" for "renova"`},
		{[]string{"tenant", "create"}, "accepts 1 arg(s), received 0"},
		{[]string{"tenant", "create", "a", "b"}, "accepts 1 arg(s), received 2"},
		{[]string{"version", "extra"}, `unknown command "extra" for "renova version"`},
		{[]string{"tenant", "list", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"tenant", "list", "--log-format", "xml"}, `log format "xml"`},
		{[]string{"tenant", "list", "--store-timeout", "soon"}, `store-timeout = "soon"`},
		{[]string{"tenant", "list", "--db-max-conns", "8x"}, `db-max-conns = "8x"`},
		{[]string{"tenant", "list", "--config", filepath.Join(t.TempDir(), "missing.json")}, "config file"},
		{[]string{"user", "disable"}, "accepts 1 arg(s), received 0"},
	}
	for _, tc := range cases {
		failRun(t, db, tc.want, tc.args...)
	}
	if _, errs, code := runURL(t, "mysql://localhost/renova", "tenant", "list"); code != 1 || !strings.Contains(errs, `database url "mysql://localhost/renova"`) {
		t.Errorf("a MySQL URL = %d %q", code, errs)
	}
	// run passes --log-level error last, which would win over this one.
	if _, errs, code := execute(t, testSecret, "tenant", "list", "--database-url", "sqlite:"+db, "--log-level", "verbose"); code != 1 || !strings.Contains(errs, `log level "verbose"`) {
		t.Errorf("--log-level verbose = %d %q", code, errs)
	}
}

// TestSecretChecks: a short RENOVA_SECRET fails every command that opens
// the database; PostgreSQL without one fails too, since replicas must
// share it.
func TestSecretChecks(t *testing.T) {
	db := newDB(t)
	if _, errs, code := execute(t, "too short", "tenant", "list", "--database-url", "sqlite:"+db); code != 1 || !strings.Contains(errs, "RENOVA_SECRET must be at least 32 characters") {
		t.Errorf("tenant list with a 9-character RENOVA_SECRET = %d %q", code, errs)
	}
	if _, err := os.Stat(db + ".secret"); !os.IsNotExist(err) {
		t.Errorf("a secret file was written although RENOVA_SECRET was set: %v", err)
	}
}

// TestSettingSources: a subcommand sees the root's settings from the
// environment and the config file, flag over environment over file
// (PRODUCT.md §5).
func TestSettingSources(t *testing.T) {
	dir := t.TempDir()
	fileDB, envDB, flagDB := filepath.Join(dir, "file.db"), filepath.Join(dir, "env.db"), filepath.Join(dir, "flag.db")
	cfgFile := filepath.Join(dir, "renova.json")
	if err := os.WriteFile(cfgFile, []byte(`{"database_url": "sqlite:`+fileDB+`", "log_level": "error"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RENOVA_DATABASE_URL", "")
	if _, errs, code := execute(t, testSecret, "tenant", "create", "from-file", "--config", cfgFile); code != 0 {
		t.Fatal(errs)
	}
	t.Setenv("RENOVA_DATABASE_URL", "sqlite:"+envDB)
	if _, errs, code := execute(t, testSecret, "tenant", "create", "from-env", "--config", cfgFile); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := execute(t, testSecret, "tenant", "create", "from-flag", "--config", cfgFile, "--database-url", "sqlite:"+flagDB); code != 0 {
		t.Fatal(errs)
	}
	for db, want := range map[string]string{fileDB: "from-file", envDB: "from-env", flagDB: "from-flag"} {
		var ts []tenantJSON
		runJSON(t, db, &ts, "tenant", "list")
		if len(ts) != 1 || ts[0].Slug != want {
			t.Errorf("tenants in %s = %+v, want only %s", filepath.Base(db), ts, want)
		}
	}
}

// TestPostgres: the admin commands work the same on PostgreSQL, where
// RENOVA_SECRET is required.
func TestPostgres(t *testing.T) {
	url := apptest.PostgresURL(t)
	if out, errs, code := runURL(t, url, "migrate"); code != 0 || !strings.Contains(out, "migrations applied") {
		t.Fatalf("migrate on PostgreSQL = %d %s", code, errs)
	}
	if _, errs, code := runURL(t, url, "tenant", "create", "acme", "--json"); code != 0 {
		t.Fatal(errs)
	}
	if _, errs, code := runURL(t, url, "user", "create", "bob", "--tenant", "acme", "--password-file", pwFile(t, "correct horse")); code != 0 {
		t.Fatal(errs)
	}
	out, errs, code := runURL(t, url, "user", "list", "--tenant", "acme", "--json")
	if code != 0 || !strings.Contains(out, `"login": "bob"`) {
		t.Errorf("user list on PostgreSQL = %d %s %s", code, out, errs)
	}
	if _, errs, code := execute(t, "", "tenant", "list", "--database-url", url); code != 1 || !strings.Contains(errs, "RENOVA_SECRET is required with PostgreSQL") {
		t.Errorf("PostgreSQL without RENOVA_SECRET = %d %q", code, errs)
	}
}

package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/config"
)

// TestConfigTypoStopsStart: the typo from issue 14, "databse_url" in the
// config file, stops `renova serve` with a message naming the key and the
// intended one, and no ./renova.db (the default database) appears.
func TestConfigTypoStopsStart(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	file := filepath.Join(dir, "renova.json")
	if err := os.WriteFile(file, []byte(`{"databse_url": "sqlite:`+filepath.Join(dir, "mine.db")+`"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("RENOVA_DATABASE_URL", "")
	out, errs, code := execute(t, testSecret, "serve", "--config", file, "--http-addr", "127.0.0.1:0")
	want := "databse_url: unknown setting (did you mean database_url?)"
	if code != 1 || !strings.Contains(errs, want) || out != "" {
		t.Errorf("serve with a typo = %d, stdout %q, stderr %q; want 1 and %q", code, out, errs, want)
	}
	for _, f := range []string{"renova.db", "mine.db"} {
		if _, err := os.Stat(filepath.Join(dir, f)); !os.IsNotExist(err) {
			t.Errorf("%s exists after a refused start (stat: %v)", f, err)
		}
	}
}

// TestBadLogLevelStopsStart: an unknown --log-level stops the start.
func TestBadLogLevelStopsStart(t *testing.T) {
	db := newDB(t)
	out, errs, code := execute(t, testSecret, "serve", "--http-addr", "127.0.0.1:0", "--database-url", "sqlite:"+db, "--log-level", "loud")
	if code != 1 || !strings.Contains(errs, `log level "loud"`) || out != "" {
		t.Errorf("serve --log-level loud = %d, stdout %q, stderr %q", code, out, errs)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("database created by a refused start (stat: %v)", err)
	}
}

// TestConfigPrint: `renova config print` shows each setting with its
// source, and neither the master secret nor a PostgreSQL password, in
// the table or in --json.
func TestConfigPrint(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "renova.json")
	if err := os.WriteFile(file, []byte(`{"issuer": "https://id.example", "store_timeout": "5s"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	const pgPass, secret = "pg-s3cret-pass", "print-test-secret-print-test-secret"
	t.Setenv("RENOVA_LOG_LEVEL", "debug")
	t.Setenv("RENOVA_DATABASE_URL", "postgres://renova:"+pgPass+"@db.example:5432/renova?sslmode=disable&password="+pgPass)
	args := []string{"config", "print", "--config", file, "--http-addr", "127.0.0.1:9999"}
	out, errs, code := execute(t, secret, args...)
	jout, jerrs, jcode := execute(t, secret, append(args, "--json")...)
	if code != 0 || jcode != 0 {
		t.Fatalf("config print = %d %s; --json = %d %s", code, errs, jcode, jerrs)
	}
	for _, o := range []string{out, jout} {
		if strings.Contains(o, pgPass) || strings.Contains(o, secret) {
			t.Errorf("config print shows a secret:\n%s", o)
		}
	}
	var vals []config.Value
	if err := json.Unmarshal([]byte(jout), &vals); err != nil {
		t.Fatalf("--json printed %q: %v", jout, err)
	}
	got := map[string]config.Value{}
	for _, v := range vals {
		got[v.Key] = v
	}
	want := map[string][2]string{ // key → value, source
		"http_addr":     {"127.0.0.1:9999", "flag"},
		"log_level":     {"debug", "env"},
		"issuer":        {"https://id.example", "file"},
		"store_timeout": {"5s", "file"},
		"log_format":    {"text", "default"},
		"database_url":  {"postgres://renova:REDACTED@db.example:5432/renova?password=REDACTED&sslmode=disable", "env"},
		"secret":        {config.Redacted, "env"},
	}
	for k, w := range want {
		if g := got[k]; g.Value != w[0] || g.Source != w[1] {
			t.Errorf("%s = %+v, want %+v", k, got[k], w)
		}
	}
	if !regexp.MustCompile(`(?m)^http_addr\s+127\.0\.0\.1:9999\s+flag$`).MatchString(out) {
		t.Errorf("table lacks the http_addr row:\n%s", out)
	}
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

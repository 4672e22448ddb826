package server_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
)

// sqliteConfig is a valid configuration on a fresh SQLite file in dir,
// without RENOVA_SECRET.
func sqliteConfig(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: "sqlite:" + filepath.Join(dir, "r.db"), LogFormat: "text", StoreTimeout: 5e9}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// build runs server.Build and returns the app (closed when the test ends),
// what was logged and the error.
func build(t *testing.T, cfg *config.Config) (*server.App, string, error) {
	t.Helper()
	var logs bytes.Buffer
	app, err := server.Build(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, nil)), server.Options{Password: apptest.FastPassword})
	if err == nil {
		t.Cleanup(func() { app.Close() })
	}
	return app, logs.String(), err
}

// TestSecretFileRefused: a secret file that is empty, short or unreadable
// stops the start with an error naming the file, and is left as it was:
// the signing keys in the database are sealed with the secret it held, so
// generating a new one would lock them out for good.
func TestSecretFileRefused(t *testing.T) {
	cases := []struct {
		name    string
		prepare func(t *testing.T, file string)
		want    string
	}{
		{"empty", writeFile(""), "holds 0 characters, want at least 32"},
		{"blank lines", writeFile("\n  \n"), "holds 0 characters, want at least 32"},
		{"short", writeFile("only-twenty-chars-xx\n"), "holds 20 characters, want at least 32"},
		{"one short of the minimum", writeFile(strings.Repeat("s", 31)), "holds 31 characters"},
		{"a directory in its place", func(t *testing.T, file string) {
			if err := os.Mkdir(file, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "is a directory"},
		{"a symbolic link to itself", func(t *testing.T, file string) {
			if err := os.Symlink(filepath.Base(file), file); err != nil {
				t.Fatal(err)
			}
		}, "too many levels of symbolic links"},
		{"unreadable but writable (mode 0200)", func(t *testing.T, file string) {
			// The case the old code got worst: the read failed, and the
			// write that followed replaced the secret the keys need.
			if os.Geteuid() == 0 {
				t.Skip("root reads a mode-0200 file; the directory and link cases cover read errors here")
			}
			writeFile(strings.Repeat("s", 48))(t, file)
			if err := os.Chmod(file, 0o200); err != nil {
				t.Fatal(err)
			}
		}, "permission denied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := sqliteConfig(t, dir)
			file := filepath.Join(dir, "r.db.secret")
			tc.prepare(t, file)
			before := snapshot(t, file)
			_, logs, err := build(t, cfg)
			if err == nil || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Build with a secret file %s = %v; want an error naming %s and containing %q", tc.name, err, file, tc.want)
			}
			if strings.Contains(err.Error(), "write dev secret") {
				t.Errorf("Build = %v; want the read error, not a failed attempt to write a new secret", err)
			}
			if strings.Contains(logs, "generated one") {
				t.Errorf("Build generated a new secret although %s exists:\n%s", file, logs)
			}
			if after := snapshot(t, file); after != before {
				t.Errorf("the secret file changed from %q to %q; it must be left for the operator to repair", before, after)
			}
		})
	}
}

func writeFile(content string) func(t *testing.T, file string) {
	return func(t *testing.T, file string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// snapshot describes what is at path, to tell whether Build touched it.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	info, err := os.Lstat(path)
	switch {
	case err != nil:
		return "error: " + err.Error()
	case info.IsDir():
		return "directory"
	case info.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return "link to " + target
	}
	b, err := os.ReadFile(path)
	if err != nil {
		b = []byte("(unreadable)")
	}
	return fmt.Sprintf("%v %d bytes %s", info.Mode(), info.Size(), b)
}

// TestSecretFileGeneratedThenReused: without RENOVA_SECRET the first start
// generates a secret into a 0600 file and warns; the next start reuses it
// as is, and the signing keys sealed with it open.
func TestSecretFileGeneratedThenReused(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	file := filepath.Join(dir, "r.db.secret")
	app, logs, err := build(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := app.Ring.Current("ES256")
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("generated secret file: %v, mode %v; want 0600", err, info.Mode())
	}
	generated, _ := os.ReadFile(file)
	if s := strings.TrimSpace(string(generated)); len(s) < 32 {
		t.Errorf("generated secret has %d characters, want at least 32", len(s))
	}
	if !strings.Contains(logs, "RENOVA_SECRET is not set") || strings.Contains(logs, strings.TrimSpace(string(generated))) {
		t.Errorf("first start logs: want the warning and never the secret itself:\n%s", logs)
	}

	app, logs, err = build(t, sqliteConfig(t, dir))
	if err != nil {
		t.Fatalf("second Build with the generated secret file: %v", err)
	}
	again, _ := app.Ring.Current("ES256")
	if again.Kid != first.Kid {
		t.Errorf("current ES256 key after restart = %s, want %s (the stored key, opened with the same secret)", again.Kid, first.Kid)
	}
	if now, _ := os.ReadFile(file); string(now) != string(generated) {
		t.Errorf("secret file rewritten on the second start: %q, was %q", now, generated)
	}
	if strings.Contains(logs, "RENOVA_SECRET is not set") {
		t.Errorf("second start warned about generating a secret:\n%s", logs)
	}
}

// TestSecretFileWithWhitespace: a hand-written secret file with a trailing
// newline or spaces is accepted, trimmed, and not rewritten.
func TestSecretFileWithWhitespace(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "r.db.secret")
	content := "  " + strings.Repeat("k", 32) + "\r\n"
	writeFile(content)(t, file)
	if _, _, err := build(t, sqliteConfig(t, dir)); err != nil {
		t.Fatalf("Build with a 32-character secret file: %v", err)
	}
	if now, _ := os.ReadFile(file); string(now) != content {
		t.Errorf("secret file rewritten: %q", now)
	}
}

// TestSecretFromEnvironment: RENOVA_SECRET wins over the file and is held
// to the same minimum; with it no file is written.
func TestSecretFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	cfg := sqliteConfig(t, dir)
	cfg.Secret = strings.Repeat("e", 31)
	if _, _, err := build(t, cfg); err == nil || !strings.Contains(err.Error(), "RENOVA_SECRET must be at least 32 characters") {
		t.Errorf("Build with a 31-character RENOVA_SECRET = %v", err)
	}
	cfg.Secret = strings.Repeat("e", 32)
	if _, _, err := build(t, cfg); err != nil {
		t.Fatalf("Build with a 32-character RENOVA_SECRET: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "r.db.secret")); !os.IsNotExist(err) {
		t.Errorf("a secret file was written although RENOVA_SECRET is set: %v", err)
	}
}

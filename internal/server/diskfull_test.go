package server_test

import (
	"database/sql"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
)

// mountTmpfs mounts a tmpfs of size bytes on a fresh directory and
// unmounts it when the test ends; it skips the test where mounting is not
// allowed (not root, no CAP_SYS_ADMIN, no mount(8)).
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root): %v %s", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

// fill writes path until the file system is full.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			break
		}
	}
	// The last bytes: what a 64 KiB write could not take.
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			return
		}
	}
}

// refreshResponse is refresh with the headers, for Retry-After.
func refreshResponse(t *testing.T, env *apptest.Env, c *apptestCreds, rt string) (*apptest.Response, map[string]any) {
	t.Helper()
	return tokenResponse(t, env, c, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

// waitStatus polls path until it answers want, for at most d.
func waitStatus(t *testing.T, env *apptest.Env, path string, want int, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for status(t, env, path) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within %v", path, want, d)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition, bounded above
	}
}

// TestDiskFull runs renova on a small tmpfs and fills it (issue 14,
// hardening): refreshes answer 503 temporarily_unavailable with
// Retry-After, never 500, /readyz turns 503; once space is freed both
// recover by themselves, the token whose refresh failed still works and
// the database is intact.
func TestDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "16m")
	db := filepath.Join(dir, "renova.db")
	env := apptest.Start(t, apptest.Options{DatabaseURL: "sqlite:" + db, StoreTimeout: 2 * time.Second})
	creds := credsOf(env)
	rt := loginRT(t, env, creds)
	waitStatus(t, env, "/readyz", 200, time.Second)

	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	// The WAL may reuse frames it already holds: refresh until a write
	// needs new space. Every answer until then is a success.
	var refused string
	for i := 0; i < 20000 && refused == ""; i++ {
		r, v := refreshResponse(t, env, creds, rt)
		switch r.Status {
		case 200:
			rt = v["refresh_token"].(string)
		case 503:
			if v["error"] != "temporarily_unavailable" || r.Header.Get("Retry-After") == "" {
				t.Fatalf("refresh on a full disk = 503 %v, Retry-After %q; want temporarily_unavailable with Retry-After", v, r.Header.Get("Retry-After"))
			}
			refused = rt
			t.Logf("refresh %d on the full disk answered 503", i)
		default:
			t.Fatalf("refresh %d on a full disk = %d %v; want 200 or 503", i, r.Status, v)
		}
	}
	if refused == "" {
		t.Fatal("20000 refreshes on a full disk all succeeded")
	}
	waitStatus(t, env, "/readyz", 503, 3*time.Second)
	if s := status(t, env, "/healthz"); s != 200 {
		t.Errorf("healthz on a full disk = %d, want 200 (the process is alive)", s)
	}
	if r, v := refreshResponse(t, env, creds, refused); r.Status != 503 {
		t.Errorf("refresh again on the full disk = %d %v, want 503", r.Status, v)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, env, "/readyz", 200, 3*time.Second)
	r, v := refreshResponse(t, env, creds, refused)
	if r.Status != 200 {
		t.Fatalf("refresh after freeing space = %d %v; want 200 with the token the full disk could not rotate", r.Status, v)
	}
	if r, v := refreshResponse(t, env, creds, v["refresh_token"].(string)); r.Status != 200 {
		t.Errorf("refresh of its successor = %d %v", r.Status, v)
	}
	raw, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var check string
	if err := raw.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check after the full disk = %q %v", check, err)
	}
}

//go:build linux

package deploytest

import (
	"bytes"
	"debug/elf"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	version = "v0.0.0-deploytest"
	// drain is the bound renova gives in-flight requests on SIGTERM
	// (internal/server ServeOn); the unit's TimeoutStopSec and the
	// Dockerfile's advice sit above it.
	drain = 15 * time.Second
)

// need skips the test when a prerequisite is missing, except in CI (CI
// set), where it fails: CI must run the deployment test.
func need(t *testing.T, ok bool, why string) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set but %s", why)
	}
	t.Skip(why)
}

// build builds ./cmd/renova the way deploy/Dockerfile does (CGO_ENABLED=0,
// -trimpath, no VCS stamp, the version by -ldflags) into dir.
func build(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	need(t, err == nil, "no go command on PATH to build the binary")
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "renova")
	cmd := exec.Command(goBin, "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X github.com/renova-auth/renova/internal/cli.Version="+version,
		"-o", bin, "./cmd/renova")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestContainerLikeRun is issue 14's acceptance 5, standing in for
// `docker build` of deploy/Dockerfile: the binary built with CGO_ENABLED=0
// is static (it runs on distroless/static or scratch), and it serves as a
// non-root user from an empty working directory it cannot write, with a
// temporary directory it cannot write either (a read-only root filesystem
// without a tmpfs), writing only to its data directory. It becomes ready,
// logs a user in with the credentials it printed, answers `renova
// healthcheck` (the image's HEALTHCHECK), and exits 0 within the drain
// bound on SIGTERM.
func TestContainerLikeRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	base := t.TempDir()
	binDir := filepath.Join(base, "bin")
	mkdir(t, binDir, 0o755)
	bin := build(t, binDir)

	// Static: no program interpreter (ld.so) and no dynamic section.
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("binary has a %v program header: not statically linked", p.Type)
		}
	}
	if f.Section(".interp") != nil || f.Section(".dynamic") != nil {
		t.Error("binary has an .interp or .dynamic section: not statically linked")
	}
	f.Close()

	// The user: nobody when the test runs as root, else the test's own
	// (already non-root) user.
	uid, gid := os.Getuid(), os.Getgid()
	var cred *syscall.Credential
	if uid == 0 {
		u, err := user.Lookup("nobody")
		need(t, err == nil, fmt.Sprintf("running as root but no user nobody to drop to: %v", err))
		uid, _ = strconv.Atoi(u.Uid)
		gid, _ = strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}
		// t.TempDir's directories are 0700: let nobody reach the binary.
		// Up to, not including, the temporary directory itself.
		for d := base; d != filepath.Clean(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	if uid == 0 {
		t.Fatal("the server would run as root")
	}
	work := filepath.Join(base, "work") // empty, not writable
	tmp := filepath.Join(base, "tmp")   // TMPDIR, not writable
	data := filepath.Join(base, "data") // the only writable place
	mkdir(t, work, 0o555)
	mkdir(t, tmp, 0o555)
	mkdir(t, data, 0o700)
	if err := os.Chown(data, uid, gid); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, base, data)
	tmpBefore := ownedBy(t, os.TempDir(), uid)

	run := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = work
		cmd.Env = []string{
			"PATH=/usr/bin:/bin", "HOME=" + work, "TMPDIR=" + tmp,
			"RENOVA_SECRET=deploy-test-secret-deploy-test-secret",
			"RENOVA_DATABASE_URL=sqlite:" + filepath.Join(data, "renova.db"),
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		return cmd
	}

	if out, err := run("version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "renova "+version+" ") {
		t.Errorf("renova version = %q, %v; want the -ldflags version %s", out, err, version)
	}

	var stdout, stderr lockedBuffer
	srv := run("serve", "--http-addr", "127.0.0.1:0")
	srv.Stdout, srv.Stderr = &stdout, &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	t.Cleanup(func() {
		srv.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
	})

	// Ready: the address from the log, then /readyz answering 200, both
	// polled against one deadline.
	deadline := time.Now().Add(60 * time.Second)
	listenRE := regexp.MustCompile(`renova listening"? addr=(\S+)`)
	var srvURL string
	for srvURL == "" {
		if m := listenRE.FindStringSubmatch(stderr.String()); m != nil {
			srvURL = "http://" + m[1]
			break
		}
		wait(t, deadline, exited, "the listening address")
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for {
		resp, err := client.Get(srvURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		wait(t, deadline, exited, "/readyz to answer 200")
	}

	creds := map[string]string{}
	for creds["client secret"] == "" || creds["admin password"] == "" {
		for _, line := range strings.Split(stdout.String(), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
				creds[k] = strings.TrimSpace(v)
			}
		}
		if creds["client secret"] == "" || creds["admin password"] == "" {
			wait(t, deadline, exited, "the first-start credentials on stdout")
		}
	}

	form := url.Values{"grant_type": {"password"}, "username": {creds["admin user"]}, "password": {creds["admin password"]}}
	req, _ := http.NewRequest("POST", srvURL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(creds["client id"], creds["client secret"])
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("password login with the printed credentials: %d %q", resp.StatusCode, tok.Error)
	}

	// The image's HEALTHCHECK, as the same user.
	if out, err := run("healthcheck", "--url", srvURL+"/readyz").CombinedOutput(); err != nil {
		t.Errorf("renova healthcheck on a ready server: %v %s", err, out)
	}
	if out, err := run("healthcheck", "--url", srvURL+"/nonexistent").CombinedOutput(); err == nil {
		t.Errorf("renova healthcheck on a 404 succeeded: %s", out)
	}

	// SIGTERM: a clean exit within the drain bound.
	start := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err // for the cleanup
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
		t.Logf("exited %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	case <-time.After(drain + 5*time.Second):
		t.Fatalf("still running %v after SIGTERM", drain+5*time.Second)
	}
	if !strings.Contains(stderr.String(), "shutting down") {
		t.Error("no shutdown line in the log")
	}

	// Nothing written outside the data directory; the database inside it,
	// owned by the user.
	after := snapshot(t, base, data)
	for p, s := range after {
		if before[p] != s {
			t.Errorf("written outside the data directory: %s (%s)", p, s)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("removed outside the data directory: %s", p)
		}
	}
	for p := range ownedBy(t, os.TempDir(), uid) {
		if !tmpBefore[p] && uid != os.Getuid() {
			t.Errorf("%s appeared in %s, owned by the server's user", p, os.TempDir())
		}
	}
	entries, err := os.ReadDir(data)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		info, _ := e.Info()
		if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
			t.Errorf("%s is owned by uid %d, not the server's %d", e.Name(), st.Uid, uid)
		}
	}
	t.Logf("data directory after the run: %v", names)
	if _, err := os.Stat(filepath.Join(data, "renova.db")); err != nil {
		t.Errorf("no database in the data directory: %v", err)
	}
}

// TestSystemdUnit runs `systemd-analyze verify` on deploy/renova.service,
// pointed at a freshly built binary (the unit's /usr/local/bin/renova need
// not exist here). Verify exits 0 on unknown keys and bad values (it only
// warns), so any line naming the unit fails the test too.
func TestSystemdUnit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not found: the unit is not verified here")
	}
	unit, err := os.ReadFile("../../deploy/renova.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DynamicUser=yes", "StateDirectory=renova", "ProtectSystem=strict", "ProtectHome=yes",
		"PrivateTmp=yes", "NoNewPrivileges=yes", "\nCapabilityBoundingSet=\n", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
		"SystemCallFilter=@system-service", "EnvironmentFile=-/etc/renova/env", "Restart=on-failure", "KillSignal=SIGTERM",
		"ExecStart=/usr/local/bin/renova serve --database-url sqlite:/var/lib/renova/renova.db"} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("the unit lacks %q", strings.TrimSpace(want))
		}
	}
	m := regexp.MustCompile(`(?m)^TimeoutStopSec=(\S+)$`).FindSubmatch(unit)
	if m == nil {
		t.Error("the unit sets no TimeoutStopSec")
	} else if d, err := time.ParseDuration(string(m[1])); err != nil || d <= drain || d > drain+15*time.Second {
		t.Errorf("TimeoutStopSec=%s: want a little above the %v drain", m[1], drain)
	}

	dir := t.TempDir()
	bin := build(t, dir)
	unitCopy := filepath.Join(dir, "renova.service")
	patched := strings.ReplaceAll(string(unit), "ExecStart=/usr/local/bin/renova ", "ExecStart="+bin+" ")
	if err := os.WriteFile(unitCopy, []byte(patched), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(sa, "verify", unitCopy)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if strings.Contains(line, "renova.service") {
			t.Errorf("systemd-analyze verify: %s", line)
		} else if line != "" {
			t.Logf("systemd-analyze verify (not about the unit): %s", line)
		}
	}
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil { // past the umask
		t.Fatal(err)
	}
}

// wait pauses one poll interval, failing the test past the deadline or
// when the server has exited.
func wait(t *testing.T, deadline time.Time, exited chan error, what string) {
	t.Helper()
	if time.Now().After(deadline) {
		t.Fatalf("no %s before the deadline", what)
	}
	select {
	case err := <-exited:
		exited <- err
		t.Fatalf("the server exited (%v) while waiting for %s", err, what)
	case <-time.After(50 * time.Millisecond):
	}
}

// snapshot records every path under root but skip (and its contents) with
// its mode, size and modification time.
func snapshot(t *testing.T, root, skip string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == skip {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		m[p] = fmt.Sprintf("%v %d %d", info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// ownedBy lists the entries of dir owned by uid.
func ownedBy(t *testing.T, dir string, uid int) map[string]bool {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{}
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && int(st.Uid) == uid {
			m[e.Name()] = true
		}
	}
	return m
}

// lockedBuffer is a bytes.Buffer the process writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

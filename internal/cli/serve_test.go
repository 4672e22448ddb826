package cli

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// serving is a `renova serve` running in the test process.
type serving struct {
	addr   string
	stdout *bytes.Buffer // read only after stop
	stop   func() int    // ends the context and returns the exit code
}

// startServe runs `renova serve` on db and a loopback port and returns
// once the log says it listens; its address is read from that line.
func startServe(t *testing.T, db string, extra ...string) *serving {
	t.Helper()
	t.Setenv("RENOVA_SECRET", testSecret)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &serving{stdout: &bytes.Buffer{}}
	code := make(chan int, 1)
	args := append([]string{"serve", "--http-addr", "127.0.0.1:0", "--issuer", "http://renova.test", "--database-url", "sqlite:" + db}, extra...)
	go func() {
		code <- Execute(ctx, args, s.stdout, pw)
		pw.Close()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		re := regexp.MustCompile(`msg="renova listening" addr=(\S+)`)
		for sc.Scan() { // drained to the end, so the server never blocks on its log
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	stopped := false
	s.stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		return <-code
	}
	t.Cleanup(func() { s.stop() })
	select {
	case s.addr = <-addr:
	case c := <-code:
		stopped = true
		t.Fatalf("renova serve exited with %d before listening", c)
	case <-time.After(10 * time.Second): // only turns a hang into a failure
		t.Fatal(`renova serve logged no "renova listening" line within 10s`)
	}
	return s
}

// TestServeCommand: the first `renova serve` on an empty database prints
// the demo credentials once, which then log in; a later start prints
// nothing; the context ending stops it with exit code 0 (cmd/renova wires
// SIGINT and SIGTERM to that context).
func TestServeCommand(t *testing.T) {
	db := newDB(t)
	first := startServe(t, db)
	resp, err := http.Get("http://" + first.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /healthz on renova serve = %d", resp.StatusCode)
	}
	if code := first.stop(); code != 0 {
		t.Errorf("renova serve stopped by its context exited %d, want 0", code)
	}
	printed := first.stdout.String()
	pass := regexp.MustCompile(`admin password: (\S+)`).FindStringSubmatch(printed)
	secret := regexp.MustCompile(`client secret:  (rn_cs_\S+)`).FindStringSubmatch(printed)
	if !strings.Contains(printed, "These credentials are shown once") || pass == nil || secret == nil {
		t.Fatalf("first start printed:\n%s\nwant the admin password and the client secret", printed)
	}

	second := startServe(t, db)
	form := url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {pass[1]}}
	req, _ := http.NewRequest("POST", "http://"+second.addr+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("demo-client", secret[1])
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("login with the printed credentials = %d", resp.StatusCode)
	}
	if code := second.stop(); code != 0 || second.stdout.Len() != 0 {
		t.Errorf("second start: exit %d, printed %q; want 0 and nothing", code, second.stdout.String())
	}
}

// TestServeRefusesBadMount: a mount that cannot be resolved stops the
// start with exit code 1 before it serves a request (the port is bound first,
// so that a first start on a busy port prints no credentials).
func TestServeRefusesBadMount(t *testing.T) {
	db := newDB(t)
	failRun(t, db, `unknown dialect "nope"`, "serve", "--http-addr", "127.0.0.1:0", "--mount", "dialect=nope,tenant=demo,client=demo-client")
	failRun(t, db, `tenant "ghost"`, "serve", "--http-addr", "127.0.0.1:0", "--mount", "dialect=icredit,tenant=ghost,client=demo-client")
}

// TestMigrate: migrate creates the schema on a new database and is a
// no-op the second time.
func TestMigrate(t *testing.T) {
	db := newDB(t)
	for range 2 {
		if out := mustRun(t, db, "migrate"); strings.TrimSpace(out) != "migrations applied" {
			t.Errorf("migrate printed %q", out)
		}
	}
	mustRun(t, db, "tenant", "create", "after-migrate")
}

// TestServeBusyPortKeepsCredentials: a first start on a busy port fails
// without creating or printing the demo credentials, so the next start on
// a free port still prints them (issue 14: they used to be printed, then
// lost).
func TestServeBusyPortKeepsCredentials(t *testing.T) {
	db := newDB(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	out, errs, code := run(t, db, "serve", "--http-addr", busy.Addr().String())
	if code != 1 || !strings.Contains(errs, "address already in use") || strings.Contains(out, "admin password") {
		t.Fatalf("serve on a busy port = %d, stdout %q, stderr %q; want 1, the bind error and no credentials", code, out, errs)
	}
	next := startServe(t, db)
	if code := next.stop(); code != 0 {
		t.Errorf("second start exited %d", code)
	}
	if printed := next.stdout.String(); !strings.Contains(printed, "These credentials are shown once") || !strings.Contains(printed, "admin password: ") {
		t.Errorf("start after the failed one printed %q, want the credentials", printed)
	}
}

package main

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"

	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
)

// TestKillMidRotation is PRODUCT.md §2.6: a renova process killed with
// SIGKILL in the middle of a refresh storm leaves every session with
// exactly one live token and no half-written one, and after a restart every
// client's last-held token still works (a rotation whose answer was lost to
// the crash is replayed from the grace window, not counted as theft).
// Rotations are group-committed (issue 16), so the kill waits until the
// server's metrics show batches of several rotations: it lands among
// batched commits. It runs on SQLite and, with RENOVA_TEST_DATABASE_URL,
// on PostgreSQL.
func TestKillMidRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "renova")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("sqlite", func(t *testing.T) { killMidRotation(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "renova.db")) })
	t.Run("postgres", func(t *testing.T) { killMidRotation(t, bin, pgtest.FreshSchema(t, pgtest.URL(t))) })
}

// killMidRotation runs the storm on the database dbURL, kills the server
// among batched commits, and checks the database and the held tokens.
func killMidRotation(t *testing.T, bin, dbURL string) {
	srv := start(t, bin, dbURL, true)
	creds := srv.creds
	const workers = 16
	held := make([]string, workers)
	for i := range held {
		held[i] = srv.token(t, url.Values{"grant_type": {"password"}, "username": {"admin"}, "password": {creds["admin password"]}})
	}

	var done atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	underway := make(chan struct{}) // closed at the 300th rotation
	var once sync.Once
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				next, err := srv.refresh(held[i])
				if err != nil {
					return // the server died under us: keep the token we hold
				}
				held[i] = next
				if done.Add(1) == 300 {
					once.Do(func() { close(underway) })
				}
			}
		}()
	}
	<-underway // kill only once the storm is well under way
	srv.waitBatched(t, 50)
	srv.cmd.Process.Signal(syscall.SIGKILL)
	close(stop)
	wg.Wait()
	srv.cmd.Wait()

	checkOneLiveToken(t, dbURL)
	again := start(t, bin, dbURL, false)
	again.creds = srv.creds
	for i, tok := range held {
		if _, err := again.refresh(tok); err != nil {
			t.Errorf("worker %d's last-held token after the crash: %v", i, err)
		}
	}
	again.cmd.Process.Signal(syscall.SIGTERM)
	again.cmd.Wait()
	checkOneLiveToken(t, dbURL)
}

// waitBatched scrapes the server's metrics until at least n rotations
// have shared a commit with another (rotations minus batches), failing
// after 30 s: the storm is then running through batched commits.
func (s *server) waitBatched(t *testing.T, n float64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		m := s.metrics(t)
		if m["renova_rotation_batched_total"]-m["renova_rotation_batches_total"] >= n {
			t.Logf("killing among batched commits: %v", m)
			return
		}
	}
	t.Fatalf("no batched rotations after 30 s: %v", s.metrics(t))
}

// metrics reads the rotation batch counters of the server's /metrics.
func (s *server) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, v, ok := strings.Cut(sc.Text(), " ")
		if ok && strings.HasPrefix(name, "renova_rotation_batch") {
			var f float64
			fmt.Sscan(v, &f)
			m[name] = f
		}
	}
	return m
}

// checkOneLiveToken opens the database directly and checks that every
// session has exactly one unused refresh token.
func checkOneLiveToken(t *testing.T, dbURL string) {
	t.Helper()
	driver, dsn := "pgx", dbURL
	if path, ok := strings.CutPrefix(dbURL, "sqlite:"); ok {
		driver, dsn = "sqlite", "file:"+path
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sessions, bad int
	err = db.QueryRow(`SELECT count(*), coalesce(sum(CASE WHEN (SELECT count(*) FROM refresh_tokens t
		WHERE t.session_id = s.id AND t.used_at IS NULL) = 1 THEN 0 ELSE 1 END), 0) FROM sessions s`).Scan(&sessions, &bad)
	if err != nil {
		t.Fatal(err)
	}
	if sessions == 0 || bad != 0 {
		t.Errorf("after the crash: %d of %d sessions without exactly one unused token", bad, sessions)
	}
}

type server struct {
	cmd   *exec.Cmd
	url   string
	creds map[string]string
}

var listenRE = regexp.MustCompile(`renova listening"? addr=(\S+)`)

// start runs `renova serve` on the database dbURL and waits for its address; on the first
// start it also reads the printed credentials.
func start(t *testing.T, bin, dbURL string, first bool) *server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--http-addr", "127.0.0.1:0", "--database-url", dbURL, "--log-level", "info")
	cmd.Env = append(os.Environ(), "RENOVA_SECRET=crash-test-secret-crash-test-secret")
	stdout, _ := cmd.StdoutPipe()
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	s := &server{cmd: cmd, creds: map[string]string{}}
	if first {
		out, _ := io.ReadAll(io.LimitReader(stdoutUntilBlank(stdout), 4096))
		for _, line := range strings.Split(string(out), "\n") {
			if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
				s.creds[k] = strings.TrimSpace(v)
			}
		}
	} else {
		go io.Copy(io.Discard, stdout)
	}
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
			s.url = "http://" + m[1]
			break
		}
	}
	go io.Copy(io.Discard, stderr)
	if s.url == "" {
		t.Fatal("renova serve did not report its address")
	}
	return s
}

// stdoutUntilBlank returns the first-start banner (empty on a restart).
func stdoutUntilBlank(r io.Reader) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		sc := bufio.NewScanner(r)
		var b strings.Builder
		blanks := 0
		for sc.Scan() {
			b.WriteString(sc.Text() + "\n")
			if strings.TrimSpace(sc.Text()) == "" {
				if blanks++; blanks == 2 {
					break
				}
			}
		}
		pw.Write([]byte(b.String()))
		pw.Close()
		io.Copy(io.Discard, r)
	}()
	return pr
}

func (s *server) token(t *testing.T, form url.Values) string {
	t.Helper()
	tok, err := s.post(form)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (s *server) refresh(rt string) (string, error) {
	return s.post(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
}

func (s *server) post(form url.Values) (string, error) {
	req, _ := http.NewRequest("POST", s.url+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("demo-client", s.creds["client secret"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var v struct {
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
		Reason       string `json:"reason"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("%d %s %s", resp.StatusCode, v.Error, v.Reason)
	}
	if _, err := secret.Parse(v.RefreshToken); err != nil {
		return "", err
	}
	return v.RefreshToken, nil
}

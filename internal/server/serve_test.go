package server_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/server"
)

// logLines collects log output and lets a test wait for a line, so that
// it synchronises on what the server did rather than on elapsed time.
type logLines struct {
	mu    sync.Mutex
	text  strings.Builder
	added chan struct{}
}

func newLogLines() *logLines { return &logLines{added: make(chan struct{}, 1)} }

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	l.text.Write(p)
	l.mu.Unlock()
	select {
	case l.added <- struct{}{}:
	default:
	}
	return len(p), nil
}

// waitFor blocks until the log holds substr; the bound only turns a hang
// into a failure.
func (l *logLines) waitFor(t *testing.T, substr string) {
	t.Helper()
	bound := time.After(10 * time.Second)
	for {
		l.mu.Lock()
		ok := strings.Contains(l.text.String(), substr)
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-l.added:
		case <-bound:
			t.Fatalf("no log line with %q within 10s", substr)
		}
	}
}

// served is an App running Serve on a loopback port.
type served struct {
	app   *server.App
	creds *server.Credentials
	addr  string
	logs  *logLines
	stop  context.CancelFunc
	done  chan struct{} // closed when Serve returns
	err   error         // what Serve returned, once done is closed
}

// serve builds and bootstraps an app from cfg (HTTPAddr 127.0.0.1:0) and
// runs Serve until stop is called or the test ends.
func serve(t *testing.T, cfg *config.Config) *served {
	t.Helper()
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	s := &served{logs: newLogLines(), done: make(chan struct{})}
	var err error
	s.app, err = server.Build(context.Background(), cfg, slog.New(slog.NewTextHandler(s.logs, nil)), server.Options{Password: apptest.FastPassword})
	if err != nil {
		t.Fatal(err)
	}
	if s.creds, err = s.app.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	ready := make(chan net.Addr, 1)
	go func() {
		s.err = s.app.Serve(ctx, ready)
		close(s.done)
	}()
	t.Cleanup(func() {
		cancel()
		<-s.done
		s.app.Close()
	})
	select {
	case a := <-ready:
		s.addr = a.String()
	case <-s.done:
		t.Fatalf("Serve = %v before listening", s.err)
	}
	return s
}

func serveConfig(t *testing.T) *config.Config {
	return &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: "sqlite:" + filepath.Join(t.TempDir(), "r.db"),
		Secret: strings.Repeat("s", 32), LogFormat: "text", StoreTimeout: 5 * time.Second}
}

// TestServeFinishesInFlightRequests: when the context ends, Serve stops
// accepting, lets a request that is already being handled finish with a
// complete answer, and only then returns (PRODUCT.md §5).
func TestServeFinishesInFlightRequests(t *testing.T) {
	s := serve(t, serveConfig(t))
	conn, err := net.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second)) // a hang becomes a failure
	form := url.Values{"grant_type": {"password"}, "username": {s.creds.AdminLogin}, "password": {s.creds.AdminPass}}.Encode()
	req, _ := http.NewRequest("POST", "http://"+s.addr+"/oauth2/token", nil)
	req.SetBasicAuth(s.creds.ClientID, s.creds.ClientSecret)
	// Expect: 100-continue makes the server say when the handler starts
	// reading the body: from then on the request is in flight.
	fmt.Fprintf(conn, "POST /oauth2/token HTTP/1.1\r\nHost: %s\r\nAuthorization: %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n",
		s.addr, req.Header.Get("Authorization"), len(form))
	br := bufio.NewReader(conn)
	if line, err := br.ReadString('\n'); err != nil || !strings.HasPrefix(line, "HTTP/1.1 100 Continue") {
		t.Fatalf("waiting for 100 Continue: %q, %v", line, err)
	}
	if _, err := br.ReadString('\n'); err != nil {
		t.Fatal(err)
	}

	s.stop()
	s.logs.waitFor(t, "shutting down")
	select {
	case <-s.done:
		t.Fatalf("Serve returned (%v) while a request was in flight", s.err)
	default:
	}
	if _, err := io.WriteString(conn, form); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v", err)
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 || body["access_token"] == nil {
		t.Fatalf("in-flight login = %d %v (%v); want a complete 200", resp.StatusCode, body, err)
	}
	if <-s.done; s.err != nil {
		t.Errorf("Serve after a graceful shutdown = %v, want nil", s.err)
	}
	if c, err := net.Dial("tcp", s.addr); err == nil {
		c.Close()
		t.Error("the listener still accepts connections after Serve returned")
	}
}

// TestServeFollowsRotation: a running server re-reads the signing keys
// every --key-reload, so a rotation made by another process (the CLI, a
// second replica) reaches it without a restart.
func TestServeFollowsRotation(t *testing.T) {
	cfg := serveConfig(t)
	cfg.KeyReload = 10 * time.Millisecond
	s := serve(t, cfg)
	before, _ := s.app.Ring.Current("ES256")

	other := *cfg
	other.HTTPAddr = "127.0.0.1:0"
	admin, err := server.Build(context.Background(), &other, slog.New(slog.DiscardHandler), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.Ring.ForceRotate(context.Background(), "ES256"); err != nil {
		t.Fatal(err)
	}
	want, _ := admin.Ring.Current("ES256")
	// The reload runs on a real ticker; poll the condition, bounded above.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if cur, _ := s.app.Ring.Current("ES256"); cur.Kid == want.Kid {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server still signs with %s 10s after the rotation to %s", before.Kid, want.Kid)
		}
	}
	if _, _, ok := s.app.Ring.Public(before.Kid); !ok {
		t.Errorf("the retired key %s left the server's JWKS at once", before.Kid)
	}
}

// TestServeAddressInUse: a taken address fails Serve at once, with the
// address in the error.
func TestServeAddressInUse(t *testing.T) {
	s := serve(t, serveConfig(t))
	cfg := serveConfig(t)
	cfg.HTTPAddr = s.addr
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	app, err := server.Build(context.Background(), cfg, slog.New(slog.DiscardHandler), server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	err = app.Serve(context.Background(), nil)
	if err == nil || !strings.Contains(err.Error(), s.addr) {
		t.Errorf("Serve on the taken address %s = %v", s.addr, err)
	}
}

// TestServeTLS: with --tls-cert and --tls-key renova serves HTTPS itself,
// and its issuer defaults to an https URL.
func TestServeTLS(t *testing.T) {
	cfg := serveConfig(t)
	pool := x509.NewCertPool()
	cfg.TLSCert, cfg.TLSKey = selfSigned(t, pool)
	s := serve(t, cfg)
	if !strings.HasPrefix(s.app.Cfg.Issuer, "https://") {
		t.Errorf("issuer with TLS = %q, want https://…", s.app.Cfg.Issuer)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + s.addr + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil {
		t.Errorf("GET /healthz over TLS = %d (TLS %v)", resp.StatusCode, resp.TLS != nil)
	}
	plain, err := http.Get("http://" + s.addr + "/healthz")
	if err == nil {
		plain.Body.Close()
		if plain.StatusCode == 200 {
			t.Error("plain HTTP was answered 200 on the TLS port")
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key into a
// temporary directory, adds the certificate to pool and returns the paths.
func selfSigned(t *testing.T, pool *x509.CertPool) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "renova test"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool.AddCert(cert)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

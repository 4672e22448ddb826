// Package apptest starts a real renova (real SQLite or PostgreSQL, real HTTP
// server on loopback) for tests, with an injectable clock and cheap
// password hashing. There is no fake store: tests run against the real thing.
package apptest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/password"
	"github.com/renova-auth/renova/internal/server"
	"github.com/renova-auth/renova/internal/store/postgres/pgtest"
	"github.com/renova-auth/renova/internal/testclock"
)

// noSleep stands in for the login slowdown's delay: tests move clocks,
// they never wait.
func noSleep(context.Context, time.Duration) error { return nil }

// Clock is the settable clock tests move instead of sleeping.
type Clock = testclock.Clock

// NewClock starts a clock at testclock.Start.
func NewClock() *Clock { return testclock.New() }

// Env is a running renova.
type Env struct {
	App   *server.App
	URL   string
	Clock *Clock
	Creds *server.Credentials
	HTTP  *http.Client
}

// Options choose the backend and the mounts.
type Options struct {
	DatabaseURL string   // default: a fresh SQLite file in t.TempDir()
	Mounts      []string // default: the default mounts
	Secret      string   // default: a fixed test secret
	Clock       *Clock   // default: a new Clock
	// StoreTimeout bounds store calls (default 5s); past it requests get 503.
	StoreTimeout time.Duration
	// LoopbackIssuer makes the issuer the server's own loopback URL instead
	// of http://renova.test, so that a browser and an OIDC client can
	// follow the discovery document's endpoints (end-to-end tests).
	LoopbackIssuer bool
	// Configure, if set, adjusts the configuration before it is validated
	// (e.g. TrustedProxies, MetricsAddr).
	Configure func(*config.Config)
	// Logger, if set, receives the server's logs (default: warnings and
	// above, discarded unless RENOVA_TEST_LOG is set).
	Logger *slog.Logger
	// Sleep, if set, receives the login slowdown's delays (default: they
	// are skipped); tests record them instead of waiting.
	Sleep func(ctx context.Context, d time.Duration) error
}

// FastPassword keeps test logins cheap; the hashing code path is the same.
var FastPassword = password.Params{Memory: 64, Time: 1, Threads: 1, LegacyCost: bcrypt.MinCost}

// Start builds and bootstraps a renova and serves it on a loopback port
// until the test ends.
func Start(t testing.TB, opt Options) *Env {
	t.Helper()
	if opt.Clock == nil {
		opt.Clock = NewClock()
	}
	if opt.DatabaseURL == "" {
		opt.DatabaseURL = "sqlite:" + filepath.Join(t.TempDir(), "renova.db")
	}
	if opt.StoreTimeout == 0 {
		opt.StoreTimeout = 5 * time.Second
	}
	if opt.Secret == "" {
		opt.Secret = "test-secret-test-secret-test-secret!"
	}
	issuer := "http://renova.test"
	var ln net.Listener
	if opt.LoopbackIssuer {
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		issuer = "http://" + ln.Addr().String()
	}
	cfg := &config.Config{HTTPAddr: "127.0.0.1:0", DatabaseURL: opt.DatabaseURL, Issuer: issuer,
		Secret: opt.Secret, LogFormat: "text", StoreTimeout: opt.StoreTimeout, DBMaxConns: 8, Mounts: opt.Mounts}
	if opt.Configure != nil {
		opt.Configure(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(logSink(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if opt.Sleep == nil {
		opt.Sleep = noSleep
	}
	ctx := context.Background()
	app, err := server.Build(ctx, cfg, logger, server.Options{Now: opt.Clock.Now, Password: FastPassword, Sleep: opt.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	creds, err := app.Bootstrap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h, err := app.Handler(ctx)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		app.Close()
	})
	return &Env{App: app, URL: srv.URL, Clock: opt.Clock, Creds: creds, HTTP: srv.Client()}
}

// logSink discards server logs unless RENOVA_TEST_LOG is set.
func logSink() io.Writer {
	if os.Getenv("RENOVA_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}

// Response is a finished HTTP exchange.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends req and reads the whole response.
func (e *Env) Do(t testing.TB, req *http.Request) *Response {
	t.Helper()
	return Send(t, e.HTTP, req)
}

// Send sends req with client (one with its own cookie jar or redirect
// policy, say) and reads the whole response.
func Send(t testing.TB, client *http.Client, req *http.Request) *Response {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// Post sends body with the content type to path.
func (e *Env) Post(t testing.TB, path, contentType, body string, header http.Header) *Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return e.Do(t, req)
}

// PostgresURL returns a URL of a fresh, isolated schema on the test
// PostgreSQL server; it skips the test locally (fails it in CI) when
// RENOVA_TEST_DATABASE_URL is unset.
func PostgresURL(t testing.TB) string {
	return pgtest.FreshSchema(t, pgtest.URL(t))
}

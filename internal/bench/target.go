package bench

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"
)

// Target is the server under load: its base URL, the credentials the bench
// uses, and the HTTP client that drives it. An embedded target also holds
// the Inspector the invariants ask about its store.
type Target struct {
	URL     string
	Creds   Creds
	HTTP    *http.Client
	Backend string // sqlite, postgres, or remote (--url)

	store    Inspector // the embedded renova's store; nil when not visible
	embedded bool      // started in this process (its memory is ours)
	close    func()
}

// Close stops an embedded server and removes what the run created (the
// temporary SQLite file, the PostgreSQL schema); it is safe to call twice.
func (t *Target) Close() {
	if t.close != nil {
		t.close()
		t.close = nil
	}
}

// newHTTP returns a client tuned for one host: a keep-alive connection per
// worker, no compression, no proxy, HTTP/1.1 as wrk and most load tools
// speak it.
func newHTTP(conns int) *http.Client {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// DefaultRedirectURI is the redirect URI of the browser flows in --url
// mode when none is given: the one the first start registers for its
// public browser client demo-spa.
const DefaultRedirectURI = "http://127.0.0.1/callback"

// remote is the --url target: credentials come from flags.
func remote(cfg *Config) (*Target, error) {
	if cfg.ClientID == "" || len(cfg.Users) == 0 {
		return nil, errors.New("--url needs --client-id (and --client-secret for a confidential client) and --username/--password")
	}
	t := &Target{URL: strings.TrimRight(cfg.URL, "/"), Backend: "remote", HTTP: newHTTP(cfg.Connections),
		Creds: Creds{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, Users: cfg.Users, Tenant: cfg.Tenant,
			APIKey: cfg.APIKey, AppCode: cfg.AppCode, Prefix: cfg.Prefix}}
	t.Creds.BrowserClientID, t.Creds.RedirectURI = cfg.BrowserClientID, cfg.RedirectURI
	if t.Creds.BrowserClientID == "" && cfg.Scenario == "authcode" {
		t.Creds.BrowserClientID = cfg.ClientID
	}
	if t.Creds.RedirectURI == "" {
		t.Creds.RedirectURI = DefaultRedirectURI
	}
	if t.Creds.Prefix == "" && cfg.Surface != "standard" {
		t.Creds.Prefix = "/" + cfg.Surface
	}
	return t, nil
}

// embedded is the default target: renova started in this process by the
// composition root's Launcher, seeded for surface s.
func embedded(ctx context.Context, cfg *Config, s *Surface) (*Target, error) {
	srv, err := cfg.Launcher.Renova(ctx, s)
	if err != nil {
		return nil, err
	}
	if len(srv.Creds.Users) == 0 {
		if srv.Close != nil {
			srv.Close()
		}
		return nil, errors.New("bench: the embedded server has no users to log in")
	}
	return &Target{URL: strings.TrimRight(srv.URL, "/"), Creds: srv.Creds, HTTP: newHTTP(cfg.Connections),
		Backend: srv.Backend, store: srv.Store, embedded: true, close: srv.Close}, nil
}

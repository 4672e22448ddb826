// Package legacy talks to the system a dialect mount replaces (issue 15,
// zero-logout migration): the mount options that name it, an HTTP caller
// that is safe to point at a foreign endpoint (no redirects, bounded body,
// bounded time, nothing of the answer ever logged), and a single flight
// with a negative cache so that one legacy token costs at most one call.
//
// It knows no vendor shape: each dialect encodes the vendor's own request
// and decodes its answer with its own types (internal/dialect/*/legacy.go),
// and the core (internal/auth, adopt.go) decides what an answer means.
package legacy

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Mount option names. They are read here, once, for every dialect, so no
// dialect has to accept them itself.
const (
	OptionURL     = "legacy"
	OptionUntil   = "legacy_until"
	OptionTimeout = "legacy_timeout"
)

// DefaultTimeout bounds one call to the legacy system: long enough for a
// slow old server, short enough that a client waiting on an adoption gets
// its 503 before its own timeout.
const DefaultTimeout = 5 * time.Second

// maxTimeout caps legacy_timeout: a waiting request holds a connection.
const maxTimeout = 30 * time.Second

// Config is a mount's legacy upstream. The zero Until means no end.
type Config struct {
	// URL is the base of the old system's API, the same vendor shape as
	// the mount (e.g. https://old.example/icredit); the dialect appends
	// the vendor's native paths.
	URL *url.URL `json:"-"`
	// Until is when the migration window ends: from then on the mount
	// behaves as if legacy= were not set.
	Until time.Time `json:"until,omitzero"`
	// Timeout bounds one legacy call.
	Timeout time.Duration `json:"timeout"`
}

// String names the upstream for logs and `config print`: scheme, host and
// path only (a URL's user info or query could hold a secret).
func (c *Config) String() string {
	if c == nil || c.URL == nil {
		return ""
	}
	u := url.URL{Scheme: c.URL.Scheme, Host: c.URL.Host, Path: c.URL.Path}
	return u.String()
}

// MarshalText prints the config as its String, for `config print`.
func (c *Config) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// Active reports whether the window is still open at now.
func (c *Config) Active(now time.Time) bool {
	return c != nil && (c.Until.IsZero() || now.Before(c.Until))
}

// IsOption reports whether a mount option key belongs to this package.
func IsOption(k string) bool {
	return k == OptionURL || k == OptionUntil || k == OptionTimeout
}

// Parse reads the legacy options of a mount (nil when legacy= is absent).
// legacy_until and legacy_timeout without legacy= are a mistake and fail,
// like any malformed value: a bad option fails the start, not a request.
func Parse(opts map[string]string) (*Config, error) {
	raw, ok := opts[OptionURL]
	if !ok {
		for _, k := range []string{OptionUntil, OptionTimeout} {
			if _, set := opts[k]; set {
				return nil, fmt.Errorf("option %s needs option %s", k, OptionURL)
			}
		}
		return nil, nil
	}
	u, err := parseURL(raw)
	if err != nil {
		return nil, err
	}
	c := &Config{URL: u, Timeout: DefaultTimeout}
	if v := opts[OptionUntil]; v != "" {
		if c.Until, err = time.Parse(time.RFC3339, v); err != nil {
			return nil, fmt.Errorf("option %s=%q: want an RFC 3339 time such as 2027-01-31T23:59:59Z", OptionUntil, v)
		}
	}
	if v := opts[OptionTimeout]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > maxTimeout {
			return nil, fmt.Errorf("option %s=%q: want a duration above 0 and at most %s, e.g. 3s", OptionTimeout, v, maxTimeout)
		}
		c.Timeout = d
	}
	return c, nil
}

// parseURL checks the legacy URL: absolute, https unless the host is a
// loopback address (tokens and passwords travel to it), no user info, query
// or fragment (the dialect appends paths; a secret in a URL ends up in
// logs).
func parseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("option %s: want an absolute http(s) URL such as https://old.example/api", OptionURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("option %s: the URL may hold no user info, query or fragment", OptionURL)
	}
	if u.Scheme == "http" && !loopback(u.Hostname()) {
		return nil, fmt.Errorf("option %s: %s must use https (plain http only to a loopback address)", OptionURL, u.Host)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	return u, nil
}

// loopback reports whether host is a loopback IP or "localhost".
func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"
)

// TestOriginCache: the union is read once per ttl, a failed reload keeps
// the previous set, and the clock, not sleeping, decides staleness.
func TestOriginCache(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	loads := 0
	var next map[string]bool
	var fail error
	c := &originCache{now: func() time.Time { return now }, ttl: 3 * time.Second, logger: slog.New(slog.DiscardHandler),
		load: func(context.Context) (map[string]bool, error) { loads++; return next, fail }}
	r := httptest.NewRequest("OPTIONS", "/oauth2/token", nil)
	steps := []struct {
		name    string
		advance time.Duration
		set     map[string]bool
		fail    error
		origin  string
		want    bool
		loads   int
	}{
		{"first call loads", 0, map[string]bool{"https://a.example": true}, nil, "https://a.example", true, 1},
		{"within ttl: cached", 2 * time.Second, map[string]bool{}, nil, "https://a.example", true, 1},
		{"other origin, cached", 0, nil, nil, "https://b.example", false, 1},
		{"after ttl: reloaded", time.Second, map[string]bool{"https://b.example": true}, nil, "https://b.example", true, 2},
		{"reload fails: previous set kept", 3 * time.Second, nil, errors.New("db down"), "https://b.example", true, 3},
		{"failure is not retried within ttl", time.Second, nil, nil, "https://b.example", true, 3},
		{"clock moved back: reloaded", -time.Hour, map[string]bool{}, nil, "https://b.example", false, 4},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		next, fail = s.set, s.fail
		if got := c.allowed(s.origin, r); got != s.want || loads != s.loads {
			t.Errorf("%s: allowed(%q) = %v after %d loads, want %v after %d", s.name, s.origin, got, loads, s.want, s.loads)
		}
	}
}

// TestFetched: the standard routes scripts fetch answer CORS; the page
// navigations do not.
func TestFetched(t *testing.T) {
	for path, want := range map[string]bool{
		"/oauth2/token": true, "/oauth2/revoke": true, "/oauth2/introspect": true, "/oauth2/userinfo": true,
		"/oauth2/jwks": true, "/.well-known/openid-configuration": true,
		"/oauth2/authorize": false, "/oauth2/login": false, "/oauth2/logout": false, "/oauth2/login/x": false,
		"/healthz": false, "/oauth2": false,
	} {
		if got := fetched(path); got != want {
			t.Errorf("fetched(%q) = %v, want %v", path, got, want)
		}
	}
}

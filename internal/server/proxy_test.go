package server_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/renova-auth/renova/internal/apptest"
	"github.com/renova-auth/renova/internal/config"
	"github.com/renova-auth/renova/internal/store"
)

// passwordLogin logs in through /oauth2/token with extra request headers
// (the forwarding headers a proxy adds) and returns the status.
func passwordLogin(t *testing.T, env *apptest.Env, user, pass string, h http.Header) int {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}
	req, _ := http.NewRequest("POST", env.URL+"/oauth2/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.SetBasicAuth(env.Creds.ClientID, env.Creds.ClientSecret)
	return env.Do(t, req).Status
}

func trustedProxies(cidrs string) func(*config.Config) {
	return func(c *config.Config) { c.TrustedProxies = cidrs }
}

// TestSpoofedForwardedForIgnored: a peer outside --trusted-proxies (the
// test client on 127.0.0.1, with only 10.0.0.0/8 trusted) cannot choose
// its address with X-Forwarded-For or Forwarded: its 200 failures still
// count against 127.0.0.1, so a fresh spoofed address does not help it.
func TestSpoofedForwardedForIgnored(t *testing.T) {
	env := apptest.Start(t, apptest.Options{Configure: trustedProxies("10.0.0.0/8")})
	for i := range 200 {
		h := http.Header{"X-Forwarded-For": {"203.0.113." + itoa(i%250)}}
		if i%2 == 1 {
			h = http.Header{"Forwarded": {"for=198.51.100." + itoa(i%250)}}
		}
		passwordLogin(t, env, "nobody"+itoa(i), "wrong", h)
	}
	h := http.Header{"X-Forwarded-For": {"192.0.2.77"}}
	if code := passwordLogin(t, env, env.Creds.AdminLogin, env.Creds.AdminPass, h); code != http.StatusServiceUnavailable {
		t.Errorf("login from the same socket with a new spoofed X-Forwarded-For = %d, want 503 (the socket address is locked out)", code)
	}
	sessionIPs(t, env, nil)
}

// TestTrustedProxyClientIP: behind a trusted proxy (the test client on
// 127.0.0.1, 127.0.0.0/8 trusted) the rightmost untrusted hop is the
// client. 200 failures of one real client lock that client out only; a
// second client behind the same proxy signs in, and its session and audit
// events carry its own address. Both backends.
func TestTrustedProxyClientIP(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { trustedProxyClientIP(t, "") })
	t.Run("postgres", func(t *testing.T) { trustedProxyClientIP(t, apptest.PostgresURL(t)) })
}

func trustedProxyClientIP(t *testing.T, dbURL string) {
	env := apptest.Start(t, apptest.Options{DatabaseURL: dbURL, Configure: trustedProxies("127.0.0.0/8, 10.0.0.0/8")})
	// The attacker forges a hop on the left; the proxies append
	// the real address (and an inner trusted proxy, 10.1.2.3).
	attacker := http.Header{"X-Forwarded-For": {"192.0.2.1, 203.0.113.5, 10.1.2.3"}}
	for i := range 200 {
		passwordLogin(t, env, "nobody"+itoa(i), "wrong", attacker)
	}
	if code := passwordLogin(t, env, env.Creds.AdminLogin, env.Creds.AdminPass, attacker); code != http.StatusServiceUnavailable {
		t.Errorf("attacker after 200 failures = %d, want 503", code)
	}
	other := http.Header{"Forwarded": {`for=192.0.2.1, for="[2001:db8::7]:4711";proto=https`}}
	if code := passwordLogin(t, env, env.Creds.AdminLogin, env.Creds.AdminPass, other); code != http.StatusOK {
		t.Fatalf("another client behind the same proxy = %d, want 200", code)
	}
	sessionIPs(t, env, []string{"2001:db8::7"})
	env.App.Audit.Flush()
	evs, err := env.App.Store.ListAudit(context.Background(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range evs {
		seen[e.IP]++
	}
	if seen["203.0.113.5"] == 0 || seen["2001:db8::7"] == 0 || seen["127.0.0.1"] != 0 || seen["192.0.2.1"] != 0 {
		t.Errorf("audit IPs = %v, want the real clients' only", seen)
	}
}

// sessionIPs checks the IPs of the admin's sessions.
func sessionIPs(t *testing.T, env *apptest.Env, want []string) {
	t.Helper()
	ss, err := env.App.Store.ListSessions(context.Background(), store.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range ss {
		got = append(got, s.IP)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("session IPs = %v, want %v", got, want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

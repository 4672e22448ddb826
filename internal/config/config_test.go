package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func load(t *testing.T, args []string, env map[string]string, file string) (*Config, error) {
	t.Helper()
	for _, s := range settings {
		t.Setenv(s.env, "") // empty counts as unset
	}
	t.Setenv("RENOVA_MOUNTS", "")
	t.Setenv("RENOVA_CONFIG", "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	if file != "" {
		path := filepath.Join(t.TempDir(), "renova.json")
		if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--config", path)
	}
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	Flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return Load(fs)
}

// TestPrecedence: flag > environment > file > default (PRODUCT.md §5).
func TestPrecedence(t *testing.T) {
	file := `{"http_addr": "127.0.0.1:3000", "store_timeout": "7s", "db_max_conns": 4, "mounts": ["dialect=icredit,prefix="]}`
	cases := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want string
	}{
		{"default", nil, nil, "", "127.0.0.1:8080"},
		{"file", nil, nil, file, "127.0.0.1:3000"},
		{"env over file", nil, map[string]string{"RENOVA_HTTP_ADDR": "127.0.0.1:4000"}, file, "127.0.0.1:4000"},
		{"flag over env", []string{"--http-addr", "127.0.0.1:5000"}, map[string]string{"RENOVA_HTTP_ADDR": "127.0.0.1:4000"}, file, "127.0.0.1:5000"},
	}
	for _, tc := range cases {
		c, err := load(t, tc.args, tc.env, tc.file)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.HTTPAddr != tc.want {
			t.Errorf("%s: HTTPAddr = %q, want %q", tc.name, c.HTTPAddr, tc.want)
		}
		if c.Issuer != "http://"+c.HTTPAddr {
			t.Errorf("%s: Issuer = %q, want derived from the address", tc.name, c.Issuer)
		}
	}
	c, err := load(t, nil, nil, file)
	if err != nil {
		t.Fatal(err)
	}
	if c.StoreTimeout != 7*time.Second || c.DBMaxConns != 4 || len(c.Mounts) != 1 {
		t.Errorf("from file: timeout %v conns %d mounts %v", c.StoreTimeout, c.DBMaxConns, c.Mounts)
	}
	c, err = load(t, []string{"--mount", "dialect=hdi", "--mount", "dialect=icredit"}, map[string]string{"RENOVA_MOUNTS": "dialect=consinco"}, file)
	if err != nil || len(c.Mounts) != 2 || c.Mounts[0] != "dialect=hdi" {
		t.Errorf("mount flags over env and file = %v, %v", c.Mounts, err)
	}
	c, _ = load(t, nil, map[string]string{"RENOVA_MOUNTS": "dialect=consinco; dialect=hdi,prefix=/x"}, "")
	if len(c.Mounts) != 2 || c.Mounts[1] != "dialect=hdi,prefix=/x" {
		t.Errorf("RENOVA_MOUNTS = %v", c.Mounts)
	}
}

// TestInvalid: bad settings fail at start with a message naming them.
func TestInvalid(t *testing.T) {
	cases := map[string][]string{
		"database url":  {"--database-url", "mysql://x"},
		"log format":    {"--log-format", "xml"},
		"tls":           {"--tls-cert", "c.pem"},
		"store-timeout": {"--store-timeout", "soon"},
	}
	for want, args := range cases {
		_, err := load(t, args, nil, "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%v) = %v, want an error about %s", args, err, want)
		}
	}
	if _, err := load(t, nil, nil, "{not json"); err == nil {
		t.Error("a malformed config file was accepted")
	}
}

func TestSQLitePath(t *testing.T) {
	for url, want := range map[string]string{"sqlite:renova.db": "renova.db", "sqlite:///var/lib/r.db": "/var/lib/r.db", "postgres://x": ""} {
		if got := (&Config{DatabaseURL: url}).SQLitePath(); got != want {
			t.Errorf("SQLitePath(%q) = %q, want %q", url, got, want)
		}
	}
}

// TestLoginThrottle: the failed-login limits follow the same precedence
// as every setting and default to the values the core always had.
func TestLoginThrottle(t *testing.T) {
	file := `{"login_account_limit": 5, "login_ip_limit": 50, "login_window": "1m"}`
	cases := []struct {
		name        string
		args        []string
		env         map[string]string
		file        string
		account, ip int
		window      time.Duration
	}{
		{"default", nil, nil, "", 10, 200, 15 * time.Minute},
		{"file", nil, nil, file, 5, 50, time.Minute},
		{"env over file", nil, map[string]string{"RENOVA_LOGIN_ACCOUNT_LIMIT": "3", "RENOVA_LOGIN_WINDOW": "90s"}, file, 3, 50, 90 * time.Second},
		{"flag over env", []string{"--login-account-limit", "2", "--login-ip-limit", "20", "--login-window", "2h"},
			map[string]string{"RENOVA_LOGIN_ACCOUNT_LIMIT": "3", "RENOVA_LOGIN_IP_LIMIT": "30"}, file, 2, 20, 2 * time.Hour},
		{"zero keeps the core's default", []string{"--login-account-limit", "0"}, nil, "", 0, 200, 15 * time.Minute},
	}
	for _, tc := range cases {
		c, err := load(t, tc.args, tc.env, tc.file)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if c.LoginAccountLimit != tc.account || c.LoginIPLimit != tc.ip || c.LoginWindow != tc.window {
			t.Errorf("%s: account %d ip %d window %v, want %d %d %v", tc.name,
				c.LoginAccountLimit, c.LoginIPLimit, c.LoginWindow, tc.account, tc.ip, tc.window)
		}
	}
	bad := map[string][]string{
		"login-account-limit": {"--login-account-limit", "-1"},
		"login-ip-limit":      {"--login-ip-limit", "many"},
		"login-window":        {"--login-window", "-5m"},
	}
	for want, args := range bad {
		_, err := load(t, args, nil, "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%v) = %v, want an error about %s", args, err, want)
		}
	}
	if _, err := load(t, []string{"--login-window", "soon"}, nil, ""); err == nil || !strings.Contains(err.Error(), "login-window") {
		t.Errorf("Load(--login-window soon) = %v, want an error about login-window", err)
	}
}

// TestTrustedProxies: CIDRs and bare addresses are accepted; a typo fails
// the start naming the setting.
func TestTrustedProxies(t *testing.T) {
	c, err := load(t, []string{"--trusted-proxies", "10.0.0.0/8, 192.0.2.7,2001:db8::/32"}, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := c.Proxies()
	if len(ps) != 3 || ps[1].String() != "192.0.2.7/32" {
		t.Errorf("proxies = %v", ps)
	}
	if _, err := load(t, []string{"--trusted-proxies", "10.0.0.0/33"}, nil, ""); err == nil || !strings.Contains(err.Error(), "trusted-proxies") {
		t.Errorf("bad CIDR: %v", err)
	}
	if c.AccessLog != true || c.MetricsAddr != "" {
		t.Errorf("defaults: access log %v, metrics addr %q", c.AccessLog, c.MetricsAddr)
	}
}

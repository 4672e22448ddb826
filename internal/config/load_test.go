package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// TestEverySettingFromEachSource: each setting can come from its flag,
// its environment variable and its config file key, and a value that does
// not parse fails the start with the setting's name and the value.
func TestEverySettingFromEachSource(t *testing.T) {
	values := map[string]string{ // flag name → a valid non-default value
		"http-addr": "127.0.0.1:9", "database-url": "sqlite:/tmp/x.db", "issuer": "https://id.example",
		"log-format": "json", "log-level": "debug", "store-timeout": "9s", "db-max-conns": "3",
		"tls-cert": "c.pem", "tls-key": "k.pem", "key-reload": "1m", "key-rotation": "720h", "login-slots": "5", "debug-addr": "127.0.0.1:6060",
		"login-account-limit": "3", "login-ip-limit": "30", "login-window": "1m",
		"trusted-proxies": "10.0.0.0/8", "access-log": "false", "metrics-addr": "127.0.0.1:9090", "admin-addr": "127.0.0.1:9091",
		"login-slowdown-after": "7", "password-min-length": "12", "retention": "48h", "audit-retention": "0s",
		"imported-hash-cost": "bcrypt=12,pbkdf2-sha256=600000",
	}
	for _, s := range settings {
		v, ok := values[s.flag]
		if !ok {
			t.Errorf("setting %s has no case here; add one", s.flag)
			continue
		}
		fromFlag := configOf(t, []string{"--" + s.flag, v, "--tls-cert", "c.pem", "--tls-key", "k.pem"}, nil, "")
		fromEnv := configOf(t, []string{"--tls-cert", "c.pem", "--tls-key", "k.pem"}, map[string]string{s.env: v}, "")
		fromFile := configOf(t, []string{"--tls-cert", "c.pem", "--tls-key", "k.pem"}, nil, `{"`+strings.ReplaceAll(s.flag, "-", "_")+`": "`+v+`"}`)
		if !reflect.DeepEqual(fromFlag, fromEnv) || !reflect.DeepEqual(fromEnv, fromFile) {
			t.Errorf("%s = %q: flag, env and file give different configs:\n%+v\n%+v\n%+v", s.flag, v, *fromFlag, *fromEnv, *fromFile)
		}
	}
}

// configOf loads a config that must be valid.
func configOf(t *testing.T, args []string, env map[string]string, file string) *Config {
	t.Helper()
	c, err := load(t, args, env, file)
	if err != nil {
		t.Fatalf("Load(%v, %v, %s) = %v", args, env, file, err)
	}
	return c
}

// TestTypedValues: numbers and durations are read exactly; a number in
// the config file may be written as a JSON number, however large.
func TestTypedValues(t *testing.T) {
	c := configOf(t, nil, nil, `{"db_max_conns": 1000000, "login_slots": 12, "store_timeout": "250ms", "key_reload": "0s"}`)
	if c.DBMaxConns != 1000000 || c.LoginSlots != 12 || c.StoreTimeout != 250*time.Millisecond || c.KeyReload != 0 {
		t.Errorf("from file: conns %d slots %d timeout %v reload %v", c.DBMaxConns, c.LoginSlots, c.StoreTimeout, c.KeyReload)
	}
	d := configOf(t, nil, nil, "")
	if d.DBMaxConns != 16 || d.LoginSlots != 0 || d.StoreTimeout != 3*time.Second || d.KeyReload != 30*time.Second || d.KeyRotation != 90*24*time.Hour || d.Retention != 720*time.Hour || d.AuditRetention != 2160*time.Hour ||
		d.DatabaseURL != "sqlite:renova.db" || d.LogLevel != "info" || d.DebugAddr != "" {
		t.Errorf("defaults: %+v", d)
	}
}

// TestValueTypos: a value that only starts like a number, or a file value
// of the wrong JSON type, is refused with the setting's name (PRODUCT.md
// §8: configuration that refuses typos), never read as a prefix.
func TestValueTypos(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  map[string]string
		file string
		want string
	}{
		{"trailing letters", []string{"--db-max-conns", "16abc"}, nil, "", `db-max-conns = "16abc"`},
		{"a fraction", []string{"--login-slots", "1.5"}, nil, "", `login-slots = "1.5"`},
		{"two numbers", nil, map[string]string{"RENOVA_DB_MAX_CONNS": "4 5"}, "", `db-max-conns = "4 5"`},
		{"fraction in the file", nil, nil, `{"login_slots": 2.5}`, `login-slots = "2.5"`},
		{"duration without unit", []string{"--store-timeout", "3"}, nil, "", `store-timeout = "3"`},
		{"duration from env", nil, map[string]string{"RENOVA_KEY_RELOAD": "often"}, "", `key-reload = "often"`},
		{"a list for a string", nil, nil, `{"http_addr": ["a", "b"]}`, "http_addr"},
		{"null", nil, nil, `{"issuer": null}`, "issuer"},
		{"mounts not a list", nil, nil, `{"mounts": "dialect=hdi"}`, "mounts: want a list of strings"},
		{"unknown log level", []string{"--log-level", "verbose"}, nil, "", `log level "verbose"`},
	}
	for _, tc := range cases {
		_, err := load(t, tc.args, tc.env, tc.file)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Load = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestValidateCollectsEveryError: Validate reports every bad setting at
// once, so an operator fixes them in one go.
func TestValidateCollectsEveryError(t *testing.T) {
	c := &Config{DatabaseURL: "mysql://x", LogFormat: "xml", LogLevel: "loud", TLSKey: "k.pem", StoreTimeout: 0}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted five bad settings")
	}
	for _, want := range []string{`database url "mysql://x"`, `log format "xml"`, `log level "loud"`, "tls-cert and tls-key go together", "store-timeout must be positive"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v; lacks %q", err, want)
		}
	}
	valid := []Config{
		{DatabaseURL: "sqlite:r.db", LogFormat: "text", StoreTimeout: time.Second},
		{DatabaseURL: "postgres://h/db", LogFormat: "json", LogLevel: "warn", StoreTimeout: time.Second},
		{DatabaseURL: "postgresql://h/db", LogFormat: "text", LogLevel: "DEBUG", StoreTimeout: time.Second},
	}
	for _, c := range valid {
		if err := c.Validate(); err != nil {
			t.Errorf("Validate(%s, log level %q) = %v", c.DatabaseURL, c.LogLevel, err)
		}
	}
}

// TestIssuer: the issuer defaults to the listen address, https when TLS
// is served in process; a configured issuer is kept as given.
func TestIssuer(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--http-addr", "0.0.0.0:80"}, "http://0.0.0.0:80"},
		{[]string{"--http-addr", "0.0.0.0:443", "--tls-cert", "c", "--tls-key", "k"}, "https://0.0.0.0:443"},
		{[]string{"--issuer", "https://id.example/tenant", "--http-addr", "127.0.0.1:1"}, "https://id.example/tenant"},
	}
	for _, tc := range cases {
		if c := configOf(t, tc.args, nil, ""); c.Issuer != tc.want {
			t.Errorf("Load(%v).Issuer = %q, want %q", tc.args, c.Issuer, tc.want)
		}
	}
}

// TestConfigFileFromEnvironment: RENOVA_CONFIG names the file when
// --config is not given; --config wins over it; a missing file fails.
func TestConfigFileFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	envFile := write("env.json", `{"http_addr": "127.0.0.1:7001"}`)
	flagFile := write("flag.json", `{"http_addr": "127.0.0.1:7002"}`)
	loadWith := func(args ...string) (*Config, error) {
		for _, s := range settings {
			t.Setenv(s.env, "")
		}
		t.Setenv("RENOVA_MOUNTS", "")
		t.Setenv("RENOVA_CONFIG", envFile)
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		Flags(fs) // reads RENOVA_CONFIG as the flag's default
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return Load(fs)
	}
	if c, err := loadWith(); err != nil || c.HTTPAddr != "127.0.0.1:7001" {
		t.Errorf("with RENOVA_CONFIG: %v, %v", c, err)
	}
	if c, err := loadWith("--config", flagFile); err != nil || c.HTTPAddr != "127.0.0.1:7002" {
		t.Errorf("--config over RENOVA_CONFIG: %v, %v", c, err)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, err := loadWith("--config", missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing config file: %v; want an error naming it", err)
	}
}

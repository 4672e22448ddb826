// Package config loads renova's settings from flags, environment and an
// optional JSON file, in that order of precedence (PRODUCT.md §5), and
// validates them at start so a bad setting fails the start, not a request.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/renova-auth/renova/internal/password"
)

// Config is every setting of renova. The JSON tags are the config file
// keys (the flag name with "_" for "-"). Secret has none on purpose: it
// comes from RENOVA_SECRET or the file beside a SQLite database, never from
// a flag (shell history, ps) or a config file that may be checked in.
type Config struct {
	HTTPAddr     string        `json:"http_addr"`
	DatabaseURL  string        `json:"database_url"`
	Issuer       string        `json:"issuer"`
	Secret       string        `json:"-"` // from RENOVA_SECRET or the secret file only
	LogFormat    string        `json:"log_format"`
	LogLevel     string        `json:"log_level"`
	StoreTimeout time.Duration `json:"store_timeout"`
	DBMaxConns   int           `json:"db_max_conns"`
	TLSCert      string        `json:"tls_cert"`
	TLSKey       string        `json:"tls_key"`
	KeyReload    time.Duration `json:"key_reload"`
	KeyRotation  time.Duration `json:"key_rotation"`
	LoginSlots   int           `json:"login_slots"`
	DebugAddr    string        `json:"debug_addr"`
	// Failed-login throttle (PRODUCT.md §6): at most LoginAccountLimit
	// failures of one account name from one IP, and LoginIPLimit from one
	// IP, per LoginWindow; past them logins answer 503 with Retry-After.
	// Zero means the core's default.
	LoginAccountLimit int           `json:"login_account_limit"`
	LoginIPLimit      int           `json:"login_ip_limit"`
	LoginWindow       time.Duration `json:"login_window"`
	// TrustedProxies is a comma-separated list of CIDRs (or addresses) of
	// reverse proxies whose Forwarded / X-Forwarded-For headers name the
	// client. Empty: the socket peer is the client.
	TrustedProxies string `json:"trusted_proxies"`
	// AccessLog writes one info line per request when true.
	AccessLog bool `json:"access_log"`
	// MetricsAddr, when set, serves /metrics there instead of on HTTPAddr.
	MetricsAddr string `json:"metrics_addr"`
	// AdminAddr, when set, serves the admin API (/admin/v1) there instead
	// of on HTTPAddr (issue 13), e.g. on a private interface.
	AdminAddr string `json:"admin_addr"`

	// LoginSlowdownAfter failures of one account from all IPs per
	// LoginWindow make each of its logins wait a growing, capped delay
	// (issue 14); zero means the core's default.
	LoginSlowdownAfter int `json:"login_slowdown_after"`

	// PasswordMinLength is the shortest password accepted, in characters;
	// zero means the core's default (10).
	PasswordMinLength int `json:"password_min_length"`
	// ImportedHashCost is the cost of the imported password hashes, which
	// every failed login pays once per hash family (password.WithImportedCost).
	ImportedHashCost string `json:"imported_hash_cost"`
	// Retention is how long the tokens of ended sessions, rotated-away tokens,
	// ended browser sessions and expired codes are kept (0 keeps them
	// all); AuditRetention is the same for audit events (issue 14).
	Retention      time.Duration `json:"retention"`
	AuditRetention time.Duration `json:"audit_retention"`

	// Mounts are dialect mounts, "dialect=NAME,prefix=/p,tenant=SLUG,client=ID"
	// (flag --mount, repeatable; env RENOVA_MOUNTS, separated by ";"; file
	// "mounts": [...]). Empty means the default mounts of the demo tenant.
	Mounts []string `json:"mounts"`
}

// setting binds one field to its flag, environment variable and default.
type setting struct {
	flag, env, usage, def string
	set                   func(c *Config, v string) error
}

// str, dur and num adapt a Config field to setting.set: each parses the
// text whole, so a typo fails the start instead of being read in part.
func str(f func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *f(c) = v; return nil }
}

func dur(f func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		*f(c) = d
		return err
	}
}

func num(f func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		*f(c) = n
		return err
	}
}

func boolean(f func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		*f(c) = b
		return err
	}
}

// settings is the one table that flags, environment variables, config
// file keys and defaults derive from, so the four cannot drift apart.
var settings = []setting{
	{"http-addr", "RENOVA_HTTP_ADDR", "address to listen on", "127.0.0.1:8080", str(func(c *Config) *string { return &c.HTTPAddr })},
	{"database-url", "RENOVA_DATABASE_URL", "sqlite:PATH or postgres://...", "sqlite:renova.db", str(func(c *Config) *string { return &c.DatabaseURL })},
	{"issuer", "RENOVA_ISSUER", "issuer URL in tokens (default http://<http-addr>)", "", str(func(c *Config) *string { return &c.Issuer })},
	{"log-format", "RENOVA_LOG_FORMAT", "text or json", "text", str(func(c *Config) *string { return &c.LogFormat })},
	{"log-level", "RENOVA_LOG_LEVEL", "debug, info, warn or error", "info", str(func(c *Config) *string { return &c.LogLevel })},
	{"store-timeout", "RENOVA_STORE_TIMEOUT", "bound on a database call; past it requests answer 503", "3s", dur(func(c *Config) *time.Duration { return &c.StoreTimeout })},
	{"db-max-conns", "RENOVA_DB_MAX_CONNS", "PostgreSQL pool size (rotations use two more connections of their own)", "16", num(func(c *Config) *int { return &c.DBMaxConns })},
	{"tls-cert", "RENOVA_TLS_CERT", "TLS certificate file (serve HTTPS in process)", "", str(func(c *Config) *string { return &c.TLSCert })},
	{"tls-key", "RENOVA_TLS_KEY", "TLS key file", "", str(func(c *Config) *string { return &c.TLSKey })},
	{"key-reload", "RENOVA_KEY_RELOAD", "how often replicas re-read signing keys", "30s", dur(func(c *Config) *time.Duration { return &c.KeyReload })},
	{"key-rotation", "RENOVA_KEY_ROTATION", "how long a signing key signs before it is rotated automatically (0 = only by hand)", "2160h", dur(func(c *Config) *time.Duration { return &c.KeyRotation })},
	{"retention", "RENOVA_RETENTION", "how long the refresh tokens of ended sessions, rotated-away refresh tokens, ended browser sessions and expired codes are kept (0 = keep everything; at least 1h otherwise)", "720h", dur(func(c *Config) *time.Duration { return &c.Retention })},
	{"audit-retention", "RENOVA_AUDIT_RETENTION", "how long audit events are kept (0 = keep everything)", "2160h", dur(func(c *Config) *time.Duration { return &c.AuditRetention })},
	{"login-slots", "RENOVA_LOGIN_SLOTS", "password hashes computed at once (0 = half the CPUs)", "0", num(func(c *Config) *int { return &c.LoginSlots })},
	{"debug-addr", "RENOVA_DEBUG_ADDR", "address for pprof (off when empty)", "", str(func(c *Config) *string { return &c.DebugAddr })},
	{"login-account-limit", "RENOVA_LOGIN_ACCOUNT_LIMIT", "failed logins of one account name from one IP per login window before logins answer 503", "10", num(func(c *Config) *int { return &c.LoginAccountLimit })},
	{"login-slowdown-after", "RENOVA_LOGIN_SLOWDOWN_AFTER", "failed logins of one account from all IPs per login window before its logins wait a growing delay (at most 4s; never a lockout)", "5", num(func(c *Config) *int { return &c.LoginSlowdownAfter })},
	{"password-min-length", "RENOVA_PASSWORD_MIN_LENGTH", "shortest password accepted, in characters (a password may never be the login name or e-mail)", "10", num(func(c *Config) *int { return &c.PasswordMinLength })},
	{"imported-hash-cost", "RENOVA_IMPORTED_HASH_COST", "cost of imported password hashes that every failed login also pays, e.g. bcrypt=12,pbkdf2-sha256=1000000,firebase-scrypt=8/14 (docs/import.md)", "", str(func(c *Config) *string { return &c.ImportedHashCost })},
	{"login-ip-limit", "RENOVA_LOGIN_IP_LIMIT", "failed logins from one IP, whatever the account, per login window", "200", num(func(c *Config) *int { return &c.LoginIPLimit })},
	{"login-window", "RENOVA_LOGIN_WINDOW", "fixed window of the failed-login limits", "15m", dur(func(c *Config) *time.Duration { return &c.LoginWindow })},
	{"trusted-proxies", "RENOVA_TRUSTED_PROXIES", "CIDRs of reverse proxies whose Forwarded/X-Forwarded-For name the client (empty: the socket address)", "", str(func(c *Config) *string { return &c.TrustedProxies })},
	{"access-log", "RENOVA_ACCESS_LOG", "one info log line per request (true or false)", "true", boolean(func(c *Config) *bool { return &c.AccessLog })},
	{"metrics-addr", "RENOVA_METRICS_ADDR", "serve /metrics on this address only, not on http-addr (keep it off the internet)", "", str(func(c *Config) *string { return &c.MetricsAddr })},
	{"admin-addr", "RENOVA_ADMIN_ADDR", "serve the admin API (/admin/v1) on this address only, not on http-addr", "", str(func(c *Config) *string { return &c.AdminAddr })},
}

// Flags registers every setting as a flag on fs, plus --config. Flags are
// strings with an empty default: the default ranks below the environment
// and the file, so Load applies it last and pflag only shows it in --help.
func Flags(fs *pflag.FlagSet) {
	fs.String("config", os.Getenv("RENOVA_CONFIG"), "optional JSON config file (env RENOVA_CONFIG)")
	for _, s := range settings {
		fs.String(s.flag, "", fmt.Sprintf("%s (env %s, default %q)", s.usage, s.env, s.def))
	}
	fs.StringArray("mount", nil, `dialect mount "dialect=icredit,prefix=/icredit,tenant=demo,client=icredit-client" (repeatable; env RENOVA_MOUNTS, ";"-separated)`)
}

// Load resolves every setting: a flag that was set wins, then the
// environment, then the config file (--config, or RENOVA_CONFIG), then the
// default (PRODUCT.md §5). It returns the config validated.
func Load(fs *pflag.FlagSet) (*Config, error) {
	file, err := readFile(fs) // strict.go: unknown keys fail here
	if err != nil {
		return nil, err
	}
	c := &Config{Secret: os.Getenv("RENOVA_SECRET")}
	for _, s := range settings {
		v, err := resolve(fs, s, file)
		if err != nil {
			return nil, err
		}
		if err := s.set(c, v); err != nil {
			return nil, fmt.Errorf("setting %s = %q: %w", s.flag, v, err)
		}
	}
	mounts, err := resolveMounts(fs, file)
	if err != nil {
		return nil, err
	}
	c.Mounts = mounts
	return c, c.Validate()
}

// resolveMounts applies the same precedence to the list of mounts.
func resolveMounts(fs *pflag.FlagSet, file map[string]json.RawMessage) ([]string, error) {
	if f := fs.Lookup("mount"); f != nil && f.Changed {
		return fs.GetStringArray("mount")
	}
	if v := os.Getenv("RENOVA_MOUNTS"); v != "" {
		var out []string
		for _, m := range strings.Split(v, ";") {
			if m = strings.TrimSpace(m); m != "" {
				out = append(out, m)
			}
		}
		return out, nil
	}
	var out []string
	if raw, ok := file["mounts"]; ok {
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("config file mounts: want a list of strings: %w", err)
		}
	}
	return out, nil
}

// resolve returns the text of one setting from the first source that has
// it. An environment variable set to "" counts as unset, so that a
// deployment template's empty RENOVA_ISSUER= does not hide the file's value.
func resolve(fs *pflag.FlagSet, s setting, file map[string]json.RawMessage) (string, error) {
	if f := fs.Lookup(s.flag); f != nil && f.Changed {
		return f.Value.String(), nil
	}
	if v, ok := os.LookupEnv(s.env); ok && v != "" {
		return v, nil
	}
	key := strings.ReplaceAll(s.flag, "-", "_")
	if raw, ok := file[key]; ok {
		v, err := fileValue(raw)
		if err != nil {
			return "", fmt.Errorf("config file %s: %w", key, err)
		}
		return v, nil
	}
	return s.def, nil
}

// fileValue is a config file value as the text a flag would hold: a string
// unquoted, a number or boolean as written (1000000 stays 1000000, where
// a float64 would print as 1e+06). Lists, objects and null are refused.
func fileValue(raw json.RawMessage) (string, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	switch v.(type) {
	case string, json.Number, bool:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("want a string, a number or a boolean, got %s", raw)
}

// Validate checks the settings and fills derived defaults. It reports
// every bad setting at once (errors.Join), so an operator fixes them in one
// pass rather than one start at a time. The issuer defaults to the listen
// address: discovery documents must name the URL clients reach (OpenID
// Connect Discovery §4.3), so behind a proxy it has to be set.
func (c *Config) Validate() error {
	var errs []error
	if c.Issuer == "" {
		scheme := "http"
		if c.TLSCert != "" {
			scheme = "https"
		}
		c.Issuer = scheme + "://" + c.HTTPAddr
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, fmt.Errorf("database url %q: want sqlite:PATH or a postgres:// URL", c.DatabaseURL))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("log format %q: want text or json", c.LogFormat))
	}
	// An empty level means info: a Config built in code may leave it unset.
	var level slog.Level
	if c.LogLevel != "" && level.UnmarshalText([]byte(c.LogLevel)) != nil {
		errs = append(errs, fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert and tls-key go together"))
	}
	if c.StoreTimeout <= 0 {
		errs = append(errs, errors.New("store-timeout must be positive"))
	}
	if c.LoginAccountLimit < 0 {
		errs = append(errs, errors.New("login-account-limit must not be negative"))
	}
	if c.LoginSlowdownAfter < 0 {
		errs = append(errs, errors.New("login-slowdown-after must not be negative"))
	}
	if c.PasswordMinLength < 0 {
		errs = append(errs, errors.New("password-min-length must not be negative"))
	}
	if _, err := password.WithImportedCost(password.Default, c.ImportedHashCost); err != nil {
		errs = append(errs, err)
	}
	if c.LoginIPLimit < 0 {
		errs = append(errs, errors.New("login-ip-limit must not be negative"))
	}
	// A rotated-away token must outlive every client's grace window (a
	// retry within it is answered with the successor): an hour is far
	// beyond any grace window, which is seconds.
	if c.Retention != 0 && c.Retention < time.Hour {
		errs = append(errs, errors.New("retention must be 0 (keep everything) or at least 1h"))
	}
	if c.AuditRetention < 0 {
		errs = append(errs, errors.New("audit-retention must not be negative"))
	}
	if c.LoginWindow < 0 {
		errs = append(errs, errors.New("login-window must not be negative"))
	}
	if _, err := c.Proxies(); err != nil {
		errs = append(errs, fmt.Errorf("trusted-proxies %q: %w", c.TrustedProxies, err))
	}
	return errors.Join(errs...)
}

// Proxies returns TrustedProxies parsed.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	return ParsePrefixes(c.TrustedProxies)
}

// SQLitePath returns the file path of a sqlite: URL, or "" for PostgreSQL.
// Both "sqlite:relative.db" and "sqlite:///absolute.db" are accepted.
func (c *Config) SQLitePath() string {
	p, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:")
	if !ok {
		return ""
	}
	return strings.TrimPrefix(p, "//")
}

// ParsePrefixes reads a comma-separated list of CIDRs; a bare address
// stands for itself alone (/32 or /128).
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, err
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, err
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

package config

import (
	"encoding/json"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

// Value is one effective setting as `renova config print` shows it.
type Value struct {
	Key    string `json:"key"`    // the config file key
	Value  string `json:"value"`  // as resolved; secrets and URL passwords redacted
	Source string `json:"source"` // default, file, env or flag
}

// Redacted stands in for a secret in printed configuration.
const Redacted = "REDACTED"

// Effective loads the configuration as Load does and returns every
// setting with the source its value came from, in the order of the
// settings table, then mounts and the master secret. The secret never
// appears, nor does a password in any URL (a PostgreSQL database URL).
func Effective(fs *pflag.FlagSet) ([]Value, error) {
	c, err := Load(fs)
	if err != nil {
		return nil, err
	}
	file, err := readFile(fs)
	if err != nil {
		return nil, err
	}
	var out []Value
	for _, s := range settings {
		v, err := resolve(fs, s, file)
		if err != nil {
			return nil, err
		}
		if s.flag == "issuer" {
			v = c.Issuer // derived from http-addr when unset
		}
		out = append(out, Value{Key: fileKey(s), Value: redactURL(v), Source: origin(fs, s.flag, s.env, file)})
	}
	var mounts []string
	for _, m := range c.Mounts {
		mounts = append(mounts, redactURL(m))
	}
	out = append(out, Value{Key: "mounts", Value: strings.Join(mounts, "; "), Source: origin(fs, "mount", "RENOVA_MOUNTS", file)})
	sec := Value{Key: "secret", Value: "(not set: SQLite keeps one in PATH.secret beside the database)", Source: "default"}
	if c.Secret != "" {
		sec = Value{Key: "secret", Value: Redacted, Source: "env"}
	}
	return append(out, sec), nil
}

// origin names the source Load took a setting from, with the same
// precedence as resolve: a set flag, a non-empty environment variable,
// the file key, else the default.
func origin(fs *pflag.FlagSet, flag, env string, file map[string]json.RawMessage) string {
	if f := fs.Lookup(flag); f != nil && f.Changed {
		return "flag"
	}
	if v, ok := os.LookupEnv(env); ok && v != "" {
		return "env"
	}
	key := strings.ReplaceAll(flag, "-", "_")
	if flag == "mount" {
		key = "mounts"
	}
	if _, ok := file[key]; ok {
		return "file"
	}
	return "default"
}

// redactURL hides the password of a URL's user info and a "password"
// query parameter (both spell a PostgreSQL password); any other text is
// returned as it is.
func redactURL(v string) string {
	u, err := url.Parse(v)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return v
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), Redacted)
	}
	if q := u.Query(); q.Has("password") {
		q.Set("password", Redacted)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

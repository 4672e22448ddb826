// Package dialect holds what the vendor surfaces share: the mount that binds
// a dialect to a tenant, a client and a path prefix (PRODUCT.md §3).
package dialect

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/httpx"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/legacy"
)

// Mount is one configured dialect: which surface, under which prefix
// ("" serves the vendor's native paths), for which tenant and client.
type Mount struct {
	Dialect string            `json:"dialect"`
	Prefix  string            `json:"prefix"`
	Tenant  string            `json:"tenant"` // slug
	Client  string            `json:"client"` // client id
	Options map[string]string `json:"options,omitempty"`
	// Origins are the browser origins allowed to call the mount (CORS),
	// from the option origins=https://a.example|https://b.example. The
	// server applies them around the dialect's routes; the dialect never
	// sees them, so no dialect has to accept the option.
	Origins []string `json:"origins,omitempty"`
	// Legacy is the system the mount replaces, from the options legacy=,
	// legacy_until= and legacy_timeout= (issue 15; docs/migration.md);
	// nil when legacy= is absent. Like origins, it is read here for every
	// dialect and never reaches a dialect as an option.
	Legacy *legacy.Config `json:"legacy,omitempty"`
}

// OriginSeparator separates the origins of the origins mount option. It
// cannot appear in an origin, and unlike "," and ";" it is not already a
// separator of the --mount and RENOVA_MOUNTS syntax.
const OriginSeparator = "|"

// Binding is a mount resolved at start: the records exist, the prefix is
// clean. Dialects receive it and never look anything up by name again.
type Binding struct {
	Svc     *auth.Service
	Ring    *keys.Ring
	Logger  *slog.Logger
	Tenant  *auth.Tenant
	Client  *auth.Client
	Prefix  string
	Options map[string]string
	// Legacy is the mount's legacy upstream (nil: none); the dialect
	// builds its vendor-shaped client over it (legacy.go in each).
	Legacy *legacy.Config
}

// ParseMount reads "dialect=icredit,prefix=/icredit,tenant=demo,client=x"
// (the --mount flag and RENOVA_MOUNTS syntax), with an optional
// origins=https://a.example|https://b.example, each origin checked here so
// a bad one fails the start; other keys become options.
func ParseMount(s string) (Mount, error) {
	m := Mount{Options: map[string]string{}}
	prefixSet := false
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return m, fmt.Errorf("mount %q: %q is not key=value", s, kv)
		}
		switch k {
		case "dialect":
			m.Dialect = v
		case "prefix":
			m.Prefix, prefixSet = v, true
		case "tenant":
			m.Tenant = v
		case "client":
			m.Client = v
		case "origins":
			list, err := ParseOrigins(v)
			if err != nil {
				return m, fmt.Errorf("mount %q: %w", s, err)
			}
			m.Origins = list
		default:
			m.Options[k] = v
		}
	}
	if err := m.takeLegacy(); err != nil {
		return m, fmt.Errorf("mount %q: %w", s, err)
	}
	if m.Dialect == "" {
		return m, fmt.Errorf("mount %q: dialect is required", s)
	}
	if !prefixSet {
		m.Prefix = "/" + m.Dialect
	}
	return m, nil
}

// ParseOrigins splits an origins option on OriginSeparator and checks each
// origin (httpx.CheckOrigin): exact scheme://host[:port], never "*".
func ParseOrigins(v string) ([]string, error) {
	var out []string
	for o := range strings.SplitSeq(v, OriginSeparator) {
		o = strings.TrimSpace(o)
		if err := httpx.CheckOrigin(o); err != nil {
			return nil, fmt.Errorf("option origins: %w", err)
		}
		out = append(out, o)
	}
	return out, nil
}

// CleanPrefix normalises a prefix to "" or "/a/b" (no trailing slash).
func CleanPrefix(p string) (string, error) {
	p = strings.TrimRight(strings.TrimSpace(p), "/")
	if p == "" {
		return "", nil
	}
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, " {}?#") {
		return "", fmt.Errorf("prefix %q must start with / and hold no spaces, braces, ? or #", p)
	}
	return p, nil
}

// takeLegacy moves the legacy options out of m.Options into m.Legacy.
func (m *Mount) takeLegacy() error {
	c, err := legacy.Parse(m.Options)
	if err != nil {
		return err
	}
	for k := range m.Options {
		if legacy.IsOption(k) {
			delete(m.Options, k)
		}
	}
	m.Legacy = c
	return nil
}

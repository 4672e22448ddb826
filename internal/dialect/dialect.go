// Package dialect holds what the vendor surfaces share: the mount that binds
// a dialect to a tenant, a client and a path prefix (PRODUCT.md §3).
package dialect

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/keys"
)

// Mount is one configured dialect: which surface, under which prefix
// ("" serves the vendor's native paths), for which tenant and client.
type Mount struct {
	Dialect string            `json:"dialect"`
	Prefix  string            `json:"prefix"`
	Tenant  string            `json:"tenant"` // slug
	Client  string            `json:"client"` // client id
	Options map[string]string `json:"options,omitempty"`
}

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
}

// ParseMount reads "dialect=icredit,prefix=/icredit,tenant=demo,client=x"
// (the --mount flag and RENOVA_MOUNTS syntax); other keys become options.
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
		default:
			m.Options[k] = v
		}
	}
	if m.Dialect == "" {
		return m, fmt.Errorf("mount %q: dialect is required", s)
	}
	if !prefixSet {
		m.Prefix = "/" + m.Dialect
	}
	return m, nil
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

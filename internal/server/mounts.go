package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/renova-auth/renova/internal/dialect"
	"github.com/renova-auth/renova/internal/dialect/consinco"
	"github.com/renova-auth/renova/internal/dialect/formulacerta"
	"github.com/renova-auth/renova/internal/dialect/hdi"
	"github.com/renova-auth/renova/internal/dialect/icredit"
	"github.com/renova-auth/renova/internal/store"
)

// named is a surface with the name of its mount, for error messages, and
// its CORS rule (nil: no CORS).
type named struct {
	name string
	surface
	cors *corsRule
	// kind labels the surface in metrics and the access log ("standard",
	// "icredit", ...); client is the mount's client id, "" for standard.
	kind, client string
	// prefix is the mount's clean path prefix ("" for standard): the
	// surface's routes are its documented paths under it (openapi.go).
	prefix string
}

// dialects is the explicit list of vendor surfaces (no registry, STYLE.md):
// adding a dialect is one line here, and the list is the documentation of
// what a build can serve.
// headers are the request headers of the dialect a browser script may
// send beyond corsHeaders (seed 003's X-* identifiers for HDI).
var dialects = []struct {
	name    string
	build   func(dialect.Binding) (surface, error)
	headers []string
}{
	{"icredit", func(b dialect.Binding) (surface, error) { return icredit.New(b) }, nil},
	{"consinco", func(b dialect.Binding) (surface, error) { return consinco.New(b) }, nil},
	{"formulacerta", func(b dialect.Binding) (surface, error) { return formulacerta.New(b) }, nil},
	{"hdi", func(b dialect.Binding) (surface, error) { return hdi.New(b) },
		[]string{"X-Company-Id", "X-Application-Id", "X-User-Id"}},
}

// DefaultClientID is the client the first start creates for a dialect's
// default mount in the demo tenant.
func DefaultClientID(dialectName string) string { return dialectName + "-client" }

// mounts returns the configured mounts, or the defaults: every dialect
// under /<name> for the demo tenant, where its client exists. The bool
// reports whether the mounts were configured, which decides whether a
// missing record fails the start.
func (a *App) mounts(ctx context.Context) ([]dialect.Mount, bool, error) {
	if len(a.Cfg.Mounts) > 0 {
		var out []dialect.Mount
		for _, s := range a.Cfg.Mounts {
			m, err := dialect.ParseMount(s)
			if err != nil {
				return nil, true, err
			}
			out = append(out, m)
		}
		return out, true, nil
	}
	var out []dialect.Mount
	for _, d := range dialects {
		out = append(out, dialect.Mount{Dialect: d.name, Prefix: "/" + d.name, Tenant: "demo", Client: DefaultClientID(d.name)})
	}
	return out, false, nil
}

// mountDialects resolves every mount into a surface. A configured mount
// that names a missing dialect, tenant or client fails the start; a
// default mount whose records are missing is skipped.
func (a *App) mountDialects(ctx context.Context) ([]named, error) {
	ms, explicit, err := a.mounts(ctx)
	if err != nil {
		return nil, err
	}
	var out []named
	for _, m := range ms {
		s, err := a.mount(ctx, m)
		if errors.Is(err, store.ErrNotFound) && !explicit {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("mount %s at %q: %w", m.Dialect, m.Prefix, err)
		}
		prefix, _ := dialect.CleanPrefix(m.Prefix) // mount already refused a bad one
		out = append(out, named{name: fmt.Sprintf("%s(%q)", m.Dialect, m.Prefix), surface: s,
			cors: mountCORS(m.Origins, extraHeaders(m.Dialect)), kind: m.Dialect, client: m.Client, prefix: prefix})
		a.Logger.Info("dialect mounted", "dialect", m.Dialect, "prefix", m.Prefix, "tenant", m.Tenant, "client", m.Client,
			"origins", m.Origins, "legacy", m.Legacy.String())
	}
	return out, nil
}

// mount resolves one mount into its surface. The tenant and client are
// looked up once, here, and must belong together; the dialect receives them
// in its Binding and never looks anything up by name again.
func (a *App) mount(ctx context.Context, m dialect.Mount) (surface, error) {
	prefix, err := dialect.CleanPrefix(m.Prefix)
	if err != nil {
		return nil, err
	}
	t, err := a.Store.TenantBySlug(ctx, m.Tenant)
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", m.Tenant, err)
	}
	c, err := a.Store.GetClient(ctx, m.Client)
	if err != nil {
		return nil, fmt.Errorf("client %q: %w", m.Client, err)
	}
	if c.TenantID != t.ID {
		return nil, fmt.Errorf("client %q does not belong to tenant %q", m.Client, m.Tenant)
	}
	b := dialect.Binding{Svc: a.Svc, Ring: a.Ring, Logger: a.Logger.With("dialect", m.Dialect), Tenant: t, Client: c,
		Prefix: prefix, Options: m.Options, Legacy: m.Legacy}
	for _, d := range dialects {
		if d.name == m.Dialect {
			return d.build(b)
		}
	}
	return nil, fmt.Errorf("unknown dialect %q", m.Dialect)
}

// extraHeaders returns the dialect's own CORS request headers.
func extraHeaders(name string) []string {
	for _, d := range dialects {
		if d.name == name {
			return d.headers
		}
	}
	return nil
}

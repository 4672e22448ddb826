package auth

import (
	"context"
	"regexp"

	"github.com/renova-auth/renova/internal/store"
)

// slugPattern is what a tenant slug may be: it names the tenant in URLs,
// mounts and the command line, and never changes.
var slugPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// TenantPatch is an update of a tenant; nil fields stay as they are. The
// slug and the code never change: mounts, dialect clients and partners
// name the tenant by them.
type TenantPatch struct {
	Name *string
	Type *string
}

// CreateTenant stores a new tenant. A zero Code is allocated by the store
// (one above the highest, atomically); the name defaults to the slug.
func (s *Service) CreateTenant(ctx context.Context, a Actor, t *Tenant) error {
	err := s.createTenant(ctx, a, t)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.tenant.created", TenantID: t.ID}, err)
}

func (s *Service) createTenant(ctx context.Context, a Actor, t *Tenant) error {
	if err := a.all(); err != nil {
		return err
	}
	switch {
	case !slugPattern.MatchString(t.Slug):
		return invalid("slug", "slug must be 1-63 lower-case letters, digits or '-', starting with a letter or digit")
	case t.Code < 0:
		return invalid("code", "code must be positive")
	}
	if t.Name == "" {
		t.Name = t.Slug
	}
	t.ID, t.CreatedAt = NewID(s.cfg.Rand, "ten"), s.cfg.Now()
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.CreateTenant(ctx, t); err != nil {
		return conflictErr("create tenant", "tenant", err)
	}
	return nil
}

// ListTenants lists the tenants a may see, by slug.
func (s *Service) ListTenants(ctx context.Context, a Actor) ([]*Tenant, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	ts, err := s.st.ListTenants(ctx)
	if err != nil {
		return nil, s.audited(ctx, a, store.AuditEvent{Action: "admin.tenant.listed", TenantID: a.Tenant}, storeErr("list tenants", err))
	}
	var out []*Tenant
	for _, t := range ts {
		if a.sees(t.ID) {
			out = append(out, t)
		}
	}
	return out, s.audited(ctx, a, store.AuditEvent{Action: "admin.tenant.listed", TenantID: a.Tenant}, nil)
}

// AdminTenant reads the tenant named by slug, if a may see it; another
// tenant is not_found, like a missing one. It is not audited: every
// tenant-scoped operation starts with it and audits itself.
func (s *Service) AdminTenant(ctx context.Context, a Actor, slug string) (*Tenant, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	t, err := s.st.TenantBySlug(ctx, slug)
	if err != nil {
		return nil, lookupErr("tenant", err)
	}
	if !a.sees(t.ID) {
		return nil, notFound("tenant")
	}
	return t, nil
}

// GetTenant reads one tenant by slug, audited.
func (s *Service) GetTenant(ctx context.Context, a Actor, slug string) (*Tenant, error) {
	t, err := s.AdminTenant(ctx, a, slug)
	e := store.AuditEvent{Action: "admin.tenant.read"}
	if t != nil {
		e.TenantID = t.ID
	}
	return t, s.audited(ctx, a, e, err)
}

// UpdateTenant changes a tenant's name or type.
func (s *Service) UpdateTenant(ctx context.Context, a Actor, slug string, p TenantPatch) (*Tenant, error) {
	t, err := s.updateTenant(ctx, a, slug, p)
	e := store.AuditEvent{Action: "admin.tenant.updated"}
	if t != nil {
		e.TenantID = t.ID
	}
	return t, s.audited(ctx, a, e, err)
}

func (s *Service) updateTenant(ctx context.Context, a Actor, slug string, p TenantPatch) (*Tenant, error) {
	t, err := s.AdminTenant(ctx, a, slug)
	if err != nil {
		return nil, err
	}
	up := *t
	if p.Name != nil {
		if *p.Name == "" {
			return t, invalid("name", "name must not be empty")
		}
		up.Name = *p.Name
	}
	if p.Type != nil {
		up.Type = *p.Type
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.UpdateTenant(ctx, &up); err != nil {
		return t, lookupErr("tenant", err)
	}
	s.tenants.Delete(t.ID) // the cache held the old name
	return &up, nil
}

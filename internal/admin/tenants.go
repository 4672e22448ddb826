package admin

import (
	"net/http"

	"github.com/renova-auth/renova/internal/auth"
)

// tenantInput is the body of POST /tenants. A missing code is allocated
// by the store (one above the highest).
type tenantInput struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Type string `json:"type"`
	Code int64  `json:"code"`
}

// tenantPatch is the body of PATCH /tenants/{tenant}; slug and code never
// change, so they are unknown members here.
type tenantPatch struct {
	Name *string `json:"name"`
	Type *string `json:"type"`
}

// listing is the envelope of every listing; Next is the cursor of the
// following page of a paged listing, absent on its last page.
type listing[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next_cursor,omitempty"`
}

func (s *Surface) createTenant(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	var in tenantInput
	if err := decode(r, &in, false); err != nil {
		return err
	}
	t := &auth.Tenant{Slug: in.Slug, Name: in.Name, Type: in.Type, Code: in.Code}
	if err := s.svc.CreateTenant(r.Context(), a, t); err != nil {
		return err
	}
	return reply(w, http.StatusCreated, TenantOf(t))
}

func (s *Surface) listTenants(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	if _, err := query(r); err != nil {
		return err
	}
	ts, err := s.svc.ListTenants(r.Context(), a)
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, listing[Tenant]{Items: Each(ts, TenantOf)})
}

func (s *Surface) getTenant(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	t, err := s.svc.GetTenant(r.Context(), a, r.PathValue("tenant"))
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, TenantOf(t))
}

func (s *Surface) updateTenant(w http.ResponseWriter, r *http.Request, a auth.Actor) error {
	var in tenantPatch
	if err := decode(r, &in, false); err != nil {
		return err
	}
	t, err := s.svc.UpdateTenant(r.Context(), a, r.PathValue("tenant"), auth.TenantPatch{Name: in.Name, Type: in.Type})
	if err != nil {
		return err
	}
	return reply(w, http.StatusOK, TenantOf(t))
}

// tenant resolves the {tenant} slug of the path for a; a tenant a cannot
// see is not_found.
func (s *Surface) tenant(r *http.Request, a auth.Actor) (*auth.Tenant, error) {
	return s.svc.AdminTenant(r.Context(), a, r.PathValue("tenant"))
}

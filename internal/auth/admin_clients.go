package auth

import (
	"context"
	"slices"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// MaxSecretOverlap bounds a secret rotation's overlap window: long enough
// to roll a deployment, short enough that a leaked old secret dies.
const MaxSecretOverlap = 30 * 24 * time.Hour

// DefaultSecretOverlap is the overlap window when none is given: a day
// to move every deployment of the client to the new secret.
const DefaultSecretOverlap = 24 * time.Hour

// ClientPatch is an update of a client's settings; nil fields stay as
// they are. The id, tenant, kind (public or confidential) and secrets
// never change here: secrets have RotateClientSecret.
type ClientPatch struct {
	Name, AppCode, Alg                           *string
	Grants, Scopes, RedirectURIs, PostLogoutURIs *[]string
	Origins, Dialects                            *[]string
	AccessTTL, IdleTTL, AbsoluteTTL, Grace       *time.Duration
}

// SecretRotation is a rotated client secret, shown once, and the moment
// the previous one stops working.
type SecretRotation struct {
	Secret        string
	PreviousUntil time.Time
}

// checkAdminScope refuses to let an actor limited to one tenant give a
// client renova:admin:all, which would reach every tenant.
func (a Actor) checkAdminScope(scopes []string) error {
	if a.Tenant != "" && slices.Contains(scopes, ScopeAdminAll) {
		return &Error{Code: InsufficientScope, Field: "scopes", Description: "only a " + ScopeAdminAll + " administrator may grant " + ScopeAdminAll}
	}
	return nil
}

// CreateClient creates a client in tenantID and returns its secret (a
// confidential client's, shown once).
func (s *Service) CreateClient(ctx context.Context, a Actor, tenantID string, c *Client) (string, error) {
	secret, err := s.createClient(ctx, a, tenantID, c)
	return secret, s.audited(ctx, a, store.AuditEvent{Action: "admin.client.created", TenantID: tenantID, ClientID: c.ID}, err)
}

func (s *Service) createClient(ctx context.Context, a Actor, tenantID string, c *Client) (string, error) {
	if !a.sees(tenantID) {
		return "", notFound("tenant")
	}
	if err := a.checkAdminScope(c.Scopes); err != nil {
		return "", err
	}
	if err := checkDurations(c); err != nil {
		return "", err
	}
	c.TenantID, c.SecretHash, c.APIKeyHash, c.PrevSecretHash = tenantID, "", "", ""
	return s.NewClient(ctx, c)
}

// checkDurations refuses negative lifetimes, which the defaults would
// otherwise silently replace.
func checkDurations(c *Client) error {
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"access_ttl", c.AccessTTL}, {"idle_ttl", c.IdleTTL}, {"absolute_ttl", c.AbsoluteTTL}, {"grace", c.Grace}} {
		if d.v < 0 {
			return invalid(d.field, "%s must not be negative", d.field)
		}
	}
	return nil
}

// ListClients lists a tenant's clients by id.
func (s *Service) ListClients(ctx context.Context, a Actor, tenantID string) ([]*Client, error) {
	cs, err := s.listClients(ctx, a, tenantID)
	return cs, s.audited(ctx, a, store.AuditEvent{Action: "admin.client.listed", TenantID: tenantID}, err)
}

func (s *Service) listClients(ctx context.Context, a Actor, tenantID string) ([]*Client, error) {
	if !a.sees(tenantID) {
		return nil, notFound("tenant")
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	cs, err := s.st.ListClients(ctx, tenantID)
	if err != nil {
		return nil, storeErr("list clients", err)
	}
	return cs, nil
}

// adminClient reads a client of tenantID, fresh from the store; one of
// another tenant, or of a tenant a cannot see, is not_found. tenantID ""
// means whichever tenant a may see (client ids are global; the command
// line names a client by its id alone).
func (s *Service) adminClient(ctx context.Context, a Actor, tenantID, id string) (*Client, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	c, err := s.st.GetClient(ctx, id)
	if err != nil {
		return nil, lookupErr("client", err)
	}
	if (tenantID != "" && c.TenantID != tenantID) || !a.sees(c.TenantID) {
		return nil, notFound("client")
	}
	return c, nil
}

// GetClient reads one client of tenantID.
func (s *Service) GetClient(ctx context.Context, a Actor, tenantID, id string) (*Client, error) {
	c, err := s.adminClient(ctx, a, tenantID, id)
	return c, s.audited(ctx, a, store.AuditEvent{Action: "admin.client.read", TenantID: tenantID, ClientID: id}, err)
}

// UpdateClient applies p to a client of tenantID. Running replicas pick
// the change up within the client cache's 2 seconds.
func (s *Service) UpdateClient(ctx context.Context, a Actor, tenantID, id string, p ClientPatch) (*Client, error) {
	c, err := s.updateClient(ctx, a, tenantID, id, p)
	return c, s.audited(ctx, a, store.AuditEvent{Action: "admin.client.updated", TenantID: tenantID, ClientID: id}, err)
}

func (s *Service) updateClient(ctx context.Context, a Actor, tenantID, id string, p ClientPatch) (*Client, error) {
	c, err := s.adminClient(ctx, a, tenantID, id)
	if err != nil {
		return nil, err
	}
	p.apply(c)
	if err := a.checkAdminScope(c.Scopes); err != nil {
		return nil, err
	}
	if err := checkUpdatedDurations(c); err != nil {
		return nil, err
	}
	if err := validateClient(c); err != nil {
		return nil, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.UpdateClient(ctx, c); err != nil {
		return nil, lookupErr("client", err)
	}
	s.clients.Delete(id)
	return c, nil
}

// apply copies the set fields of p onto c.
func (p ClientPatch) apply(c *Client) {
	for _, f := range []struct {
		dst *string
		src *string
	}{{&c.Name, p.Name}, {&c.AppCode, p.AppCode}, {&c.Alg, p.Alg}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *[]string
		src *[]string
	}{{&c.Grants, p.Grants}, {&c.Scopes, p.Scopes}, {&c.RedirectURIs, p.RedirectURIs},
		{&c.PostLogoutURIs, p.PostLogoutURIs}, {&c.Origins, p.Origins}, {&c.Dialects, p.Dialects}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	for _, f := range []struct {
		dst *time.Duration
		src *time.Duration
	}{{&c.AccessTTL, p.AccessTTL}, {&c.IdleTTL, p.IdleTTL}, {&c.AbsoluteTTL, p.AbsoluteTTL}, {&c.Grace, p.Grace}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
}

// checkUpdatedDurations refuses lifetimes an update sets to zero or less
// (no default fills them in then); a zero grace turns the window off.
func checkUpdatedDurations(c *Client) error {
	if err := checkDurations(c); err != nil {
		return err
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"access_ttl", c.AccessTTL}, {"idle_ttl", c.IdleTTL}, {"absolute_ttl", c.AbsoluteTTL}} {
		if d.v == 0 {
			return invalid(d.field, "%s must be positive", d.field)
		}
	}
	if len(c.Grants) == 0 {
		return invalid("grants", "a client needs at least one grant")
	}
	return nil
}

// DeleteClient revokes every session of a client and removes it, in one
// store transaction: its refresh tokens and its secret stop working at
// once (other replicas' client caches within 2 seconds).
func (s *Service) DeleteClient(ctx context.Context, a Actor, tenantID, id string) error {
	err := s.deleteClient(ctx, a, tenantID, id)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.client.deleted", TenantID: tenantID, ClientID: id}, err)
}

func (s *Service) deleteClient(ctx context.Context, a Actor, tenantID, id string) error {
	if _, err := s.adminClient(ctx, a, tenantID, id); err != nil {
		return err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.DeleteClient(ctx, id, s.cfg.Now()); err != nil {
		return lookupErr("client", err)
	}
	s.clients.Delete(id)
	return nil
}

// RotateClientSecret gives a confidential client a new secret, shown
// once. The previous secret keeps authenticating for overlap (at most
// MaxSecretOverlap; 0 ends it at once), so deployments move to the new
// one without an outage; a secret from before an earlier rotation stops
// now. Refresh tokens belong to the client, not the secret: they keep
// working throughout. It is also the way back when the first start's
// printed secret is lost (renova client rotate-secret).
func (s *Service) RotateClientSecret(ctx context.Context, a Actor, tenantID, id string, overlap time.Duration) (*SecretRotation, error) {
	r, err := s.rotateSecret(ctx, a, tenantID, id, overlap)
	return r, s.audited(ctx, a, store.AuditEvent{Action: "admin.client.secret_rotated", TenantID: tenantID, ClientID: id}, err)
}

func (s *Service) rotateSecret(ctx context.Context, a Actor, tenantID, id string, overlap time.Duration) (*SecretRotation, error) {
	if overlap < 0 || overlap > MaxSecretOverlap {
		return nil, invalid("overlap", "overlap must be between 0s and %s", MaxSecretOverlap)
	}
	c, err := s.adminClient(ctx, a, tenantID, id)
	if err != nil {
		return nil, err
	}
	if c.Public {
		return nil, invalid("client_id", "a public client has no secret")
	}
	secret := "rn_cs_" + randomHex(s.cfg.Rand, 32)
	r := store.SecretRotation{Hash: HashClientSecret(secret)}
	if overlap > 0 {
		r.PrevHash, r.PrevUntil = c.SecretHash, s.cfg.Now().Add(overlap)
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.SetClientSecret(ctx, id, r); err != nil {
		return nil, lookupErr("client", err)
	}
	s.clients.Delete(id)
	return &SecretRotation{Secret: secret, PreviousUntil: r.PrevUntil}, nil
}

// RotateAPIKey gives a client of tenantID a new partner API key, shown
// once; the previous key stops at once.
func (s *Service) RotateAPIKey(ctx context.Context, a Actor, tenantID, id string) (string, error) {
	key, err := s.rotateAPIKey(ctx, a, tenantID, id)
	return key, s.audited(ctx, a, store.AuditEvent{Action: "admin.client.api_key_rotated", TenantID: tenantID, ClientID: id}, err)
}

func (s *Service) rotateAPIKey(ctx context.Context, a Actor, tenantID, id string) (string, error) {
	if _, err := s.adminClient(ctx, a, tenantID, id); err != nil {
		return "", err
	}
	return s.NewAPIKey(ctx, id)
}

// DeleteAPIKey revokes the partner API key of a client of tenantID.
func (s *Service) DeleteAPIKey(ctx context.Context, a Actor, tenantID, id string) error {
	err := s.deleteAPIKey(ctx, a, tenantID, id)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.client.api_key_revoked", TenantID: tenantID, ClientID: id}, err)
}

func (s *Service) deleteAPIKey(ctx context.Context, a Actor, tenantID, id string) error {
	if _, err := s.adminClient(ctx, a, tenantID, id); err != nil {
		return err
	}
	return s.RevokeAPIKey(ctx, id)
}

package auth

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
)

// Records of the admin operations that surfaces read, named here so they
// need not import the store (records.go).
type (
	// Key is a signing key; its sealed private part never leaves the core
	// through a surface's encoder.
	Key = store.Key
	// AuditEvent is one audit record.
	AuditEvent = store.AuditEvent
)

// SessionQuery selects a tenant's sessions, newest first.
type SessionQuery struct {
	UserID, ClientID string
	// Active keeps only sessions unrevoked and unexpired now.
	Active bool
	// Limit caps the list: 0 means 50, at most 500.
	Limit int
}

// ListSessions lists the sessions of a tenant matching q, with their last
// use, address and user agent; tenantID "" lists every tenant's, for an
// actor that may see them all.
func (s *Service) ListSessions(ctx context.Context, a Actor, tenantID string, q SessionQuery) ([]*Session, error) {
	ss, err := s.listSessions(ctx, a, tenantID, q)
	return ss, s.audited(ctx, a, store.AuditEvent{Action: "admin.session.listed", TenantID: tenantID, UserID: q.UserID, ClientID: q.ClientID}, err)
}

func (s *Service) listSessions(ctx context.Context, a Actor, tenantID string, q SessionQuery) ([]*Session, error) {
	if !a.sees(tenantID) {
		return nil, notFound("tenant")
	}
	n, err := pageSize(q.Limit)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	ss, err := s.st.ListSessions(ctx, store.SessionFilter{TenantID: tenantID, UserID: q.UserID, ClientID: q.ClientID,
		Active: q.Active, Now: s.cfg.Now(), Limit: n})
	if err != nil {
		return nil, storeErr("list sessions", err)
	}
	return ss, nil
}

// AdminRevokeSession revokes one session of tenantID (reason "admin");
// tenantID "" means whichever tenant a may see (session ids are global).
func (s *Service) AdminRevokeSession(ctx context.Context, a Actor, tenantID, id string) error {
	err := s.adminRevokeSession(ctx, a, tenantID, id)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.session.revoked", TenantID: tenantID, SessionID: id}, err)
}

func (s *Service) adminRevokeSession(ctx context.Context, a Actor, tenantID, id string) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	sess, err := s.st.GetSession(ctx, id)
	if err != nil {
		return lookupErr("session", err)
	}
	if (tenantID != "" && sess.TenantID != tenantID) || !a.sees(sess.TenantID) {
		return notFound("session")
	}
	return s.revoke(ctx, sess, "admin", a.ID, a.Meta)
}

// RevokeUserSessions logs a user of tenantID out everywhere and returns
// how many sessions ended.
func (s *Service) RevokeUserSessions(ctx context.Context, a Actor, tenantID, userID string) (int, error) {
	n, err := s.revokeUserSessions(ctx, a, tenantID, userID)
	return n, s.audited(ctx, a, store.AuditEvent{Action: "admin.user.sessions_revoked", TenantID: tenantID, UserID: userID}, err)
}

func (s *Service) revokeUserSessions(ctx context.Context, a Actor, tenantID, userID string) (int, error) {
	if _, err := s.adminUser(ctx, a, tenantID, userID); err != nil {
		return 0, err
	}
	return s.RevokeUser(ctx, userID, "", "logout_everywhere", a.Meta)
}

// ListKeys lists every signing key, oldest first (renova:admin:all).
func (s *Service) ListKeys(ctx context.Context, a Actor) ([]*Key, error) {
	ks, err := s.listKeys(ctx, a)
	return ks, s.audited(ctx, a, store.AuditEvent{Action: "admin.key.listed"}, err)
}

func (s *Service) listKeys(ctx context.Context, a Actor) ([]*Key, error) {
	if err := a.all(); err != nil {
		return nil, err
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	ks, err := s.st.ListKeys(ctx)
	if err != nil {
		return nil, storeErr("list keys", err)
	}
	return ks, nil
}

// RotateKey promotes alg's published next key to current. Unless force,
// it refuses a next key published less than the JWKS cache lifetime plus
// the replicas' key reload interval ago (a conflict with reason
// key_too_young and RetryAfter set to the wait): verifiers may not have
// it yet. force is for a compromised key.
func (s *Service) RotateKey(ctx context.Context, a Actor, alg string, force bool) error {
	err := s.rotateKey(ctx, a, alg, force)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.key.rotated", Reason: alg}, err)
}

func (s *Service) rotateKey(ctx context.Context, a Actor, alg string, force bool) error {
	if err := a.all(); err != nil {
		return err
	}
	if !slices.Contains(keys.Algs, alg) {
		return invalid("alg", "unsupported signing algorithm %q; alg must be one of %v", alg, keys.Algs)
	}
	rotate := s.ring.Rotate
	if force {
		rotate = s.ring.ForceRotate
	}
	err := rotate(ctx, alg)
	var young *keys.TooYoungError
	if errors.As(err, &young) {
		return &Error{Code: Conflict, Reason: "key_too_young", Field: "force", Description: young.Error(), RetryAfter: young.Wait()}
	}
	if err != nil {
		return storeErr("rotate keys", err)
	}
	return nil
}

// AuditQuery selects audit events, newest first. A tenant administrator
// sees only events of their tenant, whatever TenantID says.
type AuditQuery struct {
	TenantID, UserID, ClientID, SessionID, Action string
	// Since keeps events at or after it, Until events before it.
	Since, Until time.Time
	// Cursor is the previous page's Next; "" starts at the newest event.
	Cursor string
	// Limit is the page size: 0 means 50, at most 500.
	Limit int
}

// AuditPage is one page of audit events; Next is "" on the last page.
type AuditPage struct {
	Events []*AuditEvent
	Next   string
}

// QueryAudit lists one page of audit events matching q. The query itself
// is audited too: reading the trail is an administrative act.
func (s *Service) QueryAudit(ctx context.Context, a Actor, q AuditQuery) (*AuditPage, error) {
	p, err := s.queryAudit(ctx, a, q)
	return p, s.audited(ctx, a, store.AuditEvent{Action: "admin.audit.queried", TenantID: a.Tenant}, err)
}

func (s *Service) queryAudit(ctx context.Context, a Actor, q AuditQuery) (*AuditPage, error) {
	if a.Tenant != "" && q.TenantID != "" && q.TenantID != a.Tenant {
		return nil, notFound("tenant")
	}
	if a.Tenant != "" {
		q.TenantID = a.Tenant
	}
	n, err := pageSize(q.Limit)
	if err != nil {
		return nil, err
	}
	before, err := s.position("audit", q.TenantID, q.Cursor)
	if err != nil {
		return nil, err
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Since.Before(q.Until) {
		return nil, invalid("until", "until must be after since")
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	es, err := s.st.ListAudit(ctx, store.AuditFilter{TenantID: q.TenantID, UserID: q.UserID, ClientID: q.ClientID,
		SessionID: q.SessionID, Action: q.Action, Since: q.Since, Until: q.Until, BeforeID: before, Limit: n + 1})
	if err != nil {
		return nil, storeErr("list audit", err)
	}
	p := &AuditPage{Events: es}
	if len(es) > n {
		p.Events = es[:n]
		p.Next = s.cursor("audit", q.TenantID, es[n-1].ID)
	}
	return p, nil
}

// ExportAudit calls fn with every event matching q, newest first, page by
// page (500 at a time, each page its own bounded store call), so an export
// streams without holding the trail in memory. q.Cursor starts it
// mid-trail; q.Limit is ignored. It stops at fn's first error.
func (s *Service) ExportAudit(ctx context.Context, a Actor, q AuditQuery, fn func(*AuditEvent) error) error {
	err := s.exportAudit(ctx, a, q, fn)
	return s.audited(ctx, a, store.AuditEvent{Action: "admin.audit.exported", TenantID: a.Tenant}, err)
}

func (s *Service) exportAudit(ctx context.Context, a Actor, q AuditQuery, fn func(*AuditEvent) error) error {
	q.Limit = 500
	for {
		p, err := s.queryAudit(ctx, a, q)
		if err != nil {
			return err
		}
		for _, e := range p.Events {
			if err := fn(e); err != nil {
				return err
			}
		}
		if p.Next == "" {
			return nil
		}
		q.Cursor = p.Next
	}
}

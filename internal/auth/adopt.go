package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
)

// Upstream is the legacy system a mount replaces, spoken to in its own
// vendor shape by the mount's dialect (internal/dialect/*/legacy.go).
// Errors wrap legacy.ErrRejected (a 4xx: dead token, wrong password) or
// legacy.ErrUnavailable (anything else that is not a usable answer).
type Upstream interface {
	// Refresh presents a legacy refresh token over the vendor's own
	// refresh call and returns the user the answer identifies.
	Refresh(ctx context.Context, token string) (*LegacyUser, error)
	// Login checks a password over the vendor's own login call.
	Login(ctx context.Context, username, password string) (*LegacyUser, error)
}

// Legacy is a mount's legacy system and the end of its window.
type Legacy struct {
	Upstream
	// Until closes the window: from then on the mount behaves as if it
	// had no legacy system (zero: no end).
	Until time.Time
}

// active reports whether l may be asked at now.
func (l *Legacy) active(now time.Time) bool {
	return l != nil && l.Upstream != nil && (l.Until.IsZero() || now.Before(l.Until))
}

// LegacyUser is who the legacy system says a token or password belongs
// to.
type LegacyUser struct {
	// Login and Email find the user in the mount's tenant (either may be
	// empty, not both); Name is the display name of a created user.
	Login, Email, Name string
	// Tenant (a slug or name) and TenantCode are the company the legacy
	// system names, when it names one: a user of another company is
	// refused rather than created in the mount's tenant.
	Tenant     string
	TenantCode int64
	// ExpiresAt is the legacy token's own expiry when known: it caps the
	// adopted session's absolute lifetime.
	ExpiresAt time.Time
	// Partner, when set, is the client id of a partner whose own user
	// Login is (HDI's X-User-Id): the user is found or created by
	// PartnerUser, in the partner's namespace, never a local account of
	// that name (issue 14).
	Partner string
}

// maxForeign bounds the length of a foreign token worth a lookup.
const maxForeign = 4096

// staleClaim is how old a pending legacy claim must be before another
// replica may take it over: its owner is then surely dead (a legacy call
// is bounded by legacy_timeout, at most 30 s).
const staleClaim = 2 * time.Minute

// Audit actions and reasons of the migration (issue 15).
const (
	actionAdopted     = "session.adopted"
	actionAdoptFailed = "session.adopt_failed"
	actionMigrated    = "password.migrated"
	reasonTenant      = "tenant_mismatch"
	reasonUpstream    = "legacy_unavailable"
	reasonRejected    = "legacy_rejected"
)

// refreshForeign serves a refresh token renova did not issue. A token
// stored already (adopted, or imported) follows the ordinary rotation
// rules under its SHA-256; an unknown one is adopted from the mount's
// legacy system when its window is open, else it is malformed as before.
func (s *Service) refreshForeign(ctx context.Context, req RefreshRequest) (*Grant, error) {
	if len(req.Token) < 8 || len(req.Token) > maxForeign {
		s.metrics.Refresh.WithLabelValues(ReasonMalformed).Inc()
		return nil, deadToken(ReasonMalformed)
	}
	hash, next := secret.Foreign(req.Token, s.cfg.SuccessorKey)
	sctx, cancel := s.withTimeout(ctx)
	_, err := s.st.RefreshState(sctx, hash)
	cancel()
	switch {
	case err == nil:
		return s.rotate(ctx, req, hash, next)
	case !errors.Is(err, store.ErrNotFound):
		return nil, storeErr("refresh state", err)
	case !req.Legacy.active(s.cfg.Now()):
		s.metrics.Refresh.WithLabelValues(ReasonMalformed).Inc()
		return nil, deadToken(ReasonMalformed)
	}
	if err := s.adopt(ctx, req, hash); err != nil {
		return nil, err
	}
	return s.rotate(ctx, req, hash, next)
}

// adopt makes sure a session holds hash as its parent token, calling the
// legacy system at most once for it: once per process through the single
// flight (the others wait for its result, bounded), once across replicas
// through the database claim. The caller then rotates hash as any token,
// so concurrent presentations get the one successor (grace window).
func (s *Service) adopt(ctx context.Context, req RefreshRequest, hash []byte) error {
	_, err := s.adoptions.Do(ctx, string(hash), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.adoptOnce(ctx, req, hash)
	})
	switch {
	case err == nil:
		return nil
	case errors.Is(err, legacy.ErrRejected):
		s.metrics.Refresh.WithLabelValues(ReasonUnknown).Inc()
		return deadToken(ReasonUnknown)
	case errors.Is(err, legacy.ErrBusy):
		s.metrics.Legacy.WithLabelValues(store.LegacySession, "busy").Inc()
		return unavailable(err)
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return unavailable(err) // ErrUnavailable: the client keeps its token and retries
}

// adoptOnce claims hash, asks the legacy system, and opens the session.
// Any failure releases the claim, so a later presentation may try again.
func (s *Service) adoptOnce(ctx context.Context, req RefreshRequest, hash []byte) error {
	c, now := req.Client, s.cfg.Now()
	claim := &store.LegacyClaim{Key: hash, Kind: store.LegacySession, TenantID: c.TenantID, ClientID: c.ID, ClaimedAt: now}
	if adopted, err := s.claim(ctx, claim); adopted || err != nil {
		return err
	}
	sess, err := s.adoptSession(ctx, req, hash)
	if err != nil {
		s.release(ctx, hash)
		s.adoptFailed(ctx, req, err)
		return err
	}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.FinishLegacy(sctx, hash, sess.UserID, sess.ID, s.cfg.Now()); err != nil {
		return storeErr("finish legacy claim", err) // the session exists: the next presentation rotates it
	}
	s.metrics.Legacy.WithLabelValues(store.LegacySession, "adopted").Inc()
	s.record(ctx, &store.AuditEvent{Action: actionAdopted, Outcome: "success", TenantID: sess.TenantID, Actor: c.ID,
		SessionID: sess.ID, ClientID: c.ID, UserID: sess.UserID}, req.Meta)
	return nil
}

// claim inserts the database claim. Held by another replica: when its
// session exists already (adopted), nothing is left to do; else it is
// still calling, and this request is answered 503 to retry.
func (s *Service) claim(ctx context.Context, claim *store.LegacyClaim) (adopted bool, err error) {
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	err = s.st.ClaimLegacy(sctx, claim, claim.ClaimedAt.Add(-staleClaim))
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, store.ErrConflict) {
		return false, storeErr("claim legacy token", err)
	}
	if _, err := s.st.RefreshState(sctx, claim.Key); err == nil {
		return true, nil
	}
	return false, &Error{Code: TemporarilyUnavailable, Description: "the session is being migrated; retry shortly", RetryAfter: time.Second,
		Cause: errors.New("legacy claim held by another replica")}
}

// release drops a pending claim; a failure only delays a retry until the
// claim turns stale.
func (s *Service) release(ctx context.Context, hash []byte) {
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	_ = s.st.ReleaseLegacy(sctx, hash)
}

// adoptSession asks the legacy system and stores the session with hash as
// its first, unused token (generation 1).
func (s *Service) adoptSession(ctx context.Context, req RefreshRequest, hash []byte) (*store.Session, error) {
	id, err := req.Legacy.Refresh(ctx, req.Token)
	if err != nil {
		return nil, err
	}
	u, err := s.legacyUser(ctx, req.Client.TenantID, id)
	if err != nil {
		return nil, err
	}
	c, now := req.Client, s.cfg.Now()
	sess := &store.Session{ID: NewID(s.cfg.Rand, "ses"), TenantID: u.TenantID, UserID: u.ID, ClientID: c.ID,
		Scope: defaultScope(c), Generation: 1, CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(c.AbsoluteTTL),
		IP: req.Meta.IP, UserAgent: truncate(req.Meta.UserAgent, 256), AuthTime: now}
	if !id.ExpiresAt.IsZero() && id.ExpiresAt.Before(sess.ExpiresAt) {
		sess.ExpiresAt = id.ExpiresAt
	}
	sess.IdleExpiresAt = minTime(now.Add(c.IdleTTL), sess.ExpiresAt)
	rt := &store.RefreshToken{Hash: hash, SessionID: sess.ID, Generation: 1, CreatedAt: now}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.CreateSession(sctx, sess, rt); err != nil {
		return nil, storeErr("create adopted session", err)
	}
	return sess, nil
}

// defaultScope is the scope a login without a requested scope gets.
func defaultScope(c *store.Client) string {
	sc, err := grantScope(c, "")
	if err != nil {
		return ""
	}
	return sc
}

// adoptFailed counts and audits a failed adoption, naming only the kind
// of failure (never the token or the legacy answer).
func (s *Service) adoptFailed(ctx context.Context, req RefreshRequest, err error) {
	reason := reasonUpstream
	var e *Error
	switch {
	case errors.Is(err, legacy.ErrRejected):
		reason = reasonRejected
		if errors.As(err, &e) && e.Reason == reasonTenant {
			reason = reasonTenant
		}
	case errors.As(err, &e):
		reason = e.Code
	}
	s.metrics.Legacy.WithLabelValues(store.LegacySession, reason).Inc()
	s.record(ctx, &store.AuditEvent{Action: actionAdoptFailed, Outcome: "failure", Reason: reason, TenantID: req.Client.TenantID,
		Actor: req.Client.ID, ClientID: req.Client.ID}, req.Meta)
}

// legacyUser finds the user the legacy system named in the tenant (by
// login, then e-mail), or creates it as a migrated user without a local
// password. A user of another company, or a disabled one, is refused.
func (s *Service) legacyUser(ctx context.Context, tenantID string, id *LegacyUser) (*store.User, error) {
	t, err := s.tenant(ctx, tenantID)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	if !sameTenant(t, id) {
		return nil, &Error{Code: InvalidGrant, Reason: reasonTenant, Description: "the legacy user belongs to another company",
			Cause: fmt.Errorf("%w: tenant mismatch", legacy.ErrRejected)}
	}
	login := id.Login
	if login == "" {
		login = id.Email
	}
	if login == "" {
		return nil, legacy.Garbage("no user login or e-mail")
	}
	if id.Partner != "" {
		// The dialect admitted (and counted) any creation before the call.
		return s.PartnerUser(ctx, tenantID, id.Partner, login, func() error { return nil })
	}
	u, err := s.findLegacy(ctx, tenantID, id)
	if err == nil && u == nil {
		u, err = s.createLegacy(ctx, tenantID, login, id)
	}
	if err == nil && u.Disabled {
		return nil, fmt.Errorf("%w: the user is disabled", legacy.ErrRejected)
	}
	return u, err
}

// sameTenant reports whether the company the legacy system named (if
// any) is t: by code, or by slug or name.
func sameTenant(t *store.Tenant, id *LegacyUser) bool {
	if id.TenantCode != 0 && id.TenantCode != t.Code {
		return false
	}
	return id.Tenant == "" || strings.EqualFold(id.Tenant, t.Slug) || (t.Name != "" && strings.EqualFold(id.Tenant, t.Name))
}

// findLegacy looks the legacy user up by login, then by e-mail; nil when
// neither answers.
func (s *Service) findLegacy(ctx context.Context, tenantID string, id *LegacyUser) (*store.User, error) {
	for _, name := range []string{id.Login, id.Email} {
		u, err := s.lookup(ctx, tenantID, name)
		if u != nil || err != nil {
			return u, err
		}
	}
	return nil, nil
}

// createLegacy creates a migrated user; a concurrent creation of the same
// login wins and is read back.
func (s *Service) createLegacy(ctx context.Context, tenantID, login string, id *LegacyUser) (*store.User, error) {
	now := s.cfg.Now()
	u := &store.User{ID: NewID(s.cfg.Rand, "usr"), TenantID: tenantID, Login: login, Email: id.Email, Name: id.Name,
		Attributes: map[string]string{"migrated_from": "legacy"}, CreatedAt: now, UpdatedAt: now}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	err := s.st.CreateUser(sctx, u)
	if errors.Is(err, store.ErrConflict) {
		return s.findLegacy(ctx, tenantID, id)
	}
	if err != nil {
		return nil, storeErr("create migrated user", err)
	}
	return u, nil
}

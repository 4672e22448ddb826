package auth

import (
	"context"
	"crypto/sha256"
	"errors"

	"github.com/renova-auth/renova/internal/legacy"
	"github.com/renova-auth/renova/internal/store"
)

// verify checks a login's password: locally, or, for a user without a
// local hash (or unknown) at a mount whose legacy window is open, once
// against the legacy system (lazy password migration, issue 15). It runs
// after the throttle, so a throttled attempt never reaches the legacy
// system, and a wrong password there counts like a wrong one here.
func (s *Service) verify(ctx context.Context, req LoginRequest, tenantID string, u *store.User) (*store.User, error) {
	migratable := u == nil || (u.PasswordHash == "" && !u.External && !u.Disabled)
	if !migratable || req.Username == "" || !req.Legacy.active(s.cfg.Now()) {
		return s.checkPassword(ctx, req, tenantID, u)
	}
	return s.migratePassword(ctx, req, tenantID)
}

// migratePassword asks the legacy system; on success it stores the
// password as an argon2id hash, creating or completing the user, so the
// legacy system is never asked for that user again.
func (s *Service) migratePassword(ctx context.Context, req LoginRequest, tenantID string) (*store.User, error) {
	id, err := req.Legacy.Login(ctx, req.Username, req.Password)
	var u *store.User
	if err == nil {
		u, err = s.legacyUser(ctx, tenantID, id)
	}
	if err != nil {
		return nil, s.migrateFailed(ctx, req, tenantID, err)
	}
	hash, err := s.hasher.Hash(ctx, req.Password)
	if err != nil {
		return nil, unavailable(err)
	}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.SetPassword(sctx, u.ID, hash, s.cfg.Now()); err != nil {
		return nil, storeErr("store migrated password", err)
	}
	u.PasswordHash = hash
	s.countPassword(sctx, req, u)
	s.record(ctx, &store.AuditEvent{Action: actionMigrated, Outcome: "success", TenantID: u.TenantID, Actor: u.ID,
		ClientID: req.Client.ID, UserID: u.ID}, req.Meta)
	return u, nil
}

// countPassword records the migration for `renova migration status`; a
// failure costs only the count.
func (s *Service) countPassword(ctx context.Context, req LoginRequest, u *store.User) {
	key := sha256.Sum256([]byte("password\x00" + u.ID))
	now := s.cfg.Now()
	c := &store.LegacyClaim{Key: key[:], Kind: store.LegacyPassword, TenantID: u.TenantID, ClientID: req.Client.ID, ClaimedAt: now}
	if s.st.ClaimLegacy(ctx, c, now) == nil {
		_ = s.st.FinishLegacy(ctx, key[:], u.ID, "", now)
	}
	s.metrics.Legacy.WithLabelValues(store.LegacyPassword, "migrated").Inc()
}

// migrateFailed maps a failed legacy login: a rejection (or a user of
// another company) is the normal wrong-password answer, counted by the
// throttle; a fault is a 503 to retry.
func (s *Service) migrateFailed(ctx context.Context, req LoginRequest, tenantID string, err error) error {
	if errors.Is(err, legacy.ErrRejected) {
		s.metrics.Legacy.WithLabelValues(store.LegacyPassword, reasonRejected).Inc()
		s.record(ctx, &store.AuditEvent{Action: "login.failed", Outcome: "failure", Reason: ReasonCredentials, ClientID: req.Client.ID,
			TenantID: tenantID}, req.Meta)
		return badCredentials
	}
	s.metrics.Legacy.WithLabelValues(store.LegacyPassword, reasonUpstream).Inc()
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return unavailable(err)
}

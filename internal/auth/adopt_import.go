package auth

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
)

// ImportedSession is one live session exported from the legacy system
// (`renova sessions import`, issue 15): adopted offline, without any call
// to the legacy system.
type ImportedSession struct {
	// RefreshToken is the legacy refresh token, or, when empty,
	// TokenSHA256 is its SHA-256 in hex (64 digits): what renova stores.
	RefreshToken, TokenSHA256 string
	// User is the login or e-mail in the client's tenant; a user who does
	// not exist is created as migrated, without a password.
	User string
	// Client is the client id whose mount the token will be presented at.
	Client string
	// IssuedAt starts the session (zero: now); ExpiresAt, when set, caps
	// its absolute lifetime.
	IssuedAt, ExpiresAt time.Time
}

// Import outcomes.
var (
	// ErrImportExpired means the session had already ended.
	ErrImportExpired = errors.New("session already expired")
	// ErrImportDuplicate means the token is stored already.
	ErrImportDuplicate = errors.New("token already known")
)

// importSession stores an exported legacy session with the token's hash
// as its first, unused token: the first presentation of the token rotates
// it like any renova token (refreshForeign finds it by its SHA-256).
func (s *Service) importSession(ctx context.Context, a Actor, in ImportedSession) (*store.Session, error) {
	hash, err := importHash(in)
	if err != nil {
		return nil, err
	}
	if !in.ExpiresAt.IsZero() && !s.cfg.Now().Before(in.ExpiresAt) {
		return nil, ErrImportExpired // before the user lookup: an ended session creates no user
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	c, err := s.st.GetClient(ctx, in.Client)
	if err != nil {
		return nil, fmt.Errorf("client %q: %w", in.Client, err)
	}
	u, err := s.legacyUser(ctx, c.TenantID, &LegacyUser{Login: in.User})
	if err != nil {
		return nil, fmt.Errorf("user %q: %w", in.User, err)
	}
	sess, err := s.importedSession(c, u, in)
	if err != nil {
		return nil, err
	}
	rt := &store.RefreshToken{Hash: hash, SessionID: sess.ID, Generation: 1, CreatedAt: sess.CreatedAt}
	if err := s.st.CreateSession(ctx, sess, rt); errors.Is(err, store.ErrConflict) {
		return nil, ErrImportDuplicate
	} else if err != nil {
		return nil, storeErr("create imported session", err)
	}
	now := s.cfg.Now()
	claim := &store.LegacyClaim{Key: hash, Kind: store.LegacySession, TenantID: c.TenantID, ClientID: c.ID, ClaimedAt: now}
	if s.st.ClaimLegacy(ctx, claim, now) == nil {
		_ = s.st.FinishLegacy(ctx, hash, u.ID, sess.ID, now) // only the status count depends on it
	}
	s.adoptions.Forget(string(hash))
	s.record(ctx, &store.AuditEvent{Action: actionAdopted, Outcome: "success", Reason: "imported", TenantID: c.TenantID, Actor: a.ID,
		SessionID: sess.ID, ClientID: c.ID, UserID: u.ID}, a.Meta)
	return sess, nil
}

// importHash is the stored hash of an imported token.
func importHash(in ImportedSession) ([]byte, error) {
	if in.RefreshToken != "" {
		if len(in.RefreshToken) >= len(secret.Prefix) && in.RefreshToken[:len(secret.Prefix)] == secret.Prefix {
			return nil, errors.New("refresh_token is a renova token, not a legacy one")
		}
		h, _ := secret.Foreign(in.RefreshToken, nil)
		return h, nil
	}
	h, err := hex.DecodeString(in.TokenSHA256)
	if err != nil || len(h) != 32 {
		return nil, errors.New("need refresh_token, or token_sha256 as 64 hex digits")
	}
	return h, nil
}

// importedSession builds the session: the client's lifetimes from the
// legacy issue time, capped by the legacy expiry; an ended one is refused.
func (s *Service) importedSession(c *store.Client, u *store.User, in ImportedSession) (*store.Session, error) {
	now := s.cfg.Now()
	start := in.IssuedAt
	if start.IsZero() || start.After(now) {
		start = now
	}
	sess := &store.Session{ID: NewID(s.cfg.Rand, "ses"), TenantID: c.TenantID, UserID: u.ID, ClientID: c.ID, Scope: defaultScope(c),
		Generation: 1, CreatedAt: start, LastUsedAt: now, ExpiresAt: start.Add(c.AbsoluteTTL), AuthTime: start}
	if !in.ExpiresAt.IsZero() && in.ExpiresAt.Before(sess.ExpiresAt) {
		sess.ExpiresAt = in.ExpiresAt
	}
	sess.IdleExpiresAt = minTime(now.Add(c.IdleTTL), sess.ExpiresAt)
	if !now.Before(sess.ExpiresAt) {
		return nil, ErrImportExpired
	}
	return sess, nil
}

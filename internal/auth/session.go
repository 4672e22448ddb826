package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// Revoke implements RFC 7009 for client c: revoking a refresh token or an
// access token revokes its whole session. Unknown tokens and tokens of other
// clients are ignored, as §2.2 asks (the answer is the same 200).
func (s *Service) Revoke(ctx context.Context, c *store.Client, tok string, m Meta) error {
	sess, err := s.sessionOf(ctx, tok)
	if err != nil || sess == nil || sess.ClientID != c.ID {
		return err
	}
	return s.revoke(ctx, sess, "revoked", c.ID, m)
}

// Logout revokes one session (PRODUCT.md §2.5).
func (s *Service) Logout(ctx context.Context, sessionID string, m Meta) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	sess, err := s.st.GetSession(ctx, sessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr("load session", err)
	}
	return s.revoke(ctx, sess, "logout", sess.UserID, m)
}

// RevokeSession revokes one session by id on an operator's word (the
// CLI, later the admin API), audited with actor like every revocation; an
// unknown id is ErrNotFound. Revoking a revoked session keeps its first
// reason.
func (s *Service) RevokeSession(ctx context.Context, id, reason, actor string, m Meta) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	sess, err := s.st.GetSession(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("session %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return storeErr("load session", err)
	}
	return s.revoke(ctx, sess, reason, actor, m)
}

func (s *Service) revoke(ctx context.Context, sess *store.Session, reason, actor string, m Meta) error {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.RevokeSession(ctx, sess.ID, reason, s.cfg.Now()); err != nil {
		return storeErr("revoke session", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "session.revoked", Outcome: "success", Reason: reason, TenantID: sess.TenantID,
		Actor: actor, SessionID: sess.ID, ClientID: sess.ClientID, UserID: sess.UserID}, m)
	return nil
}

// RevokeUser revokes every session of a user except keep (may be empty),
// and every browser session of the user: "log out everywhere", password
// change and disabling (PRODUCT.md §2.5, issue 12).
func (s *Service) RevokeUser(ctx context.Context, userID, keep, reason string, m Meta) (int, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	n, err := s.st.RevokeSessions(ctx, store.SessionFilter{UserID: userID, ExceptSession: keep}, reason, s.cfg.Now())
	if err != nil {
		return 0, storeErr("revoke user sessions", err)
	}
	// The user's browsers are signed out too, or single sign-on would
	// hand a disabled user (or the thief of an old password) new codes.
	if _, err := s.st.RevokeBrowserSessions(ctx, store.BrowserFilter{UserID: userID}, s.cfg.Now()); err != nil {
		return 0, storeErr("revoke user browser sessions", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "user.sessions_revoked", Outcome: "success", Reason: reason, Actor: userID, UserID: userID}, m)
	return n, nil
}

// sessionOf finds the session of a refresh token or an access token; nil
// when the token is not one of ours.
func (s *Service) sessionOf(ctx context.Context, tok string) (*store.Session, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if rt, err := secret.Parse(tok); err == nil {
		st, err := s.st.RefreshState(ctx, rt.Hash())
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, storeErr("refresh state", err)
		}
		return st.Session, nil
	}
	var claims token.Claims
	if err := s.verifier.Parse(tok, &claims, token.Options{IgnoreExpiry: true}); err != nil || claims.SessionID == "" {
		return nil, nil
	}
	sess, err := s.st.GetSession(ctx, claims.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, storeErr("load session", err)
	}
	return sess, nil
}

// live reports whether a session can still be used at the service's now.
func (s *Service) live(sess *store.Session) bool {
	now := s.cfg.Now()
	return !sess.Revoked() && now.Before(sess.ExpiresAt) && now.Before(sess.IdleExpiresAt)
}

// Authenticate verifies a bearer access token for the user-facing endpoints
// (logout, profile, password change) of client c: the token must have been
// issued to c, and its session must still be live, so a revoked session
// stops working at once there and another client's token never works.
func (s *Service) Authenticate(ctx context.Context, c *store.Client, bearer string) (*token.Claims, *store.Session, error) {
	bad := &Error{Code: InvalidToken, Description: "the access token is invalid or expired"}
	var claims token.Claims
	if err := s.verifier.Parse(bearer, &claims, token.Options{}); err != nil || claims.SessionID == "" || claims.ClientID != c.ID {
		return nil, nil, bad
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	sess, err := s.st.GetSession(ctx, claims.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, bad
	}
	if err != nil {
		return nil, nil, storeErr("load session", err)
	}
	if !s.live(sess) || sess.ClientID != c.ID {
		return nil, nil, bad
	}
	return &claims, sess, nil
}

package auth

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
)

// RefreshRequest is a refresh-token grant.
type RefreshRequest struct {
	Client *store.Client // authenticated already
	Token  string        // the presented refresh token
	Scope  string        // optional; may not widen the session's scope
	Meta   Meta
	// RequireSession, when set, binds the token to one session: a token of
	// any other session is refused (reason session_mismatch) and audited,
	// before anything is claimed (FormulaCerta binds the refresh token to
	// the old access token's session).
	RequireSession string
	// NoGrace turns the grace window off for this call: any repeat is
	// reuse (HDI's single-use codeToken, RFC 6749 §4.1.2).
	NoGrace bool
	// NoAccessToken skips minting the access token, for surfaces that
	// issue their own (HDI mints an RS256 JWT of its own shape).
	NoAccessToken bool
	// Legacy is the mount's legacy system (nil: none): a token renova
	// never issued nor saw is adopted from it (adopt.go, issue 15).
	Legacy *Legacy
}

// claimAttempts bounds the retries when a token looked claimable yet was
// not claimed (a revocation or rotation committed in between).
const claimAttempts = 3

// Refresh rotates a refresh token (PRODUCT.md §2):
//  1. a live, unused token is claimed and replaced by exactly one successor;
//  2. a repeat presentation of the direct parent inside the client's grace
//     window gets that same successor (derived, never stored in plaintext);
//  3. any other repeat is reuse: the whole session is revoked and audited;
//  4. expired and revoked sessions get invalid_grant with a stable reason.
//
// Concurrent presentations queue on the store's claim; a loser waits at
// most StoreTimeout and then gets temporarily_unavailable (503), never
// invalid_grant.
func (s *Service) Refresh(ctx context.Context, req RefreshRequest) (*Grant, error) {
	if !allows(req.Client, "refresh_token") {
		return nil, errorf(UnauthorizedClient, "client may not use the refresh_token grant")
	}
	if _, err := grantScope(req.Client, req.Scope); err != nil {
		return nil, err // checked before the claim, so a bad scope never costs the token
	}
	tok, err := secret.Parse(req.Token)
	if err != nil && !strings.HasPrefix(req.Token, secret.Prefix) {
		return s.refreshForeign(ctx, req) // another system's token (adopt.go); never sent upstream if ours
	}
	if err != nil {
		s.metrics.Refresh.WithLabelValues(ReasonMalformed).Inc()
		return nil, deadToken(ReasonMalformed)
	}
	return s.rotate(ctx, req, tok.Hash(), tok.Successor(s.cfg.SuccessorKey))
}

// rotate applies the rotation rules to the token stored under hash, whose
// successor is next.
func (s *Service) rotate(ctx context.Context, req RefreshRequest, hash []byte, next secret.Token) (*Grant, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if req.RequireSession != "" {
		if err := s.checkSession(ctx, req, hash); err != nil {
			return nil, err
		}
	}
	if req.Scope != "" {
		if err := s.checkScope(ctx, hash, req.Scope); err != nil {
			return nil, err
		}
	}
	for range claimAttempts {
		g, done, err := s.tryRotate(ctx, req, hash, next)
		if done {
			return g, err
		}
	}
	return nil, unavailable(errors.New("refresh token could not be claimed after retries"))
}

// tryRotate makes one claim attempt; done is false when the caller should
// try again.
func (s *Service) tryRotate(ctx context.Context, req RefreshRequest, hash []byte, next secret.Token) (*Grant, bool, error) {
	c, now := req.Client, s.cfg.Now()
	sess, err := s.st.Rotate(ctx, store.RotateParams{Hash: hash, ClientID: c.ID, Now: now,
		IdleUntil: now.Add(c.IdleTTL), NextHash: next.Hash()})
	if err == nil {
		g, err := s.finish(ctx, req, sess, next, "rotated")
		return g, true, err
	}
	if !errors.Is(err, store.ErrNotClaimed) {
		return nil, true, storeErr("rotate", err)
	}
	st, err := s.st.RefreshState(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		s.metrics.Refresh.WithLabelValues(ReasonUnknown).Inc()
		return nil, true, deadToken(ReasonUnknown)
	}
	if err != nil {
		return nil, true, storeErr("refresh state", err)
	}
	return s.explain(ctx, req, st, next)
}

// explain classifies a token that Rotate did not claim. The order matters:
// a foreign client learns nothing about the session; a revoked or expired
// session is reported as such before any reuse logic runs.
func (s *Service) explain(ctx context.Context, req RefreshRequest, st *store.RefreshState, next secret.Token) (*Grant, bool, error) {
	sess, now := st.Session, s.cfg.Now()
	reason := ""
	switch {
	case sess.ClientID != req.Client.ID:
		reason = ReasonClientMismatch
	case sess.Revoked():
		reason = ReasonSessionRevoked
	case !now.Before(sess.ExpiresAt):
		reason = ReasonExpiredAbsolute
	case !now.Before(sess.IdleExpiresAt):
		reason = ReasonExpiredIdle
	case !st.Token.Used():
		return nil, false, nil // changed under us: claim again
	case s.inGrace(req.Client, req.NoGrace, st, next, now):
		g, err := s.finish(ctx, req, sess, next, "grace_replay")
		if g != nil {
			g.Replayed = true
		}
		return g, true, err
	default:
		return nil, true, s.reuse(ctx, req, sess)
	}
	s.metrics.Refresh.WithLabelValues(reason).Inc()
	s.record(ctx, &store.AuditEvent{Action: "refresh.rejected", Outcome: "failure", Reason: reason, TenantID: sess.TenantID,
		Actor: req.Client.ID, SessionID: sess.ID, ClientID: req.Client.ID, UserID: sess.UserID}, req.Meta)
	return nil, true, deadToken(reason)
}

// inGrace reports whether a used token may be replayed: its successor is
// the session's live token (so only the direct parent qualifies), it is
// the successor we derive, and the grace window has not passed.
func (s *Service) inGrace(c *store.Client, noGrace bool, st *store.RefreshState, next secret.Token, now time.Time) bool {
	child := st.Child
	return c.Grace > 0 && !noGrace && child != nil && !child.Used() && child.Generation == st.Session.Generation &&
		bytes.Equal(child.Hash, next.Hash()) && now.Sub(st.Token.UsedAt) <= c.Grace
}

// checkSession refuses a token that does not belong to req.RequireSession.
func (s *Service) checkSession(ctx context.Context, req RefreshRequest, hash []byte) error {
	st, err := s.st.RefreshState(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return deadToken(ReasonUnknown)
	}
	if err != nil {
		return storeErr("refresh state", err)
	}
	if st.Session.ID == req.RequireSession {
		return nil
	}
	s.metrics.Refresh.WithLabelValues(ReasonSessionMismatch).Inc()
	s.record(ctx, &store.AuditEvent{Action: "refresh.session_mismatch", Outcome: "failure", Reason: ReasonSessionMismatch,
		TenantID: st.Session.TenantID, Actor: req.Client.ID, SessionID: st.Session.ID, ClientID: req.Client.ID, UserID: st.Session.UserID}, req.Meta)
	return deadToken(ReasonSessionMismatch)
}

// reuse revokes the whole session of a replayed token: a stolen token is
// only useful once (PRODUCT.md §2.3).
func (s *Service) reuse(ctx context.Context, req RefreshRequest, sess *store.Session) error {
	s.metrics.Refresh.WithLabelValues(ReasonReused).Inc()
	if err := s.st.RevokeSession(ctx, sess.ID, ReasonReused, s.cfg.Now()); err != nil {
		return storeErr("revoke reused session", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "refresh.reuse", Outcome: "failure", Reason: ReasonReused, TenantID: sess.TenantID,
		Actor: req.Client.ID, SessionID: sess.ID, ClientID: req.Client.ID, UserID: sess.UserID}, req.Meta)
	return deadToken(ReasonReused)
}

// finish mints the access token for a rotated or replayed session.
func (s *Service) finish(ctx context.Context, req RefreshRequest, sess *store.Session, next secret.Token, outcome string) (*Grant, error) {
	s.metrics.Refresh.WithLabelValues(outcome).Inc()
	scope := narrow(req.Scope, sess.Scope)
	g, err := s.grant(ctx, req.Client, sess.UserID, scope, sess, req.NoAccessToken)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	g.RefreshToken = next.String()
	if err := s.refreshIDToken(ctx, req.Client, sess, g); err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "refresh." + outcome, Outcome: "success", TenantID: sess.TenantID,
		Actor: req.Client.ID, SessionID: sess.ID, ClientID: req.Client.ID, UserID: sess.UserID}, req.Meta)
	return g, nil
}

// checkScope refuses, before the claim (so the token stays good), a
// refresh that asks for a scope its session was not granted: RFC 6749 §6,
// "MUST NOT include any scope not originally granted". It costs one read,
// and only refreshes that name a scope pay it; a token the read does not
// find is left to the claim to explain.
func (s *Service) checkScope(ctx context.Context, hash []byte, requested string) error {
	st, err := s.st.RefreshState(ctx, hash)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return storeErr("load refresh state", err)
	}
	have := strings.Fields(st.Session.Scope)
	for _, sc := range strings.Fields(requested) {
		if !slices.Contains(have, sc) {
			return errorf(InvalidScope, "scope %q was not granted to this session", sc)
		}
	}
	return nil
}

// narrow returns the scopes of requested that the session holds (RFC 6749
// §6: a refresh may narrow, never widen; checkScope has refused any
// other); an empty request keeps them all.
func narrow(requested, session string) string {
	if requested == "" {
		return session
	}
	have := strings.Fields(session)
	var out []string
	for _, s := range strings.Fields(requested) {
		if slices.Contains(have, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

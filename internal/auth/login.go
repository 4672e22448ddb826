package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
)

// LoginRequest is a resource-owner password login.
type LoginRequest struct {
	Client   *store.Client // authenticated already
	TenantID string        // empty: the client's tenant
	Username string        // login name or e-mail
	Password string
	Scope    string
	Meta     Meta
	// Legacy is the mount's legacy system (nil: none): a user without a
	// local password is checked there once (migrate.go, issue 15).
	Legacy *Legacy
}

// Login checks a user's password and opens a new session: every login is
// its own refresh-token family, so a second device never logs out the
// first (PRODUCT.md §2).
func (s *Service) Login(ctx context.Context, req LoginRequest) (*Grant, *store.User, error) {
	c := req.Client
	if !allows(c, "password") {
		return nil, nil, errorf(UnauthorizedClient, "client may not use the password grant")
	}
	scope, err := grantScope(c, req.Scope)
	if err != nil {
		return nil, nil, err
	}
	u, err := s.authenticate(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	g, err := s.OpenSession(ctx, OpenRequest{Client: c, User: u, Scope: scope, Meta: req.Meta})
	if err != nil {
		return nil, nil, err
	}
	return g, u, nil
}

// checkPassword returns u when pw is its password. Unknown user (u nil),
// wrong password (argon2id or imported bcrypt) and disabled user cost the
// same work and give the same error: a disabled user's password is not
// checked at all, so its right password cannot be told from a wrong one.
func (s *Service) checkPassword(ctx context.Context, req LoginRequest, tenantID string, u *store.User) (*store.User, error) {
	hash := ""
	if u != nil && !u.Disabled {
		hash = u.PasswordHash
	}
	rehash, verr := s.hasher.Verify(ctx, hash, req.Password)
	if verr != nil || u == nil || u.Disabled || req.Username == "" {
		if errors.Is(verr, context.Canceled) || errors.Is(verr, context.DeadlineExceeded) {
			return nil, unavailable(verr)
		}
		e := &store.AuditEvent{Action: "login.failed", Outcome: "failure", Reason: ReasonCredentials, ClientID: req.Client.ID, TenantID: tenantID}
		if u != nil {
			e.UserID = u.ID
		}
		s.record(ctx, e, req.Meta)
		return nil, badCredentials
	}
	if rehash {
		s.rehash(ctx, u, req.Password)
	}
	return u, nil
}

// rehash upgrades a legacy (bcrypt) or weaker hash after a good login; a
// failure only costs the upgrade, never the login.
func (s *Service) rehash(ctx context.Context, u *store.User, pw string) {
	h, err := s.hasher.Hash(ctx, pw)
	if err == nil {
		err = s.st.SetPassword(ctx, u.ID, h, s.cfg.Now())
	}
	if err == nil {
		u.PasswordHash = h
	}
}

// OpenRequest opens a session for a user already authenticated by other
// means (a password in Login, a partner API key in HDI).
type OpenRequest struct {
	Client *store.Client
	User   *store.User
	Scope  string
	// FirstIdle, when set, replaces the client's idle timeout for the first
	// token only (HDI's 60-second codeToken); rotation then applies the
	// client's idle timeout.
	FirstIdle time.Duration
	Meta      Meta
	// NoAccessToken skips minting the access token (see RefreshRequest).
	NoAccessToken bool
	// BrowserID is the browser session that signed the user in (the
	// authorization code flow), so that its logout ends this session too.
	BrowserID string
	// AuthTime is when the user typed the password (OIDC auth_time);
	// zero means now.
	AuthTime time.Time
}

// OpenSession creates a session with its first refresh token and mints the
// first access token.
func (s *Service) OpenSession(ctx context.Context, req OpenRequest) (*Grant, error) {
	c, u := req.Client, req.User
	if u.Disabled {
		return nil, badCredentials
	}
	first, err := secret.New(s.cfg.Rand)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	idle := c.IdleTTL
	if req.FirstIdle > 0 {
		idle = req.FirstIdle
	}
	sess := &store.Session{
		ID: NewID(s.cfg.Rand, "ses"), TenantID: u.TenantID, UserID: u.ID, ClientID: c.ID, Scope: req.Scope, Generation: 1,
		CreatedAt: now, LastUsedAt: now, ExpiresAt: now.Add(c.AbsoluteTTL), IP: req.Meta.IP, UserAgent: truncate(req.Meta.UserAgent, 256),
		BrowserID: req.BrowserID, AuthTime: req.AuthTime,
	}
	if sess.AuthTime.IsZero() {
		sess.AuthTime = now
	}
	sess.IdleExpiresAt = minTime(now.Add(idle), sess.ExpiresAt)
	rt := &store.RefreshToken{Hash: first.Hash(), SessionID: sess.ID, Generation: 1, CreatedAt: now}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.CreateSession(sctx, sess, rt); err != nil {
		return nil, storeErr("create session", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "login", Outcome: "success", TenantID: u.TenantID, Actor: u.ID,
		SessionID: sess.ID, ClientID: c.ID, UserID: u.ID}, req.Meta)
	g, err := s.grant(ctx, c, u.ID, req.Scope, sess, req.NoAccessToken)
	if err != nil {
		return nil, fmt.Errorf("open session: %w", err)
	}
	g.RefreshToken = first.String()
	return g, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

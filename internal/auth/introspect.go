package auth

import (
	"context"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/secret"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// Introspection is an RFC 7662 answer. Active false carries nothing else.
type Introspection struct {
	Active    bool
	TokenType string // "access_token" or "refresh_token"
	Scope     string
	ClientID  string
	Subject   string
	Tenant    string
	SessionID string
	ExpiresAt time.Time
	IssuedAt  time.Time
}

// Introspect reports whether tok is active. Tokens of another tenant than
// the asking client's are reported inactive, so introspection never leaks
// across tenants.
func (s *Service) Introspect(ctx context.Context, c *store.Client, tok string) (*Introspection, error) {
	if rt, err := secret.Parse(tok); err == nil {
		return s.introspectRefresh(ctx, c, rt)
	}
	var claims token.Claims
	if err := s.verifier.Parse(tok, &claims, token.Options{}); err != nil {
		return &Introspection{}, nil
	}
	ten, err := s.tenant(ctx, c.TenantID)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	if claims.Tenant != ten.Slug {
		return &Introspection{}, nil
	}
	if claims.SessionID != "" {
		sctx, cancel := s.withTimeout(ctx)
		defer cancel()
		sess, err := s.st.GetSession(sctx, claims.SessionID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !s.live(sess)) {
			return &Introspection{}, nil
		}
		if err != nil {
			return nil, storeErr("load session", err)
		}
	}
	return &Introspection{Active: true, TokenType: "access_token", Scope: claims.Scope, ClientID: claims.ClientID,
		Subject: claims.Subject, Tenant: claims.Tenant, SessionID: claims.SessionID,
		ExpiresAt: claims.ExpiresAt.Time, IssuedAt: claims.IssuedAt.Time}, nil
}

func (s *Service) introspectRefresh(ctx context.Context, c *store.Client, rt secret.Token) (*Introspection, error) {
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	st, err := s.st.RefreshState(ctx, rt.Hash())
	if errors.Is(err, store.ErrNotFound) {
		return &Introspection{}, nil
	}
	if err != nil {
		return nil, storeErr("refresh state", err)
	}
	sess := st.Session
	if st.Token.Used() || !s.live(sess) || sess.TenantID != c.TenantID {
		return &Introspection{}, nil
	}
	ten, err := s.tenant(ctx, sess.TenantID)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	return &Introspection{Active: true, TokenType: "refresh_token", Scope: sess.Scope, ClientID: sess.ClientID,
		Subject: sess.UserID, Tenant: ten.Slug, SessionID: sess.ID, ExpiresAt: sess.IdleExpiresAt, IssuedAt: st.Token.CreatedAt}, nil
}

// ClientCredentials issues an access token to a confidential client for
// itself (RFC 6749 §4.4); no refresh token, no session.
func (s *Service) ClientCredentials(ctx context.Context, c *store.Client, scope string) (*Grant, error) {
	if c.Public || !allows(c, "client_credentials") {
		return nil, errorf(UnauthorizedClient, "client may not use the client_credentials grant")
	}
	sc, err := grantScope(c, scope)
	if err != nil {
		return nil, err
	}
	return s.mint(ctx, c, c.ID, sc, nil)
}

package auth

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// Grant is what a successful Login, Refresh or ClientCredentials returns.
type Grant struct {
	AccessToken  string
	TokenType    string // always "Bearer"
	IssuedAt     time.Time
	ExpiresAt    time.Time
	RefreshToken string // empty for client_credentials
	Scope        string
	Session      *store.Session // nil for client_credentials
	Client       *store.Client
	Tenant       *store.Tenant
	// Replayed is true when a retry inside the grace window got the
	// successor an earlier request already received.
	Replayed bool
	// IDToken is the OIDC ID token (OIDC Core §2), set when the session's
	// scope holds openid and the grant came from the authorization code
	// exchange or a refresh of such a session; empty otherwise.
	IDToken string
}

// ExpiresIn is the access token's lifetime in whole seconds.
func (g *Grant) ExpiresIn() int64 { return int64(g.ExpiresAt.Sub(g.IssuedAt) / time.Second) }

// grant is mint, or, with noAccess, the same Grant without an access token.
func (s *Service) grant(ctx context.Context, c *store.Client, sub, scope string, sess *store.Session, noAccess bool) (*Grant, error) {
	if !noAccess {
		return s.mint(ctx, c, sub, scope, sess)
	}
	ten, err := s.tenant(ctx, c.TenantID)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	now := s.cfg.Now()
	return &Grant{TokenType: "Bearer", IssuedAt: now, ExpiresAt: now, Scope: scope, Session: sess, Client: c, Tenant: ten}, nil
}

// mint signs an access token for subject sub in session sess (nil for
// client_credentials) and fills a Grant.
func (s *Service) mint(ctx context.Context, c *store.Client, sub, scope string, sess *store.Session) (*Grant, error) {
	ten, err := s.tenant(ctx, c.TenantID)
	if err != nil {
		return nil, storeErr("load tenant", err)
	}
	signer, err := s.ring.Current(c.Alg)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	exp := now.Add(c.AccessTTL)
	claims := &token.Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: s.cfg.Issuer, Subject: sub, Audience: jwt.ClaimStrings{c.ID},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp),
			ID: randomHex(s.cfg.Rand, 16),
		},
		ClientID: c.ID, Scope: scope, Tenant: ten.Slug,
	}
	if sess != nil {
		claims.SessionID = sess.ID
	}
	at, err := token.Mint(signer, claims, nil)
	if err != nil {
		return nil, fmt.Errorf("mint access token: %w", err)
	}
	return &Grant{AccessToken: at, TokenType: "Bearer", IssuedAt: now, ExpiresAt: exp, Scope: scope,
		Session: sess, Client: c, Tenant: ten}, nil
}

func randomHex(r io.Reader, n int) string {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

package auth

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
)

// Client defaults (PRODUCT.md §2): 15-minute access tokens, a 10-second
// grace window for retries, sessions idle out after 30 days and end after
// 90 whatever happens.
const (
	DefaultAccessTTL   = 15 * time.Minute
	DefaultIdleTTL     = 30 * 24 * time.Hour
	DefaultAbsoluteTTL = 90 * 24 * time.Hour
	DefaultGrace       = 10 * time.Second
)

// Grants renova implements on /oauth2/token.
var Grants = []string{"password", "refresh_token", "client_credentials", "authorization_code"}

// NewClient fills defaults, generates a client id (when empty) and, for a
// confidential client, a secret that is returned once and stored hashed.
func (s *Service) NewClient(ctx context.Context, c *store.Client) (secret string, err error) {
	if secret, err = s.PrepareClient(c); err != nil {
		return "", err
	}
	if err := s.st.CreateClient(ctx, c); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return "", &Error{Code: Conflict, Field: "client_id", Description: fmt.Sprintf("client %q already exists", c.ID)}
		}
		return "", fmt.Errorf("create client: %w", err)
	}
	return secret, nil
}

func setDefaults(c *store.Client) {
	if c.Alg == "" {
		c.Alg = keys.ES256
	}
	if c.AccessTTL == 0 {
		c.AccessTTL = DefaultAccessTTL
	}
	if c.IdleTTL == 0 {
		c.IdleTTL = DefaultIdleTTL
	}
	if c.AbsoluteTTL == 0 {
		c.AbsoluteTTL = DefaultAbsoluteTTL
	}
	if c.Grace < 0 {
		c.Grace = 0
	}
	if len(c.Grants) == 0 {
		c.Grants = []string{"password", "refresh_token"}
		if !c.Public {
			c.Grants = append(c.Grants, "client_credentials")
		}
	}
}

func validateClient(c *store.Client) error {
	if !slices.Contains(keys.Algs, c.Alg) {
		return invalid("alg", "signing algorithm %q is not one of %v", c.Alg, keys.Algs)
	}
	for _, g := range c.Grants {
		if !slices.Contains(Grants, g) {
			return invalid("grants", "grant %q is not one of %v", g, Grants)
		}
	}
	if c.Public && slices.Contains(c.Grants, "client_credentials") {
		return invalid("grants", "a public client cannot use client_credentials")
	}
	if err := validateURIs(c); err != nil {
		return err
	}
	if c.IdleTTL > c.AbsoluteTTL {
		c.IdleTTL = c.AbsoluteTTL
	}
	return nil
}

// validateURIs refuses redirect and post-logout URIs that could never
// match safely: not absolute, or with a fragment (RFC 6749 §3.1.2).
func validateURIs(c *store.Client) error {
	for _, uri := range slices.Concat(c.RedirectURIs, c.PostLogoutURIs) {
		u, err := url.Parse(uri)
		if err != nil || !u.IsAbs() || u.Fragment != "" || strings.Contains(uri, "#") {
			return invalid("redirect_uris", "redirect URI %q must be absolute and without a fragment", uri)
		}
	}
	return nil
}

// ClientByAPIKey authenticates a partner API key (HDI's ?key=). Unknown and
// revoked keys give the same invalid_client.
func (s *Service) ClientByAPIKey(ctx context.Context, key string) (*store.Client, error) {
	if key == "" {
		return nil, &Error{Code: InvalidClient, Description: "missing API key"}
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	c, err := s.st.ClientByAPIKey(ctx, HashClientSecret(key))
	if errors.Is(err, store.ErrNotFound) {
		return nil, &Error{Code: InvalidClient, Description: "unknown or revoked API key"}
	}
	if err != nil {
		return nil, storeErr("load client", err)
	}
	return c, nil
}

// NewAPIKey gives a client a fresh partner API key, returned once and
// stored hashed; it replaces any earlier key.
func (s *Service) NewAPIKey(ctx context.Context, clientID string) (string, error) {
	var c store.Client
	key := s.PrepareAPIKey(&c)
	if err := s.st.SetAPIKey(ctx, clientID, c.APIKeyHash); err != nil {
		return "", storeErr("set api key", err)
	}
	return key, nil
}

// RevokeAPIKey removes a client's partner API key.
func (s *Service) RevokeAPIKey(ctx context.Context, clientID string) error {
	if err := s.st.SetAPIKey(ctx, clientID, ""); err != nil {
		return storeErr("revoke api key", err)
	}
	return nil
}

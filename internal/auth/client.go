package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// HashClientSecret hashes a client secret or partner API key for storage.
// renova generates these secrets with 256 random bits, so a fast hash is
// enough (unlike passwords) and keeps client authentication off the CPU
// budget of the refresh hot path.
func HashClientSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// AuthenticateClient checks a client's credentials. hasSecret is false for a
// public client's "none" authentication. Every failure is the same
// invalid_client, whether the client is unknown or the secret wrong.
func (s *Service) AuthenticateClient(ctx context.Context, id, secret string, hasSecret bool) (*store.Client, error) {
	bad := &Error{Code: InvalidClient, Description: "client authentication failed"}
	if id == "" {
		return nil, bad
	}
	c, err := s.client(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, storeErr("load client", err)
	}
	if c.Public {
		if hasSecret {
			return nil, bad // a public client has no secret to present
		}
		return c, nil
	}
	if !hasSecret || !s.secretMatches(c, HashClientSecret(secret)) {
		return nil, bad
	}
	return c, nil
}

// secretMatches reports whether hash is the client's secret, or the
// secret a rotation replaced while its overlap window lasts (issue 13),
// both compared in constant time.
func (s *Service) secretMatches(c *store.Client, hash string) bool {
	cur := subtle.ConstantTimeCompare([]byte(hash), []byte(c.SecretHash)) == 1
	prev := c.PrevSecretHash != "" && subtle.ConstantTimeCompare([]byte(hash), []byte(c.PrevSecretHash)) == 1
	return cur || (prev && s.cfg.Now().Before(c.PrevSecretUntil))
}

// clientTTL is how long a client record is served from memory. Reading it
// on every request cost 11 % of a refresh's CPU and a database round trip
// (issue 8 profile); a change to a client (a new secret, a revoked key)
// reaches every replica within this time.
const clientTTL = 2 * time.Second

type cachedClient struct {
	c  *store.Client
	at time.Time
}

// client reads a client, from memory when read less than clientTTL ago
// on the service's clock (STYLE.md rule 3), so tests can expire it.
func (s *Service) client(ctx context.Context, id string) (*store.Client, error) {
	if v, ok := s.clients.Load(id); ok {
		if e := v.(cachedClient); s.cfg.Now().Sub(e.at) < clientTTL {
			return e.c, nil
		}
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	c, err := s.st.GetClient(ctx, id)
	if err != nil {
		return nil, err
	}
	s.clients.Store(id, cachedClient{c: c, at: s.cfg.Now()})
	return c, nil
}

// allows reports whether c may use grant.
func allows(c *store.Client, grant string) bool { return slices.Contains(c.Grants, grant) }

// grantScope resolves the requested scope against what c may ask for:
// empty means all of the client's scopes.
func grantScope(c *store.Client, requested string) (string, error) {
	if requested == "" {
		return strings.Join(c.Scopes, " "), nil
	}
	for _, sc := range strings.Fields(requested) {
		if !slices.Contains(c.Scopes, sc) {
			return "", errorf(InvalidScope, "scope %q is not allowed for this client", sc)
		}
	}
	return strings.Join(strings.Fields(requested), " "), nil
}

package auth

import (
	"context"
	"strings"

	"github.com/renova-auth/renova/internal/store"
)

// PrepareUser does what NewUser does before storing u: it checks pw
// against the password policy and hashes it (when not empty), and fills
// the id, the times and the trimmed login. Bootstrap stores the prepared
// records in one transaction (store.Seeder).
func (s *Service) PrepareUser(ctx context.Context, u *store.User, pw string) error {
	if pw != "" {
		if err := s.CheckPasswordPolicy(pw, u.Login, u.Email); err != nil {
			return err
		}
		h, err := s.hasher.Hash(ctx, pw)
		if err != nil {
			return err
		}
		u.PasswordHash = h
	}
	now := s.cfg.Now()
	if u.ID == "" {
		u.ID = NewID(s.cfg.Rand, "usr")
	}
	u.CreatedAt, u.UpdatedAt = now, now
	u.Login = strings.TrimSpace(u.Login)
	return nil
}

// PrepareClient does what NewClient does before storing c: defaults, an
// id when empty, validation, and for a confidential client a secret,
// returned once and set hashed.
func (s *Service) PrepareClient(c *store.Client) (secret string, err error) {
	if c.ID == "" {
		c.ID = NewID(s.cfg.Rand, "cli")
	}
	setDefaults(c)
	if err := validateClient(c); err != nil {
		return "", err
	}
	if !c.Public {
		secret = "rn_cs_" + randomHex(s.cfg.Rand, 32)
		c.SecretHash = HashClientSecret(secret)
	}
	c.CreatedAt = s.cfg.Now()
	return secret, nil
}

// PrepareAPIKey gives c a fresh partner API key, set hashed on c and
// returned once, as NewAPIKey does for a stored client.
func (s *Service) PrepareAPIKey(c *store.Client) string {
	key := "rn_ak_" + randomHex(s.cfg.Rand, 24)
	c.APIKeyHash = HashClientSecret(key)
	return key
}

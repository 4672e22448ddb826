package auth

import "github.com/renova-auth/renova/internal/secret"

// DerivedKey returns a 32-byte key for one purpose, derived (HKDF-SHA256)
// from the key the core already derives from RENOVA_SECRET for refresh
// successors. Surfaces use it to seal what must stay server-side (HDI
// seals a session's refresh token into its JWT's jti), without a secret of
// their own and without learning the successor key itself.
func (s *Service) DerivedKey(purpose string) []byte {
	return secret.Derive(s.cfg.SuccessorKey, "derived "+purpose)
}

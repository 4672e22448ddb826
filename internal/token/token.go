// Package token mints and verifies renova's JWT access tokens
// (PRODUCT.md §2, "Access tokens are JWTs").
package token

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/keys"
)

// Claims is the claim set of an access token: the registered claims of
// RFC 7519 plus sid, client_id, scope and tenant.
type Claims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid,omitempty"`
	ClientID  string `json:"client_id"`
	Scope     string `json:"scope,omitempty"`
	Tenant    string `json:"tenant"`
}

// IDClaims is the claim set of an OIDC ID token (OIDC Core §2): the
// registered claims (iss, sub, aud, exp, iat) plus the authentication's
// time, the request's nonce, the authorized party, the browser session
// and the access token's hash, and the profile claims the scope allows.
type IDClaims struct {
	jwt.RegisteredClaims
	AuthTime  *jwt.NumericDate `json:"auth_time,omitempty"`
	Nonce     string           `json:"nonce,omitempty"`
	AZP       string           `json:"azp,omitempty"`
	SessionID string           `json:"sid,omitempty"`
	AtHash    string           `json:"at_hash,omitempty"`
	Email     string           `json:"email,omitempty"`
	// EmailVerified is false: renova does not verify addresses yet.
	EmailVerified *bool  `json:"email_verified,omitempty"`
	Name          string `json:"name,omitempty"`
}

// ErrInvalid means a token is not one renova signed or is not valid now.
var ErrInvalid = errors.New("invalid access token")

// methods maps renova's algorithm names to the library's signing methods.
var methods = map[string]jwt.SigningMethod{
	keys.ES256: jwt.SigningMethodES256,
	keys.RS256: jwt.SigningMethodRS256,
	keys.EdDSA: jwt.SigningMethodEdDSA,
}

// Mint signs claims with s. The header carries typ "at+jwt"-compatible
// "JWT" and the signer's kid. Extra header fields may be added by dialects
// through header.
func Mint(s *keys.Signer, claims jwt.Claims, header map[string]any) (string, error) {
	m, ok := methods[s.Alg]
	if !ok {
		return "", fmt.Errorf("unsupported signing algorithm %q", s.Alg)
	}
	t := jwt.NewWithClaims(m, claims)
	t.Header["kid"] = s.Kid
	for k, v := range header {
		t.Header[k] = v
	}
	return t.SignedString(s.Key)
}

// Verifier checks tokens against the keys of a ring.
type Verifier struct {
	Ring   *keys.Ring
	Issuer string
	Now    func() time.Time
}

// Options relax verification for the dialects that need it.
type Options struct {
	// IgnoreExpiry accepts an expired token (FormulaCerta refreshtoken and
	// HDI tokenrenew renew expired tokens); the signature, issuer and kid
	// are still checked.
	IgnoreExpiry bool
}

// Parse verifies tok's signature against the published key its kid names,
// refusing any algorithm other than that key's own (no "none", no HS256
// with a public key as secret), checks the issuer and, unless opt says
// otherwise, exp/nbf/iat. It fills claims, which must be a pointer type.
func (v *Verifier) Parse(tok string, claims jwt.Claims, opt Options) error {
	popts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{keys.ES256, keys.RS256, keys.EdDSA}),
		jwt.WithIssuer(v.Issuer),
		jwt.WithTimeFunc(v.Now),
		jwt.WithIssuedAt(),
	}
	if opt.IgnoreExpiry {
		popts = append(popts, jwt.WithoutClaimsValidation())
	}
	_, err := jwt.ParseWithClaims(tok, claims, v.key, popts...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if opt.IgnoreExpiry {
		// Claims validation was skipped as a whole; keep the issuer check.
		if iss, _ := claims.GetIssuer(); iss != v.Issuer {
			return fmt.Errorf("%w: issuer %q", ErrInvalid, iss)
		}
	}
	return nil
}

func (v *Verifier) key(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	pub, alg, ok := v.Ring.Public(kid)
	if !ok {
		return nil, errors.New("unknown kid")
	}
	if t.Method.Alg() != alg {
		return nil, fmt.Errorf("alg %s does not match key %s", t.Method.Alg(), alg)
	}
	return pub, nil
}

package hdi

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/auth"
	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/token"
)

// Claims is the claim set of an HDI token, in the order and with the JSON
// types of seed 003's sample (sub, aud as a string, application, roles,
// iss, exp, iat, user, webClient), plus jti and sid. The jti is opaque: the
// session's current refresh token sealed under a server-side key (seal.go),
// so /tokenrenew is a core Refresh of the unsealed token and each JWT renews
// once, while the JWT alone reveals no refresh token.
type Claims struct {
	Subject     string   `json:"sub"`
	Audience    string   `json:"aud"`
	Application []string `json:"application"` // the client's applicationCode
	Roles       []string `json:"roles"`
	Issuer      string   `json:"iss"`
	ExpiresAt   int64    `json:"exp"`
	IssuedAt    int64    `json:"iat"`
	User        []string `json:"user"`      // the end user's login (X-User-Id)
	WebClient   []string `json:"webClient"` // X-Application-Id
	ID          string   `json:"jti"`
	SessionID   string   `json:"sid"`
}

var _ jwt.Claims = (*Claims)(nil)

// GetExpirationTime implements jwt.Claims.
func (c *Claims) GetExpirationTime() (*jwt.NumericDate, error) { return numeric(c.ExpiresAt), nil }

// GetIssuedAt implements jwt.Claims.
func (c *Claims) GetIssuedAt() (*jwt.NumericDate, error) { return numeric(c.IssuedAt), nil }

// GetNotBefore implements jwt.Claims; HDI tokens carry no nbf.
func (c *Claims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims.
func (c *Claims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c *Claims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *Claims) GetAudience() (jwt.ClaimStrings, error) { return jwt.ClaimStrings{c.Audience}, nil }

func numeric(sec int64) *jwt.NumericDate {
	if sec == 0 {
		return nil
	}
	return jwt.NewNumericDate(time.Unix(sec, 0))
}

// mint signs the HDI token for grant g of user u, called by application
// app (X-Application-Id). iat is the session's last rotation instant, so
// minting the same successor again (a grace-window replay) gives the same
// claims, and RS256 (PKCS#1 v1.5) signatures being deterministic, the very
// same JWT. The header is seed 003's: alg RS256, typ JWT, a 40-hex kid.
func (s *Surface) mint(g *auth.Grant, u *auth.User, app string) (string, error) {
	signer, err := s.b.Ring.Current(keys.RS256)
	if err != nil {
		return "", err
	}
	if len(signer.HexKid) != 40 {
		return "", errors.New("hdi: the RS256 key has no hex kid")
	}
	iat := g.Session.LastUsedAt.Truncate(time.Second)
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	c := &Claims{
		Subject: u.ID, Audience: s.aud, Application: []string{g.Client.AppCode}, Roles: roles,
		Issuer: s.b.Svc.Issuer(), ExpiresAt: iat.Add(g.Client.AccessTTL).Unix(), IssuedAt: iat.Unix(),
		User: []string{auth.ExternalID(u)}, WebClient: []string{app}, ID: s.seal.seal(g.Session.ID, g.RefreshToken), SessionID: g.Session.ID,
	}
	jws, err := token.Mint(signer, c, map[string]any{"kid": signer.HexKid, "typ": "JWT"})
	if err != nil {
		return "", fmt.Errorf("hdi: mint token: %w", err)
	}
	return jws, nil
}

// verify checks a presented token: our signature under a published key
// with that key's own algorithm (no none, no HS256 keyed with the public
// key, no foreign key under our kid) and our issuer, all by the core's
// verifier; then that it was issued to this client's application for this
// application header, in the renewal window. Expiry itself is no reason to
// refuse: renewing expired tokens is the point (seed 003, "renovação de um
// Token expirado").
func (s *Surface) verify(tok string, cl *caller, now time.Time) (*Claims, error) {
	var c Claims
	if err := s.b.Svc.Verifier().Parse(tok, &c, token.Options{IgnoreExpiry: true}); err != nil {
		return nil, badToken("untrusted", "the token was not issued by this service")
	}
	if c.ID == "" || c.SessionID == "" || c.Subject == "" || c.ExpiresAt == 0 || len(c.User) != 1 {
		return nil, badToken("malformed", "the token lacks the claims of a renewable token")
	}
	if c.Audience != s.aud || !slices.Equal(c.Application, []string{cl.Client.AppCode}) ||
		!slices.Equal(c.WebClient, []string{cl.Application}) {
		return nil, badToken("mismatch", "the token was issued for another application")
	}
	if now.After(time.Unix(c.ExpiresAt, 0).Add(s.window)) {
		return nil, badToken("renewal_window_passed", "the token expired more than "+s.window.String()+" ago; authorize again")
	}
	return &c, nil
}

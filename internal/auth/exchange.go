package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"

	"github.com/renova-auth/renova/internal/store"
)

// ExchangeRequest is a token request with grant_type=authorization_code.
type ExchangeRequest struct {
	Client      *Client // authenticated already (or public)
	Code        string
	RedirectURI string
	Verifier    string // PKCE code_verifier
	Meta        Meta
}

// ExchangeCode redeems a code (RFC 6749 §4.1.3, RFC 7636 §4.6): it opens
// a refresh-token session as a login does and, for openid, an ID token.
// A refresh token is returned only when the client has the refresh_token
// grant (the client's setting decides, not offline_access: one rule that
// an administrator sets once). A second redemption is an attack: refused,
// and the session the first one opened is revoked and audited. Every
// failure is invalid_grant with a stable reason.
func (s *Service) ExchangeCode(ctx context.Context, req ExchangeRequest) (*Grant, error) {
	c := req.Client
	if !allows(c, "authorization_code") {
		return nil, errorf(UnauthorizedClient, "client may not use the authorization code grant")
	}
	if !strings.HasPrefix(req.Code, codePrefix) || len(req.Code) > 128 {
		return nil, codeError(ReasonMalformed, "authorization code is malformed")
	}
	hash := sha(req.Code)
	sctx, cancel := s.withTimeout(ctx)
	ac, err := s.st.ClaimAuthCode(sctx, hash, s.cfg.Now())
	cancel()
	switch {
	case errors.Is(err, store.ErrConflict):
		return nil, s.codeReplay(ctx, req, ac)
	case errors.Is(err, store.ErrNotFound):
		return nil, codeError(ReasonUnknown, "authorization code is not known")
	case err != nil:
		return nil, storeErr("claim authorization code", err)
	}
	if err := s.checkCode(req, ac); err != nil {
		s.record(ctx, &store.AuditEvent{Action: "code.rejected", Outcome: "failure", Reason: err.Reason, TenantID: ac.TenantID,
			Actor: c.ID, ClientID: c.ID, UserID: ac.UserID}, req.Meta)
		return nil, err
	}
	return s.redeem(ctx, req, ac)
}

// redeem opens the session of a checked code and fills the grant.
func (s *Service) redeem(ctx context.Context, req ExchangeRequest, ac *store.AuthCode) (*Grant, error) {
	c := req.Client
	u, err := s.User(ctx, ac.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, codeError(ReasonUnknown, "authorization code is not known")
	}
	if err != nil {
		return nil, err
	}
	g, err := s.OpenSession(ctx, OpenRequest{Client: c, User: u, Scope: ac.Scope, Meta: req.Meta,
		BrowserID: ac.BrowserID, AuthTime: ac.AuthTime})
	if err != nil {
		return nil, err
	}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.SetAuthCodeSession(sctx, ac.Hash, g.Session.ID); err != nil {
		return nil, storeErr("bind code to session", err) // unbound, a replay could not revoke it
	}
	if !allows(c, "refresh_token") {
		g.RefreshToken = ""
	}
	if hasScope(ac.Scope, "openid") {
		if g.IDToken, err = s.idToken(c, u, g, ac.Nonce, ac.AuthTime, ac.BrowserID); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// codeError is the invalid_grant of a code that cannot be redeemed.
func codeError(reason, desc string) *Error {
	return &Error{Code: InvalidGrant, Reason: reason, Description: desc}
}

// checkCode matches a claimed code against the token request: same
// client, not expired, same redirect URI (RFC 6749 §4.1.3) and the PKCE
// verifier of its challenge (RFC 7636 §4.6).
func (s *Service) checkCode(req ExchangeRequest, ac *store.AuthCode) *Error {
	c := req.Client
	switch {
	case ac.ClientID != c.ID:
		return codeError(ReasonCodeMismatch, "authorization code was issued to another client")
	case !s.cfg.Now().Before(ac.ExpiresAt):
		return codeError(ReasonCodeExpired, "authorization code expired")
	case !sameRedirect(c, req.RedirectURI, ac.RedirectURI):
		return codeError(ReasonCodeMismatch, "redirect_uri differs from the authorization request's")
	case !verifies(c, req.Verifier, ac.Challenge):
		return codeError(ReasonPKCE, "code_verifier is missing or wrong")
	}
	return nil
}

// sameRedirect compares the token request's redirect_uri with the code's.
// It may be left out only when the client registered one URI, which the
// authorization request then used implicitly.
func sameRedirect(c *store.Client, sent, code string) bool {
	if sent == "" {
		return len(c.RedirectURIs) == 1 && c.RedirectURIs[0] == code
	}
	return sent == code
}

// verifies applies PKCE: a stored challenge needs its verifier, a public
// client always needs one, and a verifier without a challenge is refused
// (a PKCE downgrade, RFC 9700 §2.1.1).
func verifies(c *store.Client, verifier, challenge string) bool {
	if verifier == "" && challenge == "" {
		return !c.Public
	}
	if verifier == "" || challenge == "" || !pkceValue(verifier) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(S256(verifier)), []byte(challenge)) == 1
}

// S256 is the PKCE S256 challenge of verifier: BASE64URL(SHA256(verifier))
// without padding (RFC 7636 §4.2).
func S256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// codeReplay answers a second redemption: the session the first one
// opened is revoked (RFC 6749 §4.1.2: the code may have been stolen and
// the tokens issued on it should be revoked), and the attack audited.
func (s *Service) codeReplay(ctx context.Context, req ExchangeRequest, ac *store.AuthCode) error {
	e := &store.AuditEvent{Action: "code.replay", Outcome: "failure", Reason: ReasonCodeReused, Actor: req.Client.ID, ClientID: req.Client.ID}
	if ac != nil {
		e.TenantID, e.SessionID, e.UserID = ac.TenantID, ac.SessionID, ac.UserID
	}
	if ac != nil && ac.SessionID != "" {
		sctx, cancel := s.withTimeout(ctx)
		err := s.st.RevokeSession(sctx, ac.SessionID, ReasonCodeReused, s.cfg.Now())
		cancel()
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return storeErr("revoke session of replayed code", err)
		}
	}
	s.record(ctx, e, req.Meta)
	return codeError(ReasonCodeReused, "authorization code was already used")
}

// hasScope reports whether the space-separated scope holds sc.
func hasScope(scope, sc string) bool {
	for _, v := range strings.Fields(scope) {
		if v == sc {
			return true
		}
	}
	return false
}

package auth

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/renova-auth/renova/internal/keys"
	"github.com/renova-auth/renova/internal/store"
	"github.com/renova-auth/renova/internal/token"
)

// idToken signs the ID token of grant g for user u (OIDC Core §2,
// §3.1.3.6) with the client's algorithm from the access tokens' key ring.
// It lives as long as the access token; nonce is empty on refresh (OIDC
// Core §12.2); sid names the browser session.
func (s *Service) idToken(c *store.Client, u *store.User, g *Grant, nonce string, authTime time.Time, sid string) (string, error) {
	signer, err := s.ring.Current(c.Alg)
	if err != nil {
		return "", err
	}
	now := g.IssuedAt
	claims := &token.IDClaims{
		RegisteredClaims: jwt.RegisteredClaims{Issuer: s.cfg.Issuer, Subject: u.ID, Audience: jwt.ClaimStrings{c.ID},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(c.AccessTTL))},
		AuthTime: jwt.NewNumericDate(authTime), Nonce: nonce, AZP: c.ID, SessionID: sid,
	}
	if g.AccessToken != "" {
		claims.AtHash = AtHash(signer.Alg, g.AccessToken)
	}
	if hasScope(g.Scope, "profile") {
		claims.Name = u.Name
	}
	if hasScope(g.Scope, "email") && u.Email != "" {
		verified := false
		claims.Email, claims.EmailVerified = u.Email, &verified
	}
	tok, err := token.Mint(signer, claims, nil)
	if err != nil {
		return "", fmt.Errorf("mint id token: %w", err)
	}
	return tok, nil
}

// AtHash is the at_hash of an access token signed with alg (OIDC Core
// §3.1.3.6): the left half of its hash, base64url. The hash is the one of
// the JWS algorithm: SHA-256 for ES256 and RS256, SHA-512 for EdDSA
// (Ed25519 hashes with SHA-512, the rule OIDC Core errata and most
// libraries apply).
func AtHash(alg, accessToken string) string {
	var h hash.Hash = sha256.New()
	if alg == keys.EdDSA {
		h = sha512.New()
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2])
}

// refreshIDToken adds the ID token to a refresh of a session the
// authorization code flow opened with openid: same sub, the session's
// auth_time and sid, no nonce (OIDC Core §12.2). Password-grant sessions
// get none, as their login gave none.
func (s *Service) refreshIDToken(ctx context.Context, c *store.Client, sess *store.Session, g *Grant) error {
	if sess.BrowserID == "" || g.AccessToken == "" || !hasScope(g.Scope, "openid") {
		return nil
	}
	u, err := s.st.GetUser(ctx, sess.UserID)
	if err != nil {
		return storeErr("load user", err)
	}
	g.IDToken, err = s.idToken(c, u, g, "", sess.AuthTime, sess.BrowserID)
	return err
}

// UserInfo answers OIDC Core §5.3 for a bearer access token: sub always,
// profile and email claims by the token's scope. Errors are InvalidToken
// (RFC 6750 §3.1). The token's session must be live, so a logout stops it
// at once. An ID token is not an access token (it has no client_id) and
// is refused.
func (s *Service) UserInfo(ctx context.Context, bearer string) (map[string]any, error) {
	bad := &Error{Code: InvalidToken, Description: "the access token is invalid or expired"}
	var claims token.Claims
	if err := s.verifier.Parse(bearer, &claims, token.Options{}); err != nil || claims.SessionID == "" || claims.ClientID == "" {
		return nil, bad
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	sess, err := s.st.GetSession(ctx, claims.SessionID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, bad
	}
	if err != nil {
		return nil, storeErr("load session", err)
	}
	if !s.live(sess) || sess.ClientID != claims.ClientID || sess.UserID != claims.Subject {
		return nil, bad
	}
	u, err := s.st.GetUser(ctx, sess.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, bad
	}
	if err != nil {
		return nil, storeErr("load user", err)
	}
	return userClaims(u, claims.Scope), nil
}

// userClaims are the standard claims of u that scope releases (OIDC Core
// §5.4); empty values are left out rather than sent empty.
func userClaims(u *store.User, scope string) map[string]any {
	out := map[string]any{"sub": u.ID}
	if hasScope(scope, "profile") {
		out["preferred_username"] = u.Login
		if u.Name != "" {
			out["name"] = u.Name
		}
	}
	if hasScope(scope, "email") && u.Email != "" {
		out["email"], out["email_verified"] = u.Email, false
	}
	return out
}

package auth

import (
	"context"
	"errors"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// The browser sign-in of issue 12 (OIDC authorization code + PKCE, hosted
// login page, SSO, ID tokens, userinfo, RP-initiated logout). This file is
// the contract between the core and the standard surface; the bodies are
// being written.

// BrowserSession is a signed-in browser (see store.BrowserSession).
type BrowserSession = store.BrowserSession

// errPending stands in for the bodies still being written.
var errPending = errors.New("auth: browser sign-in is not implemented yet")

// AuthorizeRequest is an /oauth2/authorize request as the browser sent it
// (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), before any check.
type AuthorizeRequest struct {
	ClientID            string
	RedirectURI         string
	ResponseType        string // only "code"
	ResponseMode        string // "" or "query"
	Scope               string
	State               string
	Nonce               string
	CodeChallenge       string
	CodeChallengeMethod string // "S256" ("" with a challenge means plain, refused)
	Prompt              string // "", "none", "login"
	MaxAge              string // seconds as sent, "" when absent
	LoginHint           string
	UILocales           string
	Meta                Meta
}

// Authorization is an authorization request that passed the checks: what
// the login page shows and what a code is bound to.
type Authorization struct {
	Client      *Client
	Tenant      *Tenant
	RedirectURI string
	Scope       string // granted scope (the client's scopes ∩ the request's)
	State       string
	Nonce       string
	Challenge   string        // PKCE S256 challenge, "" for a confidential client that sent none
	Prompt      string        // "", "none" or "login"
	MaxAge      time.Duration // -1 when absent
	LoginHint   string
	UILocales   string
}

// Authorize checks req. If the client is unknown or the redirect URI is
// not one it registered, it returns (nil, err): the surface must show an
// error page and never redirect (no open redirect, RFC 6749 §4.1.2.1).
// Once the redirect URI is trusted, every other problem comes back as
// (a, err) with a non-nil a: the surface redirects err's code to
// a.RedirectURI with a.State. err is an *Error in every case.
func (s *Service) Authorize(ctx context.Context, req AuthorizeRequest) (*Authorization, error) {
	return nil, errPending
}

// NeedsLogin reports whether a must show the login form although browser
// session b (nil when there is none) exists: no session, prompt=login, or
// b's auth_time older than max_age.
func (s *Service) NeedsLogin(a *Authorization, b *BrowserSession) bool {
	return true
}

// SignIn checks the password of username in a's tenant, as Login does
// (same answer and same work for unknown user, wrong password and disabled
// user; the login throttle applies), and opens a browser session. It
// returns the session and the cookie value to set; only its hash is kept.
func (s *Service) SignIn(ctx context.Context, a *Authorization, username, password string, m Meta) (*BrowserSession, string, error) {
	return nil, "", errPending
}

// Browser returns the live browser session of a cookie value; ErrNotFound
// when there is none (unknown, revoked, expired, or its user disabled).
func (s *Service) Browser(ctx context.Context, cookie string) (*BrowserSession, error) {
	return nil, errPending
}

// Code issues the authorization code of a for browser session b: opaque,
// stored hashed, single use, valid 60 s (RFC 6749 §4.1.2).
func (s *Service) Code(ctx context.Context, a *Authorization, b *BrowserSession, m Meta) (string, error) {
	return "", errPending
}

// ExchangeRequest is a token request with grant_type=authorization_code.
type ExchangeRequest struct {
	Client      *Client // authenticated already (or public)
	Code        string
	RedirectURI string
	Verifier    string // PKCE code_verifier
	Meta        Meta
}

// ExchangeCode redeems a code (RFC 6749 §4.1.3, RFC 7636 §4.6): it opens
// a refresh-token session as a login does (a refresh token only with
// offline_access or the client's setting) and, for openid, an ID token.
// A second redemption is an attack: refused, and the session the first
// one opened is revoked and audited.
func (s *Service) ExchangeCode(ctx context.Context, req ExchangeRequest) (*Grant, error) {
	return nil, errPending
}

// UserInfo answers OIDC Core §5.3 for a bearer access token: sub always,
// profile and email claims by the token's scope. Errors are InvalidToken
// (RFC 6750 §3.1).
func (s *Service) UserInfo(ctx context.Context, bearer string) (map[string]any, error) {
	return nil, errPending
}

// EndSessionRequest is an RP-initiated logout (OIDC RP-Initiated Logout
// 1.0 §2).
type EndSessionRequest struct {
	Cookie                string // the browser session cookie, "" when none
	IDTokenHint           string
	ClientID              string
	PostLogoutRedirectURI string
	State                 string
	Meta                  Meta
}

// EndSession ends the browser session of req.Cookie and every session
// opened through it. It returns where to send the browser: the
// post-logout redirect URI with state when it is registered for the
// hinted client, else "" (the surface shows a confirmation page).
func (s *Service) EndSession(ctx context.Context, req EndSessionRequest) (string, error) {
	return "", errPending
}

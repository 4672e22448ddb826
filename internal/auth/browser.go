package auth

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// The browser sign-in of issue 12 (OIDC authorization code + PKCE, hosted
// login page, SSO, ID tokens, userinfo, RP-initiated logout). This file is
// the contract between the core and the standard surface: the checks of
// an authorization request (authorize.go), the browser session and the
// code (here), the code exchange (exchange.go), ID tokens and userinfo
// (idtoken.go) and logout (logout.go).

// BrowserSession is a signed-in browser (see store.BrowserSession).
type BrowserSession = store.BrowserSession

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

// NeedsLogin reports whether a must show the login form although browser
// session b (nil when there is none) exists: no session, a session of
// another tenant, prompt=login, or b's auth_time older than max_age (OIDC
// Core §3.1.2.1). Call it before the form, not after SignIn: a fresh
// sign-in satisfies the request even with prompt=login.
func (s *Service) NeedsLogin(a *Authorization, b *BrowserSession) bool {
	switch {
	case b == nil || b.TenantID != a.Tenant.ID || a.Prompt == "login":
		return true
	case a.MaxAge >= 0:
		return s.cfg.Now().Sub(b.AuthTime) > a.MaxAge
	}
	return false
}

// browserPrefix marks a browser session cookie value.
const browserPrefix = "rn_bs_"

// SignIn checks the password of username in a's tenant, as Login does
// (same answer and same work for unknown user, wrong password and disabled
// user; the login throttle applies), and opens a browser session. It
// returns the session and the cookie value to set; only its hash is kept.
func (s *Service) SignIn(ctx context.Context, a *Authorization, username, password string, m Meta) (*BrowserSession, string, error) {
	req := LoginRequest{Client: a.Client, TenantID: a.Tenant.ID, Username: username, Password: password, Meta: m}
	u, err := s.authenticate(ctx, req)
	if err != nil {
		return nil, "", err
	}
	return s.openBrowser(ctx, a.Client.ID, u, m)
}

// openBrowser stores a new browser session for u and returns its cookie.
func (s *Service) openBrowser(ctx context.Context, clientID string, u *store.User, m Meta) (*BrowserSession, string, error) {
	cookie := browserPrefix + base64.RawURLEncoding.EncodeToString(randomBytes(s.cfg.Rand, 32))
	now := s.cfg.Now()
	b := &BrowserSession{ID: NewID(s.cfg.Rand, "bs"), Hash: sha(cookie), TenantID: u.TenantID, UserID: u.ID,
		AuthTime: now, CreatedAt: now, ExpiresAt: now.Add(s.cfg.BrowserTTL), IP: m.IP, UserAgent: truncate(m.UserAgent, 256)}
	sctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.CreateBrowserSession(sctx, b); err != nil {
		return nil, "", storeErr("create browser session", err)
	}
	s.record(ctx, &store.AuditEvent{Action: "browser.login", Outcome: "success", TenantID: u.TenantID, Actor: u.ID,
		SessionID: b.ID, ClientID: clientID, UserID: u.ID}, m)
	return b, cookie, nil
}

// Browser returns the live browser session of a cookie value; ErrNotFound
// when there is none (unknown, revoked, expired, or its user disabled).
func (s *Service) Browser(ctx context.Context, cookie string) (*BrowserSession, error) {
	if !strings.HasPrefix(cookie, browserPrefix) || len(cookie) > 128 {
		return nil, ErrNotFound
	}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	b, err := s.st.BrowserSessionByHash(ctx, sha(cookie))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, storeErr("load browser session", err)
	}
	if b.Revoked() || !s.cfg.Now().Before(b.ExpiresAt) {
		return nil, ErrNotFound
	}
	u, err := s.st.GetUser(ctx, b.UserID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && u.Disabled) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, storeErr("load user", err)
	}
	return b, nil
}

// Code lifetime and prefix: RFC 6749 §4.1.2 recommends at most ten
// minutes; a browser redirect takes a second or two.
const (
	codeTTL    = 60 * time.Second
	codePrefix = "rn_ac_"
)

// Code issues the authorization code of a for browser session b: opaque,
// stored hashed, single use, valid 60 s (RFC 6749 §4.1.2).
func (s *Service) Code(ctx context.Context, a *Authorization, b *BrowserSession, m Meta) (string, error) {
	if b == nil || b.TenantID != a.Tenant.ID {
		return "", errorf(LoginRequired, "the user must sign in")
	}
	code := codePrefix + base64.RawURLEncoding.EncodeToString(randomBytes(s.cfg.Rand, 32))
	now := s.cfg.Now()
	ac := &store.AuthCode{Hash: sha(code), TenantID: a.Client.TenantID, ClientID: a.Client.ID, UserID: b.UserID,
		BrowserID: b.ID, RedirectURI: a.RedirectURI, Challenge: a.Challenge, Nonce: a.Nonce, Scope: a.Scope,
		AuthTime: b.AuthTime, CreatedAt: now, ExpiresAt: now.Add(codeTTL)}
	ctx, cancel := s.withTimeout(ctx)
	defer cancel()
	if err := s.st.CreateAuthCode(ctx, ac); err != nil {
		return "", storeErr("create authorization code", err)
	}
	return code, nil
}

// sha is the SHA-256 under which cookies and codes are stored.
func sha(v string) []byte {
	sum := sha256.Sum256([]byte(v))
	return sum[:]
}

// randomBytes reads n bytes of the service's randomness.
func randomBytes(r io.Reader, n int) []byte {
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		panic(err) // crypto/rand does not fail
	}
	return b
}

package store

import (
	"context"
	"time"
)

// BrowserSession is a signed-in browser (single sign-on, issue 12): the
// cookie a browser holds after the hosted login page, bound to one user.
// Only the SHA-256 of the cookie value is stored. Refresh-token sessions
// opened through it carry its ID (Session.BrowserID), so that a logout
// ends them too.
type BrowserSession struct {
	ID        string    // "bs_..." identifier, safe to log and to put in an ID token's sid
	Hash      []byte    // SHA-256 of the cookie value
	TenantID  string    // the user's tenant
	UserID    string    // the signed-in user
	AuthTime  time.Time // when the user last typed the password (OIDC auth_time)
	CreatedAt time.Time // when the browser session began
	ExpiresAt time.Time // absolute end; the cookie is useless after it
	RevokedAt time.Time // zero while live; set by logout, user disable, password change
	IP        string    // the address that signed in
	UserAgent string    // the browser that signed in
}

// Revoked reports whether the browser session was ended.
func (b *BrowserSession) Revoked() bool { return !b.RevokedAt.IsZero() }

// AuthCode is an OAuth 2.0 authorization code (RFC 6749 §4.1.2): opaque,
// stored hashed, single use, short-lived, bound to everything the
// authorization request fixed, so the token request can be checked
// against it.
type AuthCode struct {
	Hash        []byte    // SHA-256 of the code
	TenantID    string    // the client's tenant
	ClientID    string    // the client it was issued to
	UserID      string    // the user who signed in
	BrowserID   string    // the browser session it came from
	RedirectURI string    // the redirect_uri of the request, compared exactly at exchange
	Challenge   string    // PKCE S256 code_challenge ("" when the client sent none)
	Nonce       string    // OIDC nonce, echoed in the ID token
	Scope       string    // granted scope
	AuthTime    time.Time // the browser session's auth_time
	CreatedAt   time.Time // when it was issued
	ExpiresAt   time.Time // CreatedAt + 60 s
	UsedAt      time.Time // zero until redeemed; a second redemption is an attack
	SessionID   string    // the refresh-token session the exchange opened, revoked on replay
}

// Used reports whether the code was redeemed.
func (c *AuthCode) Used() bool { return !c.UsedAt.IsZero() }

// Browsers stores browser sessions and authorization codes.
type Browsers interface {
	// CreateBrowserSession stores a new browser session.
	CreateBrowserSession(ctx context.Context, b *BrowserSession) error
	// BrowserSessionByHash returns the browser session whose cookie hashes
	// to hash (revoked or expired ones too: the caller decides), or
	// ErrNotFound.
	BrowserSessionByHash(ctx context.Context, hash []byte) (*BrowserSession, error)
	// RevokeBrowserSessions ends the live browser sessions matching f (by
	// ID, or every one of a user) and returns how many it ended.
	RevokeBrowserSessions(ctx context.Context, f BrowserFilter, now time.Time) (int, error)
	// CreateAuthCode stores a new authorization code.
	CreateAuthCode(ctx context.Context, c *AuthCode) error
	// ClaimAuthCode marks the code with hash used at now, atomically, and
	// returns it. A code already used comes back with ErrConflict (and the
	// record, so the caller can revoke the session it opened); an unknown
	// one is ErrNotFound. Expiry is the caller's check.
	ClaimAuthCode(ctx context.Context, hash []byte, now time.Time) (*AuthCode, error)
	// SetAuthCodeSession records the session a redeemed code opened.
	SetAuthCodeSession(ctx context.Context, hash []byte, sessionID string) error
}

// BrowserFilter selects browser sessions: by ID, or all of UserID.
type BrowserFilter struct {
	ID     string
	UserID string
}

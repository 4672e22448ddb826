// Package store defines renova's records and the one storage interface every
// backend implements. It holds no SQL: backends live in sub-packages and all
// pass the conformance suite in store/storetest (STYLE.md, "Storage").
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Backends translate driver errors into these; callers use
// errors.Is.
var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict means a unique constraint (slug, login, client id) was hit.
	ErrConflict = errors.New("store: conflict")
	// ErrNotClaimed means Rotate found no live, unused token to claim; the
	// caller reads RefreshState to learn why (used, revoked, expired, ...).
	ErrNotClaimed = errors.New("store: refresh token not claimable")
	// ErrUnavailable means the database could not be reached or did not
	// answer in time; the request may be retried.
	ErrUnavailable = errors.New("store: unavailable")
)

// Store is the whole storage surface of renova. It is cut around the
// domain's atomic operations (Rotate) plus plain verbs for admin records.
type Store interface {
	Tenants
	Users
	Clients
	Sessions
	Keys
	Audit
	// Ping reports whether the database answers; /readyz uses it.
	Ping(ctx context.Context) error
	// Close releases the connections.
	Close() error
}

// Tenants stores companies.
type Tenants interface {
	CreateTenant(ctx context.Context, t *Tenant) error
	GetTenant(ctx context.Context, id string) (*Tenant, error)
	TenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	ListTenants(ctx context.Context) ([]*Tenant, error)
}

// Users stores end users. UserByLogin matches the login name or the e-mail
// address, case-insensitively, within one tenant.
type Users interface {
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id string) (*User, error)
	UserByLogin(ctx context.Context, tenantID, login string) (*User, error)
	ListUsers(ctx context.Context, tenantID string) ([]*User, error)
	// SetPassword replaces the password hash of a user.
	SetPassword(ctx context.Context, userID, hash string, now time.Time) error
	// SetDisabled enables or disables a user.
	SetDisabled(ctx context.Context, userID string, disabled bool, now time.Time) error
}

// Clients stores applications.
type Clients interface {
	CreateClient(ctx context.Context, c *Client) error
	GetClient(ctx context.Context, id string) (*Client, error)
	ListClients(ctx context.Context, tenantID string) ([]*Client, error)
	// ClientByAPIKey finds the client whose partner API key hashes to hash.
	ClientByAPIKey(ctx context.Context, hash string) (*Client, error)
	// SetAPIKey replaces a client's API key hash; "" revokes the key.
	SetAPIKey(ctx context.Context, clientID, hash string) error
}

// Sessions stores refresh-token families. Rotate is the atomic heart of
// PRODUCT.md §2: it claims one unused token and creates its one successor.
type Sessions interface {
	// CreateSession stores a new session and its first refresh token.
	CreateSession(ctx context.Context, s *Session, first *RefreshToken) error
	// Rotate atomically marks the token p.Hash used and stores p.Next as its
	// only successor, provided the token is unused, its session is live and
	// unexpired at p.Now and belongs to p.ClientID. Otherwise it changes
	// nothing and returns ErrNotClaimed.
	Rotate(ctx context.Context, p RotateParams) (*Session, error)
	// RefreshState reads a token, its session and its successor (if any), so
	// that the caller can explain why Rotate did not claim it.
	RefreshState(ctx context.Context, hash []byte) (*RefreshState, error)
	GetSession(ctx context.Context, id string) (*Session, error)
	ListSessions(ctx context.Context, f SessionFilter) ([]*Session, error)
	// RevokeSession marks a session revoked; revoking twice keeps the first
	// reason and time. It returns ErrNotFound for an unknown id.
	RevokeSession(ctx context.Context, id, reason string, now time.Time) error
	// RevokeSessions revokes every live session that matches f and returns
	// how many it revoked.
	RevokeSessions(ctx context.Context, f SessionFilter, reason string, now time.Time) (int, error)
}

// Keys stores signing keys.
type Keys interface {
	CreateKey(ctx context.Context, k *Key) error
	ListKeys(ctx context.Context) ([]*Key, error)
	// RotateKeys retires the current key of alg, promotes next to current and
	// stores fresh as the new next key, in one transaction.
	RotateKeys(ctx context.Context, alg string, fresh *Key, now time.Time) error
}

// Audit stores audit events.
type Audit interface {
	AppendAudit(ctx context.Context, events ...*AuditEvent) error
	ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
}

// RotateParams is the input of Sessions.Rotate.
type RotateParams struct {
	Hash     []byte    // SHA-256 of the presented token's secret
	ClientID string    // the authenticated client; must own the session
	Now      time.Time // the moment of the claim
	// IdleUntil is Now plus the client's idle timeout; the session's idle
	// expiry becomes min(IdleUntil, ExpiresAt), so rotation never extends
	// the absolute lifetime.
	IdleUntil time.Time
	// NextHash is the SHA-256 of the successor's secret.
	NextHash []byte
}

// RefreshState is a token with its session and its successor, read in one
// consistent snapshot.
type RefreshState struct {
	Token   *RefreshToken
	Session *Session
	Child   *RefreshToken // nil when the token was never rotated
}

// SessionFilter selects sessions. Empty fields match everything; Active
// keeps only unrevoked, unexpired sessions at Now.
type SessionFilter struct {
	TenantID      string
	UserID        string
	ClientID      string
	ExceptSession string
	Active        bool
	Now           time.Time
	Limit         int
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	SessionID string
	Action    string
	Limit     int
}

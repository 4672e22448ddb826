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
	// ErrKeyTooYoung means RotateKeys found a next key created after the
	// publishedBy it was given, and promoted nothing.
	ErrKeyTooYoung = errors.New("store: next key published too recently")
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
	Browsers
	Retention
	Legacy
	StatsReader
	Seeder
	// Ping reports whether the database answers; /readyz uses it.
	Ping(ctx context.Context) error
	// ProbeWrite commits a tiny write (one row of its own); /readyz uses it
	// so that a full, failing or read-only disk turns the service not
	// ready while reads still work. It fails with ErrUnavailable then.
	ProbeWrite(ctx context.Context) error
	// Close releases the connections.
	Close() error
}

// Tenants stores companies.
type Tenants interface {
	// CreateTenant stores t; a taken id, slug or code is ErrConflict. A
	// zero t.Code is set to one above the highest code, picked by the
	// store in the same write, so two creations never pick one code.
	CreateTenant(ctx context.Context, t *Tenant) error
	// GetTenant reads a tenant by id; an unknown id is ErrNotFound.
	GetTenant(ctx context.Context, id string) (*Tenant, error)
	// TenantBySlug reads a tenant by slug; an unknown slug is ErrNotFound.
	TenantBySlug(ctx context.Context, slug string) (*Tenant, error)
	// ListTenants lists every tenant, by slug.
	ListTenants(ctx context.Context) ([]*Tenant, error)
	// UpdateTenant replaces a tenant's name and type (the slug and the
	// code never change); an unknown id is ErrNotFound.
	UpdateTenant(ctx context.Context, t *Tenant) error
}

// Users stores end users. UserByLogin matches the login name or the e-mail
// address, case-insensitively, within one tenant.
type Users interface {
	// CreateUser stores u; a zero u.Seq is set to the tenant's next
	// sequence number. A login taken in the tenant (in any case) is
	// ErrConflict.
	CreateUser(ctx context.Context, u *User) error
	// CreateUsers stores us in one transaction, each as CreateUser would
	// (bulk import, issue 13). A user whose login (or given Seq) is taken
	// in its tenant, by a stored user or an earlier one of us, is skipped
	// and its slot of the returned slice holds ErrConflict; the others are
	// stored. An error return means none was.
	CreateUsers(ctx context.Context, us []*User) ([]error, error)
	// GetUser reads a user by id; an unknown id is ErrNotFound.
	GetUser(ctx context.Context, id string) (*User, error)
	// UserByLogin finds a user of the tenant by login or e-mail; a login
	// match wins over another user's e-mail match.
	UserByLogin(ctx context.Context, tenantID, login string) (*User, error)
	// ListUsers lists a tenant's users by sequence number.
	ListUsers(ctx context.Context, tenantID string) ([]*User, error)
	// SetPassword replaces the password hash of a user.
	SetPassword(ctx context.Context, userID, hash string, now time.Time) error
	// SetDisabled enables or disables a user.
	SetDisabled(ctx context.Context, userID string, disabled bool, now time.Time) error
	// FindUsers lists one page of a tenant's users matching f, by
	// sequence number.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, error)
	// UpdateUser replaces a user's profile (e-mail, name, code,
	// permission role), roles and attributes, and sets UpdatedAt; an
	// unknown id is ErrNotFound.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser revokes every live session and browser session of a
	// user at now (reason user_deleted) and removes the user, all in one
	// transaction; an unknown id is ErrNotFound and changes nothing. The
	// revoked sessions stay, for the audit trail.
	DeleteUser(ctx context.Context, id string, now time.Time) error
}

// Clients stores applications.
type Clients interface {
	// CreateClient stores c; a taken id is ErrConflict.
	CreateClient(ctx context.Context, c *Client) error
	// GetClient reads a client by id; an unknown id is ErrNotFound.
	GetClient(ctx context.Context, id string) (*Client, error)
	// ListClients lists a tenant's clients by id, or every client when
	// tenantID is empty.
	ListClients(ctx context.Context, tenantID string) ([]*Client, error)
	// ClientByAPIKey finds the client whose partner API key hashes to hash.
	ClientByAPIKey(ctx context.Context, hash string) (*Client, error)
	// SetAPIKey replaces a client's API key hash; "" revokes the key.
	SetAPIKey(ctx context.Context, clientID, hash string) error
	// UpdateClient replaces what an administrator may change of a client:
	// name, app code, grants, scopes, URIs, origins, dialects, alg,
	// lifetimes and grace (never its id, tenant, kind or secrets); an
	// unknown id is ErrNotFound.
	UpdateClient(ctx context.Context, c *Client) error
	// SetClientSecret stores a rotated secret; an unknown id is
	// ErrNotFound.
	SetClientSecret(ctx context.Context, clientID string, r SecretRotation) error
	// DeleteClient revokes every live session of a client at now (reason
	// client_deleted) and removes the client, in one transaction; an
	// unknown id is ErrNotFound and changes nothing.
	DeleteClient(ctx context.Context, id string, now time.Time) error
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
	// GetSession reads a session by id; an unknown id is ErrNotFound.
	GetSession(ctx context.Context, id string) (*Session, error)
	// ListSessions lists the sessions matching f, newest first.
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
	// CreateKey stores a signing key as it is, in any state.
	CreateKey(ctx context.Context, k *Key) error
	// ListKeys lists every key, oldest first.
	ListKeys(ctx context.Context) ([]*Key, error)
	// RotateKeys retires the current key of alg, promotes next to current and
	// stores fresh as the new next key, in one transaction. When
	// publishedBy is not zero, a next key created after it is not promoted
	// (ErrKeyTooYoung, nothing changed): verifiers may not have it yet. The
	// check is inside the transaction, so two rotations at once cannot
	// promote the fresh key the first one created.
	RotateKeys(ctx context.Context, alg string, fresh *Key, now, publishedBy time.Time) error
}

// Audit stores audit events.
type Audit interface {
	// AppendAudit stores events, all of them or none.
	AppendAudit(ctx context.Context, events ...*AuditEvent) error
	// ListAudit lists the events matching f, newest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
}

// Retention removes what has ended long enough ago (issue 14). Purge runs
// one round: at most p.Batch rows of each kind, each kind in its own short
// transaction (or statement), so it never holds SQLite's writer or
// PostgreSQL row locks for long; the caller repeats it until a round
// removes nothing. Every condition only ever turns true with time (an
// ended session never revives, a used token never becomes unused), so a
// purge racing requests cannot remove anything live.
type Retention interface {
	Purge(ctx context.Context, p PurgeParams) (PurgeResult, error)
}

// PurgeParams says what Purge removes. A zero Before keeps sessions,
// tokens, browser sessions and codes; a zero AuditBefore keeps audit
// events.
type PurgeParams struct {
	// Before: sessions (and all their tokens; the session rows on SQLite
	// only, see sqlstore.EndedSessions) revoked or expired before it,
	// tokens used (rotated away, a successor stored) before it, browser
	// sessions revoked or expired before it and authorization codes
	// expired before it are removed. It must lie before every client's
	// grace window (the server passes now - --retention, at least an
	// hour), so a token still answerable within a grace window stays. A
	// removed used token is unknown rather than "reused" if presented
	// again: its reuse no longer revokes the family.
	Before time.Time
	// AuditBefore: audit events older than it are removed.
	AuditBefore time.Time
	// Batch caps the rows of each kind removed in one round; 0 means 500.
	Batch int
}

// PurgeResult counts what one Purge round removed, by kind.
type PurgeResult struct {
	EndedTokens     int // tokens of ended sessions
	Sessions        int // ended sessions whose tokens are gone (SQLite only)
	UsedTokens      int // rotated-away tokens of sessions still live
	BrowserSessions int
	AuthCodes       int
	AuditEvents     int
}

// Total is the number of rows the round removed.
func (r PurgeResult) Total() int {
	return r.EndedTokens + r.Sessions + r.UsedTokens + r.BrowserSessions + r.AuthCodes + r.AuditEvents
}

// Add adds o's counts to r.
func (r *PurgeResult) Add(o PurgeResult) {
	r.EndedTokens += o.EndedTokens
	r.Sessions += o.Sessions
	r.UsedTokens += o.UsedTokens
	r.BrowserSessions += o.BrowserSessions
	r.AuthCodes += o.AuthCodes
	r.AuditEvents += o.AuditEvents
}

// Kinds lists the counts by their metric label, in purge order.
func (r PurgeResult) Kinds() []KindCount {
	return []KindCount{{"ended_tokens", r.EndedTokens}, {"sessions", r.Sessions}, {"used_tokens", r.UsedTokens},
		{"browser_sessions", r.BrowserSessions}, {"auth_codes", r.AuthCodes}, {"audit_events", r.AuditEvents}}
}

// KindCount is one kind of PurgeResult.
type KindCount struct {
	Kind  string
	Count int
}

// RotateParams is the input of Sessions.Rotate.
type RotateParams struct {
	// Hash is the SHA-256 of the presented token's secret.
	Hash []byte
	// ClientID is the authenticated client; it must own the session, so a
	// token stolen by another client cannot be rotated by it.
	ClientID string
	// Now is the moment of the claim: the token's UsedAt and the session's
	// LastUsedAt, and the time its expiry is checked at.
	Now time.Time
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
	// Token is the presented token.
	Token *RefreshToken
	// Session is the token's session.
	Session *Session
	// Child is the token's successor; nil when it was never rotated. A
	// retry within the client's grace window is answered with it.
	Child *RefreshToken
}

// SessionFilter selects sessions. Empty fields match everything; Active
// keeps only unrevoked, unexpired sessions at Now.
type SessionFilter struct {
	// TenantID keeps the sessions of one tenant.
	TenantID string
	// UserID keeps the sessions of one user.
	UserID string
	// ClientID keeps the sessions of one client.
	ClientID string
	// ExceptSession leaves one session out: "log out my other devices"
	// keeps the caller's own.
	ExceptSession string
	// BrowserID keeps the sessions opened through one browser session.
	BrowserID string
	// Active keeps only sessions unrevoked and unexpired at Now.
	Active bool
	// Now is the moment Active is judged at.
	Now time.Time
	// Limit caps how many sessions ListSessions returns; 0 means no limit.
	Limit int
}

// AuditFilter selects audit events, newest first. Empty fields match
// everything.
type AuditFilter struct {
	// TenantID keeps the events of one tenant.
	TenantID string
	// UserID keeps the events concerning one user.
	UserID string
	// ClientID keeps the events concerning one client.
	ClientID string
	// SessionID keeps the events of one session.
	SessionID string
	// Action keeps the events of one action, e.g. refresh.reuse.
	Action string
	// Since keeps events at or after it; Until events before it.
	Since, Until time.Time
	// BeforeID keeps events with an id below it: the cursor of the
	// previous page (ids grow in insertion order).
	BeforeID int64
	// Limit caps how many events are returned; 0 means 100.
	Limit int
}

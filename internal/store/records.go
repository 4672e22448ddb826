package store

import "time"

// Tenant is a company; every other record belongs to one (PRODUCT.md §1).
type Tenant struct {
	// ID is the tenant's primary key, chosen by the caller.
	ID string
	// Slug is the unique, URL-safe name that requests and the CLI use to
	// name the tenant.
	Slug string
	// Name is the display name.
	Name string
	// Type is the company type some dialects report, e.g. Consinco's
	// companyType; empty when no dialect needs it.
	Type string
	// Code is the tenant's unique numeric code, which numeric-only
	// dialects use as its id (HDI X-Company-Id, FormulaCerta ClienteId).
	Code int64
	// CreatedAt is when the tenant was created.
	CreatedAt time.Time
}

// User is an end user of one tenant.
type User struct {
	// ID is the user's primary key; it is the subject of the user's tokens.
	ID string
	// TenantID is the tenant the user belongs to; logins are unique only
	// within it.
	TenantID string
	// Login is the login name, unique per tenant without regard to case.
	Login string
	// Email is an optional e-mail address that also logs the user in;
	// empty when the user has none.
	Email string
	// Name is the display name.
	Name string
	// Seq is the user's numeric sequence id within the tenant (Consinco
	// userSequence); a zero Seq is assigned the tenant's next number on
	// creation.
	Seq int64
	// Code is the user code Consinco reports as userCode.
	Code string
	// PermissionRole is the permission role Consinco reports as
	// permissionRole.
	PermissionRole string
	// Roles are the role names put in the user's access tokens; nil when
	// there are none.
	Roles []string
	// External marks a user that a partner identifies by its own id (HDI)
	// and that has no password; local accounts never log in that way.
	External bool
	// Attributes are free-form claims of the user, e.g. an external user's
	// external_id; nil when there are none.
	Attributes map[string]string
	// PasswordHash is the argon2id (or imported bcrypt) hash of the
	// password; empty for a user without one.
	PasswordHash string
	// Disabled users cannot log in; disabling a user also revokes their
	// sessions (auth.DisableUser).
	Disabled bool
	// CreatedAt is when the user was created.
	CreatedAt time.Time
	// UpdatedAt is when the password or the disabled flag last changed.
	UpdatedAt time.Time
}

// Client is an application. A public client has no secret.
type Client struct {
	// ID is the OAuth client_id, unique across tenants.
	ID string
	// TenantID is the tenant whose users the client serves.
	TenantID string
	// Name is the display name.
	Name string
	// Public clients (RFC 6749 §2.1) cannot keep a secret and authenticate
	// with their id alone.
	Public bool
	// SecretHash is the password-style hash of the client secret; empty for
	// public clients.
	SecretHash string
	// APIKeyHash is the SHA-256 hex digest of the client's partner API key,
	// empty when it has none; the key itself is never stored.
	APIKeyHash string
	// AppCode is the application code HDI requests name the client by
	// (applicationCode), also put in its tokens.
	AppCode string
	// Grants are the grant types the client may use, e.g. password and
	// refresh_token.
	Grants []string
	// Scopes are the scopes the client may request.
	Scopes []string
	// RedirectURIs are the client's registered redirect URIs, compared
	// exactly (RFC 6749 §3.1.2.3); for a public client a loopback URI
	// matches on any port (RFC 8252 §7.3).
	RedirectURIs []string
	// PostLogoutURIs are where RP-initiated logout may send the browser
	// back (OIDC RP-Initiated Logout 1.0 §3), compared exactly.
	PostLogoutURIs []string
	// Origins are the browser origins allowed to call renova's endpoints
	// for this client (CORS), compared exactly; never "*".
	Origins []string
	// Dialects are the wire dialects the client may use; empty allows all.
	Dialects []string
	// Alg is the signing algorithm of the client's tokens: ES256, RS256 or
	// EdDSA.
	Alg string
	// AccessTTL is the lifetime of the client's access tokens.
	AccessTTL time.Duration
	// IdleTTL is how long a refresh-token family may go unused before it
	// expires (PRODUCT.md §2).
	IdleTTL time.Duration
	// AbsoluteTTL is the lifetime of a refresh-token family, which rotation
	// never extends.
	AbsoluteTTL time.Duration
	// Grace is the window in which a retried refresh of a just-rotated
	// token gets the same successor instead of counting as reuse; 0
	// disables it.
	Grace time.Duration
	// CreatedAt is when the client was created.
	CreatedAt time.Time
	// PrevSecretHash is the hash of the secret a rotation replaced; it
	// keeps authenticating until PrevSecretUntil, so deployments can
	// switch to the new secret without an outage. Empty when none.
	PrevSecretHash string
	// PrevSecretUntil is the end of the rotation's overlap window.
	PrevSecretUntil time.Time
}

// Session is one login of one user on one client: one refresh-token family.
type Session struct {
	// ID is the session's primary key, also called the family id.
	ID string
	// TenantID is the tenant of the user and client.
	TenantID string
	// UserID is the user who logged in; empty for a session without a user.
	UserID string
	// ClientID is the client the session belongs to; only that client may
	// rotate its tokens.
	ClientID string
	// Scope is the space-separated scope granted at login.
	Scope string
	// Generation is the generation of the live token; it bumps on every
	// rotation.
	Generation int64
	// CreatedAt is when the user logged in.
	CreatedAt time.Time
	// LastUsedAt is when a token of the session was last rotated.
	LastUsedAt time.Time
	// IdleExpiresAt is min(last use + idle timeout, ExpiresAt): the session
	// dies at whichever comes first.
	IdleExpiresAt time.Time
	// ExpiresAt is the end of the absolute lifetime, never extended.
	ExpiresAt time.Time
	// IP is the client address of the login, for the session list.
	IP string
	// UserAgent is the User-Agent of the login, for the session list.
	UserAgent string
	// RevokedAt is when the session was revoked; zero while it is live.
	RevokedAt time.Time
	// RevokeReason says why, e.g. logout, reuse or password_changed; the
	// first revocation's reason is kept.
	RevokeReason string
	// BrowserID is the browser session that opened this session through
	// the authorization code flow ("" otherwise): its logout ends this
	// session too.
	BrowserID string
	// AuthTime is when the user last authenticated (OIDC auth_time); for a
	// password login it is CreatedAt.
	AuthTime time.Time
}

// Revoked reports whether the session was revoked.
func (s *Session) Revoked() bool { return !s.RevokedAt.IsZero() }

// RefreshToken is one member of a session's family, stored by hash only.
type RefreshToken struct {
	// Hash is the SHA-256 of the token's secret; the secret is never stored.
	Hash []byte
	// SessionID is the session (family) the token belongs to.
	SessionID string
	// ParentHash is the hash of the token this one succeeded; nil for the
	// first token of a session. It is unique: a token has one successor.
	ParentHash []byte
	// Generation counts the tokens of the family, from 1.
	Generation int64
	// CreatedAt is when the token was issued.
	CreatedAt time.Time
	// UsedAt is when the token was rotated; zero while it is unused.
	UsedAt time.Time
}

// Used reports whether the token was rotated.
func (t *RefreshToken) Used() bool { return !t.UsedAt.IsZero() }

// Key states (PRODUCT.md §1): next keys are published before they sign.
const (
	// KeyNext is a key published in the JWKS that does not sign yet.
	KeyNext = "next"
	// KeyCurrent is the key that signs new tokens of its algorithm.
	KeyCurrent = "current"
	// KeyRetired is a former current key, kept to verify tokens it signed.
	KeyRetired = "retired"
)

// Key is a signing key. Private holds the encrypted private key.
type Key struct {
	// ID is the key id (kid): the key's RFC 7638 thumbprint.
	ID string
	// Alg is the JWS algorithm the key signs with.
	Alg string
	// State is KeyNext, KeyCurrent or KeyRetired.
	State string
	// Public is the public JWK as JSON, served in the JWKS.
	Public []byte
	// Private is the PKCS#8 DER private key, sealed with the key-encryption
	// key; it is never stored in the clear.
	Private []byte
	// CreatedAt is when the key was generated.
	CreatedAt time.Time
	// ActivatedAt is when the key became current; zero before.
	ActivatedAt time.Time
	// RetiredAt is when the key was retired; zero before.
	RetiredAt time.Time
}

// AuditEvent records who did what, when, with what outcome. It never holds
// a secret or a token.
type AuditEvent struct {
	// ID is assigned by the database in insertion order; ListAudit sorts
	// by it.
	ID int64
	// Time is when the event happened.
	Time time.Time
	// TenantID is the tenant concerned; empty when there is none.
	TenantID string
	// Actor is who acted: a user id, a client id or "cli".
	Actor string
	// Action is what happened, e.g. refresh.rotated, refresh.reuse or
	// login.failed.
	Action string
	// Outcome is success or failure.
	Outcome string
	// Reason is the stable reason of a failure, e.g. reused or expired_idle.
	Reason string
	// SessionID is the session concerned, if any.
	SessionID string
	// ClientID is the client concerned, if any.
	ClientID string
	// UserID is the user concerned, if any.
	UserID string
	// IP is the address the request came from.
	IP string
	// TraceID ties the event to the request's log lines.
	TraceID string
}

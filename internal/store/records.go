package store

import "time"

// Tenant is a company; every other record belongs to one (PRODUCT.md §1).
type Tenant struct {
	ID        string
	Slug      string
	Name      string
	Type      string // e.g. Consinco's companyType
	Code      int64  // numeric code (HDI X-Company-Id, FormulaCerta ClienteId)
	CreatedAt time.Time
}

// User is an end user of one tenant.
type User struct {
	ID             string
	TenantID       string
	Login          string
	Email          string
	Name           string
	Seq            int64  // numeric sequence id (Consinco userSequence)
	Code           string // user code (Consinco userCode)
	PermissionRole string
	Roles          []string
	External       bool
	Attributes     map[string]string
	PasswordHash   string
	Disabled       bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Client is an application. A public client has no secret.
type Client struct {
	ID           string // the OAuth client_id
	TenantID     string
	Name         string
	Public       bool
	SecretHash   string // password-style hash; empty for public clients
	APIKeyHash   string // SHA-256 hex of a partner API key, if any
	AppCode      string
	Grants       []string
	Scopes       []string
	RedirectURIs []string
	Dialects     []string
	Alg          string // ES256, RS256 or EdDSA
	AccessTTL    time.Duration
	IdleTTL      time.Duration // refresh idle timeout
	AbsoluteTTL  time.Duration // refresh absolute lifetime
	Grace        time.Duration // retry window; 0 disables it
	CreatedAt    time.Time
}

// Session is one login of one user on one client: one refresh-token family.
type Session struct {
	ID            string
	TenantID      string
	UserID        string
	ClientID      string
	Scope         string
	Generation    int64 // generation of the live token; bumps on rotation
	CreatedAt     time.Time
	LastUsedAt    time.Time
	IdleExpiresAt time.Time // min(last use + idle, ExpiresAt)
	ExpiresAt     time.Time // absolute lifetime, never extended
	IP            string
	UserAgent     string
	RevokedAt     time.Time // zero while live
	RevokeReason  string
}

// Revoked reports whether the session was revoked.
func (s *Session) Revoked() bool { return !s.RevokedAt.IsZero() }

// RefreshToken is one member of a session's family, stored by hash only.
type RefreshToken struct {
	Hash       []byte
	SessionID  string
	ParentHash []byte // nil for the first token of a session
	Generation int64
	CreatedAt  time.Time
	UsedAt     time.Time // zero while unused
}

// Used reports whether the token was rotated.
func (t *RefreshToken) Used() bool { return !t.UsedAt.IsZero() }

// Key states (PRODUCT.md §1): next keys are published before they sign.
const (
	KeyNext    = "next"
	KeyCurrent = "current"
	KeyRetired = "retired"
)

// Key is a signing key. Private holds the encrypted private key.
type Key struct {
	ID          string // RFC 7638 thumbprint
	Alg         string
	State       string
	Public      []byte // public JWK, JSON
	Private     []byte // sealed PKCS#8 DER
	CreatedAt   time.Time
	ActivatedAt time.Time
	RetiredAt   time.Time
}

// AuditEvent records who did what, when, with what outcome. It never holds
// a secret or a token.
type AuditEvent struct {
	ID        int64
	Time      time.Time
	TenantID  string
	Actor     string // user id, client id or "cli"
	Action    string // e.g. refresh.rotated, refresh.reuse, login.failed
	Outcome   string // success or failure
	Reason    string
	SessionID string
	ClientID  string
	UserID    string
	IP        string
	TraceID   string
}

package admin

import (
	"time"

	"github.com/renova-auth/renova/internal/auth"
)

// The wire shapes of the admin API's records, snake_case, also what the
// command line prints with --json, so a script reads one vocabulary. A
// time not reached yet (a key never activated, a live session's
// revocation) is left out, never "0001-01-01T00:00:00Z"; no shape holds a
// secret or a hash.

// Tenant is a tenant on the wire.
type Tenant struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Type      string    `json:"type"`
	Code      int64     `json:"code"`
	CreatedAt time.Time `json:"created_at"`
}

// TenantOf is the wire shape of t.
func TenantOf(t *auth.Tenant) Tenant {
	return Tenant{ID: t.ID, Slug: t.Slug, Name: t.Name, Type: t.Type, Code: t.Code, CreatedAt: at(t.CreatedAt)}
}

// User is a user on the wire: never the password hash, only whether
// there is one.
type User struct {
	ID             string            `json:"id"`
	TenantID       string            `json:"tenant_id"`
	Login          string            `json:"login"`
	Email          string            `json:"email"`
	Name           string            `json:"name"`
	Seq            int64             `json:"seq"`
	Code           string            `json:"code"`
	PermissionRole string            `json:"permission_role"`
	Roles          []string          `json:"roles"`
	Attributes     map[string]string `json:"attributes"`
	External       bool              `json:"external"`
	Disabled       bool              `json:"disabled"`
	HasPassword    bool              `json:"has_password"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// UserOf is the wire shape of u; empty lists and maps are [] and {}.
func UserOf(u *auth.User) User {
	return User{ID: u.ID, TenantID: u.TenantID, Login: u.Login, Email: u.Email, Name: u.Name, Seq: u.Seq, Code: u.Code,
		PermissionRole: u.PermissionRole, Roles: list(u.Roles), Attributes: dict(u.Attributes), External: u.External,
		Disabled: u.Disabled, HasPassword: u.PasswordHash != "", CreatedAt: at(u.CreatedAt), UpdatedAt: at(u.UpdatedAt)}
}

// Client is a client on the wire. Durations are Go duration strings
// ("15m0s"), as the command line's flags take them.
type Client struct {
	ClientID            string     `json:"client_id"`
	TenantID            string     `json:"tenant_id"`
	Name                string     `json:"name"`
	Public              bool       `json:"public"`
	Grants              []string   `json:"grants"`
	Scopes              []string   `json:"scopes"`
	RedirectURIs        []string   `json:"redirect_uris"`
	PostLogoutURIs      []string   `json:"post_logout_redirect_uris"`
	Origins             []string   `json:"origins"`
	Dialects            []string   `json:"dialects"`
	AppCode             string     `json:"app_code"`
	Alg                 string     `json:"alg"`
	AccessTTL           string     `json:"access_ttl"`
	IdleTTL             string     `json:"idle_ttl"`
	AbsoluteTTL         string     `json:"absolute_ttl"`
	Grace               string     `json:"grace"`
	HasAPIKey           bool       `json:"has_api_key"`
	PreviousSecretUntil *time.Time `json:"previous_secret_until,omitempty"`
	CreatedAt           time.Time  `json:"created_at"`
}

// ClientOf is the wire shape of c; the previous secret's end shows only
// while the overlap of a rotation may still be running.
func ClientOf(c *auth.Client) Client {
	v := Client{ClientID: c.ID, TenantID: c.TenantID, Name: c.Name, Public: c.Public, Grants: list(c.Grants),
		Scopes: list(c.Scopes), RedirectURIs: list(c.RedirectURIs), PostLogoutURIs: list(c.PostLogoutURIs),
		Origins: list(c.Origins), Dialects: list(c.Dialects), AppCode: c.AppCode, Alg: c.Alg,
		AccessTTL: c.AccessTTL.String(), IdleTTL: c.IdleTTL.String(), AbsoluteTTL: c.AbsoluteTTL.String(),
		Grace: c.Grace.String(), HasAPIKey: c.APIKeyHash != "", CreatedAt: at(c.CreatedAt)}
	if c.PrevSecretHash != "" {
		v.PreviousSecretUntil = opt(c.PrevSecretUntil)
	}
	return v
}

// Session is a session (refresh-token family) on the wire, with its
// state judged at now: active, revoked or expired.
type Session struct {
	ID            string     `json:"id"`
	TenantID      string     `json:"tenant_id"`
	UserID        string     `json:"user_id"`
	ClientID      string     `json:"client_id"`
	Scope         string     `json:"scope"`
	State         string     `json:"state"`
	Generation    int64      `json:"generation"`
	CreatedAt     time.Time  `json:"created_at"`
	LastUsedAt    time.Time  `json:"last_used_at"`
	IdleExpiresAt time.Time  `json:"idle_expires_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokeReason  string     `json:"revoke_reason,omitempty"`
	IP            string     `json:"ip"`
	UserAgent     string     `json:"user_agent"`
}

// SessionOf is the wire shape of s at now.
func SessionOf(s *auth.Session, now time.Time) Session {
	state := "active"
	switch {
	case s.Revoked():
		state = "revoked"
	case !now.Before(s.IdleExpiresAt) || !now.Before(s.ExpiresAt):
		state = "expired"
	}
	return Session{ID: s.ID, TenantID: s.TenantID, UserID: s.UserID, ClientID: s.ClientID, Scope: s.Scope, State: state,
		Generation: s.Generation, CreatedAt: at(s.CreatedAt), LastUsedAt: at(s.LastUsedAt), IdleExpiresAt: at(s.IdleExpiresAt),
		ExpiresAt: at(s.ExpiresAt), RevokedAt: opt(s.RevokedAt), RevokeReason: s.RevokeReason, IP: s.IP, UserAgent: s.UserAgent}
}

// Key is a signing key on the wire: never its private part.
type Key struct {
	Kid         string     `json:"kid"`
	Alg         string     `json:"alg"`
	State       string     `json:"state"`
	CreatedAt   time.Time  `json:"created_at"`
	ActivatedAt *time.Time `json:"activated_at,omitempty"`
	RetiredAt   *time.Time `json:"retired_at,omitempty"`
}

// KeyOf is the wire shape of k.
func KeyOf(k *auth.Key) Key {
	return Key{Kid: k.ID, Alg: k.Alg, State: k.State, CreatedAt: at(k.CreatedAt), ActivatedAt: opt(k.ActivatedAt), RetiredAt: opt(k.RetiredAt)}
}

// AuditEvent is an audit event on the wire.
type AuditEvent struct {
	ID        int64     `json:"id"`
	Time      time.Time `json:"time"`
	TenantID  string    `json:"tenant_id"`
	Actor     string    `json:"actor"`
	Action    string    `json:"action"`
	Outcome   string    `json:"outcome"`
	Reason    string    `json:"reason"`
	SessionID string    `json:"session_id"`
	ClientID  string    `json:"client_id"`
	UserID    string    `json:"user_id"`
	IP        string    `json:"ip"`
	TraceID   string    `json:"trace_id"`
}

// AuditEventOf is the wire shape of e.
func AuditEventOf(e *auth.AuditEvent) AuditEvent {
	return AuditEvent{ID: e.ID, Time: at(e.Time), TenantID: e.TenantID, Actor: e.Actor, Action: e.Action, Outcome: e.Outcome,
		Reason: e.Reason, SessionID: e.SessionID, ClientID: e.ClientID, UserID: e.UserID, IP: e.IP, TraceID: e.TraceID}
}

// Each maps a list of records onto their wire shapes; nil becomes [].
func Each[T, V any](in []*T, f func(*T) V) []V {
	out := make([]V, 0, len(in))
	for _, v := range in {
		out = append(out, f(v))
	}
	return out
}

// opt is t at the stores' microsecond precision, or nil for the zero
// time.
func opt(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = at(t)
	return &t
}

// at is t in UTC at the microsecond precision both stores keep, so a
// record reads the same in the answer that created it and in any later
// one.
func at(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// list is l, or [] for nil.
func list(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

// dict is m, or {} for nil.
func dict(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

package sqlstore

import "github.com/renova-auth/renova/internal/store"

// Statement arguments, one list per column list, in its order. Durations
// are stored as int64 nanoseconds on both backends.

// TenantArgs lists the arguments of InsertTenant for t.
func TenantArgs(t *store.Tenant, c Codec) []any {
	return []any{t.ID, t.Slug, t.Name, t.Type, t.Code, c.TimeArg(t.CreatedAt)}
}

// UserArgs lists the arguments of InsertUser for u.
func UserArgs(u *store.User, c Codec) []any {
	return []any{u.ID, u.TenantID, u.Login, u.Email, u.Name, u.Seq, u.Code, u.PermissionRole,
		c.ListArg(u.Roles), c.BoolArg(u.External), c.MapArg(u.Attributes), u.PasswordHash,
		c.BoolArg(u.Disabled), c.TimeArg(u.CreatedAt), c.TimeArg(u.UpdatedAt)}
}

// ClientArgs lists the arguments of insertClient for v.
func ClientArgs(v *store.Client, c Codec) []any {
	return []any{v.ID, v.TenantID, v.Name, c.BoolArg(v.Public), v.SecretHash, v.APIKeyHash, v.AppCode,
		c.ListArg(v.Grants), c.ListArg(v.Scopes), c.ListArg(v.RedirectURIs), c.ListArg(v.Dialects), v.Alg,
		int64(v.AccessTTL), int64(v.IdleTTL), int64(v.AbsoluteTTL), int64(v.Grace), c.TimeArg(v.CreatedAt),
		c.ListArg(v.PostLogoutURIs), c.ListArg(v.Origins), v.PrevSecretHash, c.TimeArg(v.PrevSecretUntil)}
}

// SessionArgs lists the arguments of InsertSession for s.
func SessionArgs(s *store.Session, c Codec) []any {
	return []any{s.ID, s.TenantID, s.UserID, s.ClientID, s.Scope, s.Generation,
		c.TimeArg(s.CreatedAt), c.TimeArg(s.LastUsedAt), c.TimeArg(s.IdleExpiresAt), c.TimeArg(s.ExpiresAt),
		s.IP, s.UserAgent, c.TimeArg(s.RevokedAt), s.RevokeReason, s.BrowserID, c.TimeArg(s.AuthTime)}
}

// TokenArgs lists the arguments of an INSERT of TokenCols for t.
func TokenArgs(t *store.RefreshToken, c Codec) []any {
	return []any{t.Hash, t.SessionID, t.ParentHash, t.Generation, c.TimeArg(t.CreatedAt), c.TimeArg(t.UsedAt)}
}

// KeyArgs lists the arguments of InsertKey for k.
func KeyArgs(k *store.Key, c Codec) []any {
	return []any{k.ID, k.Alg, k.State, k.Public, k.Private,
		c.TimeArg(k.CreatedAt), c.TimeArg(k.ActivatedAt), c.TimeArg(k.RetiredAt)}
}

// FreshKeyArgs lists the arguments of InsertKey for the key a rotation
// adds: k as the next key, neither activated nor retired yet, whatever k
// says.
func FreshKeyArgs(k *store.Key, c Codec) []any {
	return []any{k.ID, k.Alg, store.KeyNext, k.Public, k.Private, c.TimeArg(k.CreatedAt), nil, nil}
}

// AuditArgs lists the arguments of InsertAudit for e.
func AuditArgs(e *store.AuditEvent, c Codec) []any {
	return []any{c.TimeArg(e.Time), e.TenantID, e.Actor, e.Action, e.Outcome, e.Reason,
		e.SessionID, e.ClientID, e.UserID, e.IP, e.TraceID}
}

// BrowserArgs lists the arguments of insertBrowser for b.
func BrowserArgs(b *store.BrowserSession, c Codec) []any {
	return []any{b.ID, b.Hash, b.TenantID, b.UserID, c.TimeArg(b.AuthTime), c.TimeArg(b.CreatedAt),
		c.TimeArg(b.ExpiresAt), c.TimeArg(b.RevokedAt), b.IP, b.UserAgent}
}

// AuthCodeArgs lists the arguments of insertAuthCode for v.
func AuthCodeArgs(v *store.AuthCode, c Codec) []any {
	return []any{v.Hash, v.TenantID, v.ClientID, v.UserID, v.BrowserID, v.RedirectURI, v.Challenge, v.Nonce, v.Scope,
		c.TimeArg(v.AuthTime), c.TimeArg(v.CreatedAt), c.TimeArg(v.ExpiresAt), c.TimeArg(v.UsedAt), v.SessionID}
}

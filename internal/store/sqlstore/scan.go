package sqlstore

import (
	"github.com/renova-auth/renova/internal/store"
)

// Scan destinations, one list per column list, in its order, appended to
// dst: a caller scanning a join (PostgreSQL's RefreshState) builds one list
// with one allocation. Durations scan as the int64 nanoseconds they are
// stored as.

// TenantDest appends the scan destinations of TenantCols in t to dst.
func TenantDest(dst []any, t *store.Tenant, c Codec) []any {
	return append(dst, &t.ID, &t.Slug, &t.Name, &t.Type, &t.Code, c.Time(&t.CreatedAt))
}

// UserDest appends the scan destinations of UserCols in u to dst.
func UserDest(dst []any, u *store.User, c Codec) []any {
	return append(dst, &u.ID, &u.TenantID, &u.Login, &u.Email, &u.Name, &u.Seq, &u.Code, &u.PermissionRole,
		c.List(&u.Roles), c.Bool(&u.External), c.Map(&u.Attributes), &u.PasswordHash, c.Bool(&u.Disabled),
		c.Time(&u.CreatedAt), c.Time(&u.UpdatedAt))
}

// ClientDest appends the scan destinations of ClientCols in v to dst.
func ClientDest(dst []any, v *store.Client, c Codec) []any {
	return append(dst, &v.ID, &v.TenantID, &v.Name, c.Bool(&v.Public), &v.SecretHash, &v.APIKeyHash, &v.AppCode,
		c.List(&v.Grants), c.List(&v.Scopes), c.List(&v.RedirectURIs), c.List(&v.Dialects), &v.Alg,
		(*int64)(&v.AccessTTL), (*int64)(&v.IdleTTL), (*int64)(&v.AbsoluteTTL), (*int64)(&v.Grace),
		c.Time(&v.CreatedAt), c.List(&v.PostLogoutURIs), c.List(&v.Origins), &v.PrevSecretHash, c.Time(&v.PrevSecretUntil))
}

// SessionDest appends the scan destinations of SessionCols in v to dst.
func SessionDest(dst []any, v *store.Session, c Codec) []any {
	return append(dst, &v.ID, &v.TenantID, &v.UserID, &v.ClientID, &v.Scope, &v.Generation,
		c.Time(&v.CreatedAt), c.Time(&v.LastUsedAt), c.Time(&v.IdleExpiresAt), c.Time(&v.ExpiresAt),
		&v.IP, &v.UserAgent, c.Time(&v.RevokedAt), &v.RevokeReason, &v.BrowserID, c.Time(&v.AuthTime))
}

// TokenDest appends the scan destinations of TokenCols in t to dst.
func TokenDest(dst []any, t *store.RefreshToken, c Codec) []any {
	return append(dst, &t.Hash, &t.SessionID, &t.ParentHash, &t.Generation, c.Time(&t.CreatedAt), c.Time(&t.UsedAt))
}

// KeyDest appends the scan destinations of KeyCols in k to dst.
func KeyDest(dst []any, k *store.Key, c Codec) []any {
	return append(dst, &k.ID, &k.Alg, &k.State, &k.Public, &k.Private,
		c.Time(&k.CreatedAt), c.Time(&k.ActivatedAt), c.Time(&k.RetiredAt))
}

// AuditDest appends the scan destinations of "id, " + AuditCols in e to dst.
func AuditDest(dst []any, e *store.AuditEvent, c Codec) []any {
	return append(dst, &e.ID, c.Time(&e.Time), &e.TenantID, &e.Actor, &e.Action, &e.Outcome, &e.Reason,
		&e.SessionID, &e.ClientID, &e.UserID, &e.IP, &e.TraceID)
}

// BrowserDest appends the scan destinations of BrowserCols in b to dst.
func BrowserDest(dst []any, b *store.BrowserSession, c Codec) []any {
	return append(dst, &b.ID, &b.Hash, &b.TenantID, &b.UserID, c.Time(&b.AuthTime), c.Time(&b.CreatedAt),
		c.Time(&b.ExpiresAt), c.Time(&b.RevokedAt), &b.IP, &b.UserAgent)
}

// AuthCodeDest appends the scan destinations of AuthCodeCols in v to dst.
func AuthCodeDest(dst []any, v *store.AuthCode, c Codec) []any {
	return append(dst, &v.Hash, &v.TenantID, &v.ClientID, &v.UserID, &v.BrowserID, &v.RedirectURI, &v.Challenge,
		&v.Nonce, &v.Scope, c.Time(&v.AuthTime), c.Time(&v.CreatedAt), c.Time(&v.ExpiresAt), c.Time(&v.UsedAt),
		&v.SessionID)
}

// scan scans one row into a new T through the destinations dest lists.
func scan[T any](s Scanner, c Codec, dest func([]any, *T, Codec) []any) (*T, error) {
	v := new(T)
	if err := s.Scan(dest(nil, v, c)...); err != nil {
		return nil, c.Err(err)
	}
	return v, nil
}

// ScanTenant scans a row of TenantCols.
func ScanTenant(s Scanner, c Codec) (*store.Tenant, error) { return scan(s, c, TenantDest) }

// ScanUser scans a row of UserCols. An empty list or map reads as nil,
// whatever the backend stored, so that records compare alike on both.
func ScanUser(s Scanner, c Codec) (*store.User, error) {
	u, err := scan(s, c, UserDest)
	if err != nil {
		return nil, err
	}
	u.Roles = nilIfEmpty(u.Roles)
	if len(u.Attributes) == 0 {
		u.Attributes = nil
	}
	return u, nil
}

// ScanClient scans a row of ClientCols; empty lists read as nil.
func ScanClient(s Scanner, c Codec) (*store.Client, error) {
	v, err := scan(s, c, ClientDest)
	if err != nil {
		return nil, err
	}
	v.Grants, v.Scopes = nilIfEmpty(v.Grants), nilIfEmpty(v.Scopes)
	v.RedirectURIs, v.Dialects = nilIfEmpty(v.RedirectURIs), nilIfEmpty(v.Dialects)
	v.PostLogoutURIs, v.Origins = nilIfEmpty(v.PostLogoutURIs), nilIfEmpty(v.Origins)
	return v, nil
}

// ScanSession scans a row of SessionCols.
func ScanSession(s Scanner, c Codec) (*store.Session, error) { return scan(s, c, SessionDest) }

// ScanToken scans a row of TokenCols.
func ScanToken(s Scanner, c Codec) (*store.RefreshToken, error) { return scan(s, c, TokenDest) }

// ScanKey scans a row of KeyCols.
func ScanKey(s Scanner, c Codec) (*store.Key, error) { return scan(s, c, KeyDest) }

// ScanAudit scans a row of "id, " + AuditCols.
func ScanAudit(s Scanner, c Codec) (*store.AuditEvent, error) { return scan(s, c, AuditDest) }

// ScanBrowser scans a row of BrowserCols.
func ScanBrowser(s Scanner, c Codec) (*store.BrowserSession, error) { return scan(s, c, BrowserDest) }

// ScanAuthCode scans a row of AuthCodeCols.
func ScanAuthCode(s Scanner, c Codec) (*store.AuthCode, error) { return scan(s, c, AuthCodeDest) }

// Collect scans every row of a query with scan. It takes the query's
// error too, so that a list verb is one line: Collect(conn.Query(...)).
func Collect[T any](rows Rows, err error, c Codec, scan func(Scanner, Codec) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, c.Err(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows, c)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, c.Err(rows.Err())
}

// nilIfEmpty makes an empty list nil: PostgreSQL reads '{}' as an empty
// slice, SQLite '[]' as nil, and callers compare with nil.
func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

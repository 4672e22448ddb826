package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

// Statements of the administration verbs (issue 13).
const (
	updateTenant = "UPDATE tenants SET name = $1, type = $2 WHERE id = $3"
	updateUser   = `UPDATE users SET email = $1, name = $2, code = $3, permission_role = $4, roles = $5,
		attributes = $6, updated_at = $7 WHERE id = $8`
	updateClient = `UPDATE clients SET name = $1, app_code = $2, grants = $3, scopes = $4, redirect_uris = $5,
		post_logout_uris = $6, origins = $7, dialects = $8, alg = $9, access_ttl = $10, idle_ttl = $11,
		absolute_ttl = $12, grace = $13 WHERE id = $14`
	setClientSecret = "UPDATE clients SET secret_hash = $1, prev_secret_hash = $2, prev_secret_until = $3 WHERE id = $4"
)

// Statements of DeleteUser and DeleteClient, which each backend runs in a
// transaction of its own after revoking the sessions its way.
const (
	// DeleteUserSQL removes user $1.
	DeleteUserSQL = "DELETE FROM users WHERE id = $1"
	// DeleteClientSQL removes client $1.
	DeleteClientSQL = "DELETE FROM clients WHERE id = $1"
)

// CreateTenant stores t. A zero t.Code becomes one above the highest, in
// the INSERT itself, which is atomic on SQLite's single writer;
// PostgreSQL, whose READ COMMITTED lets two inserts read the same max,
// runs the same statement under an advisory lock (postgres.CreateTenant).
// A taken slug or an explicit taken code is a *store.ConflictError.
func (a *Admin) CreateTenant(ctx context.Context, t *store.Tenant) error {
	return a.c.Err(a.w.QueryRow(ctx, InsertTenant, TenantArgs(t, a.c)...).Scan(&t.Code))
}

// UpdateTenant replaces a tenant's name and type.
func (a *Admin) UpdateTenant(ctx context.Context, t *store.Tenant) error {
	return a.update(ctx, updateTenant, t.Name, t.Type, t.ID)
}

// FindUsers lists one page of a tenant's users matching f, by sequence
// number.
func (a *Admin) FindUsers(ctx context.Context, f store.UserFilter) ([]*store.User, error) {
	args := []any{f.TenantID, f.AfterSeq}
	where := "tenant_id = $1 AND seq > $2"
	if f.Query != "" {
		args = append(args, "%"+likeEscape(strings.ToLower(f.Query))+"%")
		n := "$" + strconv.Itoa(len(args))
		where += " AND (lower(login) LIKE " + n + " ESCAPE '\\' OR lower(email) LIKE " + n + " ESCAPE '\\' OR lower(name) LIKE " + n + " ESCAPE '\\')"
	}
	if f.Disabled != nil {
		args = append(args, a.c.BoolArg(*f.Disabled))
		where += " AND disabled = $" + strconv.Itoa(len(args))
	}
	args = append(args, limit(f.Limit))
	q := "SELECT " + UserCols + " FROM users WHERE " + where + " ORDER BY seq LIMIT $" + strconv.Itoa(len(args))
	rows, err := a.r.Query(ctx, q, args...)
	return Collect(rows, err, a.c, ScanUser)
}

// likeEscape escapes LIKE's wildcards, so a query matches as typed.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(s)
}

// limit is a page size: 0 (or less) means 100.
func limit(n int) int {
	if n <= 0 {
		return 100
	}
	return n
}

// UpdateUser replaces a user's profile, roles and attributes.
func (a *Admin) UpdateUser(ctx context.Context, u *store.User) error {
	return a.update(ctx, updateUser, u.Email, u.Name, u.Code, u.PermissionRole, a.c.ListArg(u.Roles),
		a.c.MapArg(u.Attributes), a.c.TimeArg(u.UpdatedAt), u.ID)
}

// UpdateClient replaces the settings an administrator may change.
func (a *Admin) UpdateClient(ctx context.Context, v *store.Client) error {
	c := a.c
	return a.update(ctx, updateClient, v.Name, v.AppCode, c.ListArg(v.Grants), c.ListArg(v.Scopes),
		c.ListArg(v.RedirectURIs), c.ListArg(v.PostLogoutURIs), c.ListArg(v.Origins), c.ListArg(v.Dialects), v.Alg,
		int64(v.AccessTTL), int64(v.IdleTTL), int64(v.AbsoluteTTL), int64(v.Grace), v.ID)
}

// SetClientSecret stores a rotated secret with the previous one's hash
// and the end of its overlap window.
func (a *Admin) SetClientSecret(ctx context.Context, id string, r store.SecretRotation) error {
	return a.update(ctx, setClientSecret, r.Hash, r.PrevHash, a.c.TimeArg(r.PrevUntil), id)
}

// ListAudit lists events matching f, newest first; the default limit is
// 100.
func (a *Admin) ListAudit(ctx context.Context, f store.AuditFilter) ([]*store.AuditEvent, error) {
	where, args := auditWhere(f, a.c)
	args = append(args, limit(f.Limit))
	q := "SELECT id, " + AuditCols + " FROM audit_events WHERE " + where + " ORDER BY id DESC LIMIT $" + strconv.Itoa(len(args))
	rows, err := a.r.Query(ctx, q, args...)
	return Collect(rows, err, a.c, ScanAudit)
}

// auditWhere builds the WHERE condition of an audit filter and its
// arguments; empty fields match everything.
func auditWhere(f store.AuditFilter, c Codec) (string, []any) {
	where, args := "true", []any{}
	add := func(cond string, v any) {
		args = append(args, v)
		where += " AND " + cond + " $" + strconv.Itoa(len(args))
	}
	for _, m := range []struct{ col, v string }{{"tenant_id", f.TenantID}, {"user_id", f.UserID},
		{"client_id", f.ClientID}, {"session_id", f.SessionID}, {"action", f.Action}} {
		if m.v != "" {
			add(m.col+" =", m.v)
		}
	}
	addTime := func(cond string, t time.Time) {
		if !t.IsZero() {
			add(cond, c.TimeArg(t))
		}
	}
	addTime("time >=", f.Since)
	addTime("time <", f.Until)
	if f.BeforeID > 0 {
		add("id <", f.BeforeID)
	}
	return where, args
}

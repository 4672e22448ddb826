package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/renova-auth/renova/internal/store"
)

const tenantCols = "id, slug, name, type, code, created_at"

// CreateTenant stores t; a taken slug or code is store.ErrConflict.
func (db *DB) CreateTenant(ctx context.Context, t *store.Tenant) error {
	_, err := db.w.ExecContext(ctx, "INSERT INTO tenants("+tenantCols+") VALUES (?,?,?,?,?,?)",
		t.ID, t.Slug, t.Name, t.Type, t.Code, micro(t.CreatedAt))
	return translate(err)
}

// GetTenant reads a tenant by id.
func (db *DB) GetTenant(ctx context.Context, id string) (*store.Tenant, error) {
	return scanTenant(db.r.QueryRowContext(ctx, "SELECT "+tenantCols+" FROM tenants WHERE id = ?", id))
}

// TenantBySlug reads a tenant by slug.
func (db *DB) TenantBySlug(ctx context.Context, slug string) (*store.Tenant, error) {
	return scanTenant(db.r.QueryRowContext(ctx, "SELECT "+tenantCols+" FROM tenants WHERE slug = ?", slug))
}

// ListTenants lists all tenants by slug.
func (db *DB) ListTenants(ctx context.Context) ([]*store.Tenant, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+tenantCols+" FROM tenants ORDER BY slug")
	return collect(rows, err, scanTenant)
}

func scanTenant(s scanner) (*store.Tenant, error) {
	var t store.Tenant
	var created sql.NullInt64
	if err := s.Scan(&t.ID, &t.Slug, &t.Name, &t.Type, &t.Code, &created); err != nil {
		return nil, translate(err)
	}
	t.CreatedAt = fromMicro(created)
	return &t, nil
}

const userCols = "id, tenant_id, login, email, name, seq, code, permission_role, roles, external, attributes, password_hash, disabled, created_at, updated_at"

// CreateUser stores u. A zero Seq is replaced by the tenant's next sequence
// number; a taken login is store.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	if u.Seq == 0 {
		if err := db.w.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) + 1 FROM users WHERE tenant_id = ?", u.TenantID).Scan(&u.Seq); err != nil {
			return translate(err)
		}
	}
	_, err := db.w.ExecContext(ctx, "INSERT INTO users("+userCols+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		u.ID, u.TenantID, u.Login, u.Email, u.Name, u.Seq, u.Code, u.PermissionRole,
		jsonText(nonNil(u.Roles)), boolInt(u.External), jsonText(nonNilMap(u.Attributes)),
		u.PasswordHash, boolInt(u.Disabled), micro(u.CreatedAt), micro(u.UpdatedAt))
	return translate(err)
}

// GetUser reads a user by id.
func (db *DB) GetUser(ctx context.Context, id string) (*store.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = ?", id))
}

// UserByLogin finds a user of the tenant by login name or e-mail.
func (db *DB) UserByLogin(ctx context.Context, tenantID, login string) (*store.User, error) {
	return scanUser(db.r.QueryRowContext(ctx, "SELECT "+userCols+` FROM users
		WHERE tenant_id = ? AND (lower(login) = lower(?) OR (email <> '' AND lower(email) = lower(?)))
		ORDER BY lower(login) = lower(?) DESC LIMIT 1`, tenantID, login, login, login))
}

// ListUsers lists a tenant's users by sequence number.
func (db *DB) ListUsers(ctx context.Context, tenantID string) ([]*store.User, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+userCols+" FROM users WHERE tenant_id = ? ORDER BY seq", tenantID)
	return collect(rows, err, scanUser)
}

// SetPassword replaces a user's password hash.
func (db *DB) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	return db.update(ctx, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, micro(now), userID)
}

// SetDisabled enables or disables a user.
func (db *DB) SetDisabled(ctx context.Context, userID string, disabled bool, now time.Time) error {
	return db.update(ctx, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", boolInt(disabled), micro(now), userID)
}

// update runs a one-row UPDATE and reports store.ErrNotFound when no row matched.
func (db *DB) update(ctx context.Context, q string, args ...any) error {
	res, err := db.w.ExecContext(ctx, q, args...)
	if err != nil {
		return translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func scanUser(s scanner) (*store.User, error) {
	var u store.User
	var roles, attrs string
	var ext, disabled int
	var created, updated sql.NullInt64
	if err := s.Scan(&u.ID, &u.TenantID, &u.Login, &u.Email, &u.Name, &u.Seq, &u.Code, &u.PermissionRole,
		&roles, &ext, &attrs, &u.PasswordHash, &disabled, &created, &updated); err != nil {
		return nil, translate(err)
	}
	u.Roles, u.Attributes = jsonList(roles), jsonMap(attrs)
	u.External, u.Disabled = ext != 0, disabled != 0
	u.CreatedAt, u.UpdatedAt = fromMicro(created), fromMicro(updated)
	return &u, nil
}

const clientCols = "id, tenant_id, name, public, secret_hash, api_key_hash, app_code, grants, scopes, redirect_uris, dialects, alg, access_ttl, idle_ttl, absolute_ttl, grace, created_at"

// CreateClient stores c; a taken id is store.ErrConflict.
func (db *DB) CreateClient(ctx context.Context, c *store.Client) error {
	_, err := db.w.ExecContext(ctx, "INSERT INTO clients("+clientCols+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		c.ID, c.TenantID, c.Name, boolInt(c.Public), c.SecretHash, c.APIKeyHash, c.AppCode,
		jsonText(nonNil(c.Grants)), jsonText(nonNil(c.Scopes)), jsonText(nonNil(c.RedirectURIs)), jsonText(nonNil(c.Dialects)),
		c.Alg, int64(c.AccessTTL), int64(c.IdleTTL), int64(c.AbsoluteTTL), int64(c.Grace), micro(c.CreatedAt))
	return translate(err)
}

// GetClient reads a client by id.
func (db *DB) GetClient(ctx context.Context, id string) (*store.Client, error) {
	return scanClient(db.rs.row(ctx, "SELECT "+clientCols+" FROM clients WHERE id = ?", id))
}

// ListClients lists a tenant's clients (all clients when tenantID is empty).
func (db *DB) ListClients(ctx context.Context, tenantID string) ([]*store.Client, error) {
	rows, err := db.r.QueryContext(ctx, "SELECT "+clientCols+" FROM clients WHERE ? = '' OR tenant_id = ? ORDER BY id", tenantID, tenantID)
	return collect(rows, err, scanClient)
}

// ClientByAPIKey finds a client by the hash of its partner API key.
func (db *DB) ClientByAPIKey(ctx context.Context, hash string) (*store.Client, error) {
	if hash == "" {
		return nil, store.ErrNotFound
	}
	return scanClient(db.r.QueryRowContext(ctx, "SELECT "+clientCols+" FROM clients WHERE api_key_hash = ?", hash))
}

// SetAPIKey replaces (or, with "", revokes) a client's API key hash.
func (db *DB) SetAPIKey(ctx context.Context, clientID, hash string) error {
	return db.update(ctx, "UPDATE clients SET api_key_hash = ? WHERE id = ?", hash, clientID)
}

func scanClient(s scanner) (*store.Client, error) {
	var c store.Client
	var public int
	var grants, scopes, uris, dialects string
	var access, idle, abs, grace int64
	var created sql.NullInt64
	if err := s.Scan(&c.ID, &c.TenantID, &c.Name, &public, &c.SecretHash, &c.APIKeyHash, &c.AppCode,
		&grants, &scopes, &uris, &dialects, &c.Alg, &access, &idle, &abs, &grace, &created); err != nil {
		return nil, translate(err)
	}
	c.Public = public != 0
	c.Grants, c.Scopes, c.RedirectURIs, c.Dialects = jsonList(grants), jsonList(scopes), jsonList(uris), jsonList(dialects)
	c.AccessTTL, c.IdleTTL, c.AbsoluteTTL, c.Grace = time.Duration(access), time.Duration(idle), time.Duration(abs), time.Duration(grace)
	c.CreatedAt = fromMicro(created)
	return &c, nil
}

// collect scans every row with scan.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (*T, error)) ([]*T, error) {
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, translate(rows.Err())
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/renova-auth/renova/internal/store"
)

const tenantCols = "id, slug, name, type, code, created_at"

// CreateTenant stores t; a taken slug or code is store.ErrConflict.
func (db *DB) CreateTenant(ctx context.Context, t *store.Tenant) error {
	_, err := db.pool.Exec(ctx, "INSERT INTO tenants("+tenantCols+") VALUES ($1,$2,$3,$4,$5,$6)",
		t.ID, t.Slug, t.Name, t.Type, t.Code, tstz(t.CreatedAt))
	return translate(err)
}

// GetTenant reads a tenant by id.
func (db *DB) GetTenant(ctx context.Context, id string) (*store.Tenant, error) {
	return scanTenant(db.pool.QueryRow(ctx, "SELECT "+tenantCols+" FROM tenants WHERE id = $1", id))
}

// TenantBySlug reads a tenant by slug.
func (db *DB) TenantBySlug(ctx context.Context, slug string) (*store.Tenant, error) {
	return scanTenant(db.pool.QueryRow(ctx, "SELECT "+tenantCols+" FROM tenants WHERE slug = $1", slug))
}

// ListTenants lists all tenants by slug.
func (db *DB) ListTenants(ctx context.Context) ([]*store.Tenant, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+tenantCols+" FROM tenants ORDER BY slug")
	return collect(rows, err, scanTenant)
}

func scanTenant(s scanner) (*store.Tenant, error) {
	var t store.Tenant
	if err := s.Scan(&t.ID, &t.Slug, &t.Name, &t.Type, &t.Code, at(&t.CreatedAt)); err != nil {
		return nil, translate(err)
	}
	return &t, nil
}

const userCols = "id, tenant_id, login, email, name, seq, code, permission_role, roles, external, attributes, password_hash, disabled, created_at, updated_at"

// CreateUser stores u. A zero Seq is replaced by the tenant's next sequence
// number (max + 1). Writers of one tenant take a transaction-scoped
// advisory lock first, so the INSERT's fresh READ COMMITTED snapshot sees
// every earlier writer's commit and two replicas never pick one number. A
// taken login or sequence number is store.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *store.User) error {
	var seq int64
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended('renova.users.' || $1, 0))", u.TenantID); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "INSERT INTO users("+userCols+`) VALUES ($1, $2, $3, $4, $5,
			coalesce(nullif($6::bigint, 0), (SELECT coalesce(max(seq), 0) + 1 FROM users WHERE tenant_id = $2)),
			$7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING seq`,
			u.ID, u.TenantID, u.Login, u.Email, u.Name, u.Seq, u.Code, u.PermissionRole,
			list(u.Roles), u.External, object(u.Attributes), u.PasswordHash, u.Disabled,
			tstz(u.CreatedAt), tstz(u.UpdatedAt)).Scan(&seq)
	})
	if err != nil {
		return translate(err)
	}
	u.Seq = seq
	return nil
}

// GetUser reads a user by id.
func (db *DB) GetUser(ctx context.Context, id string) (*store.User, error) {
	return scanUser(db.pool.QueryRow(ctx, "SELECT "+userCols+" FROM users WHERE id = $1", id))
}

// UserByLogin finds a user of the tenant by login name or e-mail, both
// case-insensitively; a login match wins over an e-mail match.
func (db *DB) UserByLogin(ctx context.Context, tenantID, login string) (*store.User, error) {
	return scanUser(db.pool.QueryRow(ctx, "SELECT "+userCols+` FROM users
		WHERE tenant_id = $1 AND (lower(login) = lower($2) OR (email <> '' AND lower(email) = lower($2)))
		ORDER BY lower(login) = lower($2) DESC LIMIT 1`, tenantID, login))
}

// ListUsers lists a tenant's users by sequence number.
func (db *DB) ListUsers(ctx context.Context, tenantID string) ([]*store.User, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+userCols+" FROM users WHERE tenant_id = $1 ORDER BY seq", tenantID)
	return collect(rows, err, scanUser)
}

// SetPassword replaces a user's password hash.
func (db *DB) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	return db.update(ctx, "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", hash, tstz(now), userID)
}

// SetDisabled enables or disables a user.
func (db *DB) SetDisabled(ctx context.Context, userID string, disabled bool, now time.Time) error {
	return db.update(ctx, "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3", disabled, tstz(now), userID)
}

// update runs a one-row UPDATE and reports store.ErrNotFound when no row
// matched.
func (db *DB) update(ctx context.Context, q string, args ...any) error {
	tag, err := db.pool.Exec(ctx, q, args...)
	if err != nil {
		return translate(err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

func scanUser(s scanner) (*store.User, error) {
	var u store.User
	if err := s.Scan(&u.ID, &u.TenantID, &u.Login, &u.Email, &u.Name, &u.Seq, &u.Code, &u.PermissionRole,
		&u.Roles, &u.External, &u.Attributes, &u.PasswordHash, &u.Disabled,
		at(&u.CreatedAt), at(&u.UpdatedAt)); err != nil {
		return nil, translate(err)
	}
	u.Roles = nilIfEmpty(u.Roles)
	if len(u.Attributes) == 0 {
		u.Attributes = nil
	}
	return &u, nil
}

const clientCols = "id, tenant_id, name, public, secret_hash, api_key_hash, app_code, grants, scopes, redirect_uris, dialects, alg, access_ttl, idle_ttl, absolute_ttl, grace, created_at"

// CreateClient stores c; a taken id is store.ErrConflict.
func (db *DB) CreateClient(ctx context.Context, c *store.Client) error {
	_, err := db.pool.Exec(ctx, "INSERT INTO clients("+clientCols+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)",
		c.ID, c.TenantID, c.Name, c.Public, c.SecretHash, c.APIKeyHash, c.AppCode,
		list(c.Grants), list(c.Scopes), list(c.RedirectURIs), list(c.Dialects),
		c.Alg, int64(c.AccessTTL), int64(c.IdleTTL), int64(c.AbsoluteTTL), int64(c.Grace), tstz(c.CreatedAt))
	return translate(err)
}

// GetClient reads a client by id.
func (db *DB) GetClient(ctx context.Context, id string) (*store.Client, error) {
	return scanClient(db.pool.QueryRow(ctx, "SELECT "+clientCols+" FROM clients WHERE id = $1", id))
}

// ListClients lists a tenant's clients (all clients when tenantID is empty).
func (db *DB) ListClients(ctx context.Context, tenantID string) ([]*store.Client, error) {
	rows, err := db.pool.Query(ctx, "SELECT "+clientCols+" FROM clients WHERE $1 = '' OR tenant_id = $1 ORDER BY id", tenantID)
	return collect(rows, err, scanClient)
}

func scanClient(s scanner) (*store.Client, error) {
	var c store.Client
	var access, idle, abs, grace int64
	if err := s.Scan(&c.ID, &c.TenantID, &c.Name, &c.Public, &c.SecretHash, &c.APIKeyHash, &c.AppCode,
		&c.Grants, &c.Scopes, &c.RedirectURIs, &c.Dialects, &c.Alg, &access, &idle, &abs, &grace,
		at(&c.CreatedAt)); err != nil {
		return nil, translate(err)
	}
	c.Grants, c.Scopes = nilIfEmpty(c.Grants), nilIfEmpty(c.Scopes)
	c.RedirectURIs, c.Dialects = nilIfEmpty(c.RedirectURIs), nilIfEmpty(c.Dialects)
	c.AccessTTL, c.IdleTTL, c.AbsoluteTTL, c.Grace = time.Duration(access), time.Duration(idle), time.Duration(abs), time.Duration(grace)
	return &c, nil
}

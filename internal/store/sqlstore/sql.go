package sqlstore

import "time"

// Column lists, in the order of the scan destinations and arguments below.
// Both schemas (the backends' migrations/*.sql) name the columns
// alike; only their types differ.
const (
	// TenantCols are the columns of tenants.
	TenantCols = "id, slug, name, type, code, created_at"
	// UserCols are the columns of users.
	UserCols = "id, tenant_id, login, email, name, seq, code, permission_role, roles, external, attributes, password_hash, disabled, created_at, updated_at"
	// ClientCols are the columns of clients.
	ClientCols = "id, tenant_id, name, public, secret_hash, api_key_hash, app_code, grants, scopes, redirect_uris, dialects, alg, access_ttl, idle_ttl, absolute_ttl, grace, created_at, post_logout_uris, origins, prev_secret_hash, prev_secret_until"
	// SessionCols are the columns of sessions.
	SessionCols = "id, tenant_id, user_id, client_id, scope, generation, created_at, last_used_at, idle_expires_at, expires_at, ip, user_agent, revoked_at, revoke_reason, browser_id, auth_time"
	// TokenCols are the columns of refresh_tokens.
	TokenCols = "hash, session_id, parent_hash, generation, created_at, used_at"
	// KeyCols are the columns of signing_keys.
	KeyCols = "id, alg, state, public_jwk, private_key, created_at, activated_at, retired_at"
	// AuditCols are the columns of audit_events but its generated id.
	AuditCols = "time, tenant_id, actor, action, outcome, reason, session_id, client_id, user_id, ip, trace_id"
	// BrowserCols are the columns of browser_sessions.
	BrowserCols = "id, hash, tenant_id, user_id, auth_time, created_at, expires_at, revoked_at, ip, user_agent"
	// AuthCodeCols are the columns of auth_codes.
	AuthCodeCols = "hash, tenant_id, client_id, user_id, browser_id, redirect_uri, challenge, nonce, scope, auth_time, created_at, expires_at, used_at, session_id"
)

// Statements the backends run themselves, inside their own transactions
// or batches.
const (
	// InsertUser stores UserArgs (SQLite; PostgreSQL picks seq in SQL).
	InsertUser = "INSERT INTO users(" + UserCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
	// InsertSession stores SessionArgs.
	InsertSession = "INSERT INTO sessions(" + SessionCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)"
	// InsertKey stores KeyArgs.
	InsertKey = "INSERT INTO signing_keys(" + KeyCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
	// InsertAudit stores AuditArgs.
	InsertAudit = "INSERT INTO audit_events(" + AuditCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
	// AuthCodeByHash reads one authorization code.
	AuthCodeByHash = "SELECT " + AuthCodeCols + " FROM auth_codes WHERE hash = $1"
	// ClientByID reads one client.
	ClientByID = "SELECT " + ClientCols + " FROM clients WHERE id = $1"
	// SessionByID reads one session.
	SessionByID = "SELECT " + SessionCols + " FROM sessions WHERE id = $1"
	// HasNextKey reports whether alg ($1) has a key in state $2.
	HasNextKey = "SELECT EXISTS (SELECT 1 FROM signing_keys WHERE alg = $1 AND state = $2)"
	// HasOldNextKey reports whether alg ($1) has a key in state $2 created
	// at or before $3 (see PublishedBy).
	HasOldNextKey = "SELECT EXISTS (SELECT 1 FROM signing_keys WHERE alg = $1 AND state = $2 AND created_at <= $3)"
	// RetireKeys sets state $1 and retired_at $2 on the keys of alg $3 in
	// state $4: the first step of a key rotation.
	RetireKeys = "UPDATE signing_keys SET state = $1, retired_at = $2 WHERE alg = $3 AND state = $4"
	// PromoteKeys sets state $1 and activated_at $2 on the keys of alg $3
	// in state $4: the second step of a key rotation.
	PromoteKeys = "UPDATE signing_keys SET state = $1, activated_at = $2 WHERE alg = $3 AND state = $4"
)

// Statements that only Admin runs.
const (
	// InsertTenant stores TenantArgs and returns the code: one above the
	// highest when $5 is 0, picked in the same statement.
	InsertTenant = "INSERT INTO tenants(" + TenantCols + `) VALUES ($1,$2,$3,$4,
		coalesce(nullif(CAST($5 AS BIGINT), 0), (SELECT coalesce(max(code), 0) + 1 FROM tenants)),$6) RETURNING code`
	tenantByID   = "SELECT " + TenantCols + " FROM tenants WHERE id = $1"
	tenantBySlug = "SELECT " + TenantCols + " FROM tenants WHERE slug = $1"
	listTenants  = "SELECT " + TenantCols + " FROM tenants ORDER BY slug"

	userByID = "SELECT " + UserCols + " FROM users WHERE id = $1"
	// userByLogin matches the login or the e-mail case-insensitively; a
	// login match wins over an e-mail match.
	userByLogin = "SELECT " + UserCols + ` FROM users
		WHERE tenant_id = $1 AND (lower(login) = lower($2) OR (email <> '' AND lower(email) = lower($2)))
		ORDER BY lower(login) = lower($2) DESC LIMIT 1`
	listUsers   = "SELECT " + UserCols + " FROM users WHERE tenant_id = $1 ORDER BY seq"
	setPassword = "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3"
	setDisabled = "UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3"

	insertClient   = "INSERT INTO clients(" + ClientCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)"
	listClients    = "SELECT " + ClientCols + " FROM clients WHERE $1 = '' OR tenant_id = $1 ORDER BY id"
	clientByAPIKey = "SELECT " + ClientCols + " FROM clients WHERE api_key_hash = $1"
	setAPIKey      = "UPDATE clients SET api_key_hash = $1 WHERE id = $2"

	// revokeSession keeps the first revocation's time and reason.
	revokeSession = `UPDATE sessions SET revoked_at = coalesce(revoked_at, $1),
		revoke_reason = CASE WHEN revoked_at IS NULL THEN $2 ELSE revoke_reason END WHERE id = $3`

	insertBrowser  = "INSERT INTO browser_sessions(" + BrowserCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"
	browserByHash  = "SELECT " + BrowserCols + " FROM browser_sessions WHERE hash = $1"
	insertAuthCode = "INSERT INTO auth_codes(" + AuthCodeCols + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
	setCodeSession = "UPDATE auth_codes SET session_id = $1 WHERE hash = $2"

	listKeys = "SELECT " + KeyCols + " FROM signing_keys ORDER BY created_at, id"
)

// PublishedBy is RotateKeys' publishedBy as HasOldNextKey's $3: the zero
// time (no age required) becomes a time after any key's creation.
func PublishedBy(t time.Time) time.Time {
	if t.IsZero() {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}

-- Times are unix microseconds (INTEGER); NULL means "not yet".
-- Lists and maps are JSON text.
CREATE TABLE tenants (
	id         TEXT PRIMARY KEY,
	slug       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	type       TEXT NOT NULL DEFAULT '',
	code       INTEGER NOT NULL UNIQUE,
	created_at INTEGER NOT NULL
);

CREATE TABLE users (
	id              TEXT PRIMARY KEY,
	tenant_id       TEXT NOT NULL REFERENCES tenants(id),
	login           TEXT NOT NULL,
	email           TEXT NOT NULL DEFAULT '',
	name            TEXT NOT NULL DEFAULT '',
	seq             INTEGER NOT NULL,
	code            TEXT NOT NULL DEFAULT '',
	permission_role TEXT NOT NULL DEFAULT '',
	roles           TEXT NOT NULL DEFAULT '[]',
	external        INTEGER NOT NULL DEFAULT 0,
	attributes      TEXT NOT NULL DEFAULT '{}',
	password_hash   TEXT NOT NULL DEFAULT '',
	disabled        INTEGER NOT NULL DEFAULT 0,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_login ON users(tenant_id, lower(login));
CREATE UNIQUE INDEX users_seq ON users(tenant_id, seq);
CREATE INDEX users_email ON users(tenant_id, lower(email));

CREATE TABLE clients (
	id            TEXT PRIMARY KEY,
	tenant_id     TEXT NOT NULL REFERENCES tenants(id),
	name          TEXT NOT NULL DEFAULT '',
	public        INTEGER NOT NULL DEFAULT 0,
	secret_hash   TEXT NOT NULL DEFAULT '',
	api_key_hash  TEXT NOT NULL DEFAULT '',
	app_code      TEXT NOT NULL DEFAULT '',
	grants        TEXT NOT NULL DEFAULT '[]',
	scopes        TEXT NOT NULL DEFAULT '[]',
	redirect_uris TEXT NOT NULL DEFAULT '[]',
	dialects      TEXT NOT NULL DEFAULT '[]',
	alg           TEXT NOT NULL,
	access_ttl    INTEGER NOT NULL,
	idle_ttl      INTEGER NOT NULL,
	absolute_ttl  INTEGER NOT NULL,
	grace         INTEGER NOT NULL,
	created_at    INTEGER NOT NULL
);
CREATE INDEX clients_api_key ON clients(api_key_hash) WHERE api_key_hash <> '';

CREATE TABLE sessions (
	id              TEXT PRIMARY KEY,
	tenant_id       TEXT NOT NULL,
	user_id         TEXT NOT NULL DEFAULT '',
	client_id       TEXT NOT NULL,
	scope           TEXT NOT NULL DEFAULT '',
	generation      INTEGER NOT NULL,
	created_at      INTEGER NOT NULL,
	last_used_at    INTEGER NOT NULL,
	idle_expires_at INTEGER NOT NULL,
	expires_at      INTEGER NOT NULL,
	ip              TEXT NOT NULL DEFAULT '',
	user_agent      TEXT NOT NULL DEFAULT '',
	revoked_at      INTEGER,
	revoke_reason   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_client ON sessions(client_id);

CREATE TABLE refresh_tokens (
	hash        BLOB PRIMARY KEY,
	session_id  TEXT NOT NULL REFERENCES sessions(id),
	parent_hash BLOB UNIQUE,
	generation  INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	used_at     INTEGER
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE signing_keys (
	id           TEXT PRIMARY KEY,
	alg          TEXT NOT NULL,
	state        TEXT NOT NULL,
	public_jwk   BLOB NOT NULL,
	private_key  BLOB NOT NULL,
	created_at   INTEGER NOT NULL,
	activated_at INTEGER,
	retired_at   INTEGER
);

CREATE TABLE audit_events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	time       INTEGER NOT NULL,
	tenant_id  TEXT NOT NULL DEFAULT '',
	actor      TEXT NOT NULL DEFAULT '',
	action     TEXT NOT NULL,
	outcome    TEXT NOT NULL DEFAULT '',
	reason     TEXT NOT NULL DEFAULT '',
	session_id TEXT NOT NULL DEFAULT '',
	client_id  TEXT NOT NULL DEFAULT '',
	user_id    TEXT NOT NULL DEFAULT '',
	ip         TEXT NOT NULL DEFAULT '',
	trace_id   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_session ON audit_events(session_id);

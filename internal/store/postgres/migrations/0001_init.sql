-- The PostgreSQL twin of the SQLite schema: same tables and columns, native
-- types. Times are timestamptz (NULL means "not yet"), hashes bytea, lists
-- text[], maps jsonb, durations bigint nanoseconds (time.Duration).
-- Every statement is unqualified so the schema follows search_path.
CREATE TABLE tenants (
	id         text PRIMARY KEY,
	slug       text NOT NULL UNIQUE,
	name       text NOT NULL,
	type       text NOT NULL DEFAULT '',
	code       bigint NOT NULL UNIQUE,
	created_at timestamptz NOT NULL
);

CREATE TABLE users (
	id              text PRIMARY KEY,
	tenant_id       text NOT NULL REFERENCES tenants(id),
	login           text NOT NULL,
	email           text NOT NULL DEFAULT '',
	name            text NOT NULL DEFAULT '',
	seq             bigint NOT NULL,
	code            text NOT NULL DEFAULT '',
	permission_role text NOT NULL DEFAULT '',
	roles           text[] NOT NULL DEFAULT '{}',
	external        boolean NOT NULL DEFAULT false,
	attributes      jsonb NOT NULL DEFAULT '{}',
	password_hash   text NOT NULL DEFAULT '',
	disabled        boolean NOT NULL DEFAULT false,
	created_at      timestamptz NOT NULL,
	updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_login ON users(tenant_id, lower(login));
-- CreateUser retries when two writers pick the same next seq (postgres/admin.go).
CREATE UNIQUE INDEX users_seq ON users(tenant_id, seq);
CREATE INDEX users_email ON users(tenant_id, lower(email));

CREATE TABLE clients (
	id            text PRIMARY KEY,
	tenant_id     text NOT NULL REFERENCES tenants(id),
	name          text NOT NULL DEFAULT '',
	public        boolean NOT NULL DEFAULT false,
	secret_hash   text NOT NULL DEFAULT '',
	api_key_hash  text NOT NULL DEFAULT '',
	app_code      text NOT NULL DEFAULT '',
	grants        text[] NOT NULL DEFAULT '{}',
	scopes        text[] NOT NULL DEFAULT '{}',
	redirect_uris text[] NOT NULL DEFAULT '{}',
	dialects      text[] NOT NULL DEFAULT '{}',
	alg           text NOT NULL,
	access_ttl    bigint NOT NULL,
	idle_ttl      bigint NOT NULL,
	absolute_ttl  bigint NOT NULL,
	grace         bigint NOT NULL,
	created_at    timestamptz NOT NULL
);
CREATE INDEX clients_tenant ON clients(tenant_id);
CREATE INDEX clients_api_key ON clients(api_key_hash) WHERE api_key_hash <> '';

CREATE TABLE sessions (
	id              text PRIMARY KEY,
	tenant_id       text NOT NULL,
	user_id         text NOT NULL DEFAULT '',
	client_id       text NOT NULL,
	scope           text NOT NULL DEFAULT '',
	generation      bigint NOT NULL,
	created_at      timestamptz NOT NULL,
	last_used_at    timestamptz NOT NULL,
	idle_expires_at timestamptz NOT NULL,
	expires_at      timestamptz NOT NULL,
	ip              text NOT NULL DEFAULT '',
	user_agent      text NOT NULL DEFAULT '',
	revoked_at      timestamptz,
	revoke_reason   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_tenant ON sessions(tenant_id);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_client ON sessions(client_id);

-- parent_hash is UNIQUE: one successor per token, enforced by the database
-- (PRODUCT.md §2.6), whatever the application does.
CREATE TABLE refresh_tokens (
	hash        bytea PRIMARY KEY,
	session_id  text NOT NULL REFERENCES sessions(id),
	parent_hash bytea UNIQUE,
	generation  bigint NOT NULL,
	created_at  timestamptz NOT NULL,
	used_at     timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE signing_keys (
	id           text PRIMARY KEY,
	alg          text NOT NULL,
	state        text NOT NULL,
	public_jwk   bytea NOT NULL,
	private_key  bytea NOT NULL,
	created_at   timestamptz NOT NULL,
	activated_at timestamptz,
	retired_at   timestamptz
);

CREATE TABLE audit_events (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time       timestamptz NOT NULL,
	tenant_id  text NOT NULL DEFAULT '',
	actor      text NOT NULL DEFAULT '',
	action     text NOT NULL,
	outcome    text NOT NULL DEFAULT '',
	reason     text NOT NULL DEFAULT '',
	session_id text NOT NULL DEFAULT '',
	client_id  text NOT NULL DEFAULT '',
	user_id    text NOT NULL DEFAULT '',
	ip         text NOT NULL DEFAULT '',
	trace_id   text NOT NULL DEFAULT ''
);
CREATE INDEX audit_session ON audit_events(session_id);
CREATE INDEX audit_action ON audit_events(action);

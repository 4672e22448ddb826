-- Browser sign-in (issue 12): browser sessions (SSO cookies) and
-- authorization codes, both stored by the SHA-256 of their secret, plus
-- the client and session columns the authorization code flow needs.
-- Added columns have constant defaults (no table rewrite), so existing
-- rows read as before: no post-logout URIs, no origins, no browser, no
-- auth_time (NULL, the zero time).
CREATE TABLE browser_sessions (
	id         text PRIMARY KEY,
	hash       bytea NOT NULL UNIQUE,
	tenant_id  text NOT NULL,
	user_id    text NOT NULL,
	auth_time  timestamptz NOT NULL,
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	revoked_at timestamptz,
	ip         text NOT NULL DEFAULT '',
	user_agent text NOT NULL DEFAULT ''
);
CREATE INDEX browser_sessions_user ON browser_sessions(user_id);

CREATE TABLE auth_codes (
	hash         bytea PRIMARY KEY,
	tenant_id    text NOT NULL,
	client_id    text NOT NULL,
	user_id      text NOT NULL,
	browser_id   text NOT NULL DEFAULT '',
	redirect_uri text NOT NULL,
	challenge    text NOT NULL DEFAULT '',
	nonce        text NOT NULL DEFAULT '',
	scope        text NOT NULL DEFAULT '',
	auth_time    timestamptz NOT NULL,
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	used_at      timestamptz,
	session_id   text NOT NULL DEFAULT ''
);

ALTER TABLE clients ADD COLUMN post_logout_uris text[] NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN origins text[] NOT NULL DEFAULT '{}';

ALTER TABLE sessions ADD COLUMN browser_id text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN auth_time timestamptz;
CREATE INDEX sessions_browser ON sessions(browser_id);

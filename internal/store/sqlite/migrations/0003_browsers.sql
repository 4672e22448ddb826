-- Browser sign-in (issue 12): browser sessions (SSO cookies) and
-- authorization codes, both stored by the SHA-256 of their secret, plus
-- the client and session columns the authorization code flow needs.
-- Added columns have defaults, so existing rows read as before: no
-- post-logout URIs, no origins, no browser, no auth_time (NULL, zero).
CREATE TABLE browser_sessions (
	id         TEXT PRIMARY KEY,
	hash       BLOB NOT NULL UNIQUE,
	tenant_id  TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	auth_time  INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked_at INTEGER,
	ip         TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX browser_sessions_user ON browser_sessions(user_id);

CREATE TABLE auth_codes (
	hash         BLOB PRIMARY KEY,
	tenant_id    TEXT NOT NULL,
	client_id    TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	browser_id   TEXT NOT NULL DEFAULT '',
	redirect_uri TEXT NOT NULL,
	challenge    TEXT NOT NULL DEFAULT '',
	nonce        TEXT NOT NULL DEFAULT '',
	scope        TEXT NOT NULL DEFAULT '',
	auth_time    INTEGER NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL,
	used_at      INTEGER,
	session_id   TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

ALTER TABLE clients ADD COLUMN post_logout_uris TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN origins TEXT NOT NULL DEFAULT '[]';

-- auth_time is NULL on sessions from before this migration; it reads as
-- the zero time.
ALTER TABLE sessions ADD COLUMN browser_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN auth_time INTEGER;
CREATE INDEX sessions_browser ON sessions(browser_id);

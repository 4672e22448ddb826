-- Zero-logout migration (issue 15): one row per legacy refresh token sent
-- for adoption and per password migrated, inserted before the legacy
-- system is called, so across replicas a token goes upstream at most once.
-- key is the token's SHA-256 (or a hash naming the user); never a secret.
-- Times are Unix nanoseconds.
CREATE TABLE legacy_claims (
  key        BLOB PRIMARY KEY,
  kind       TEXT NOT NULL,
  tenant_id  TEXT NOT NULL,
  client_id  TEXT NOT NULL,
  user_id    TEXT NOT NULL DEFAULT '',
  session_id TEXT NOT NULL DEFAULT '',
  done       INTEGER NOT NULL DEFAULT 0,
  claimed_at INTEGER NOT NULL,
  done_at    INTEGER NOT NULL DEFAULT 0
);

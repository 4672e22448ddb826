-- A used token names its successor (child_hash, set by the claim that used
-- it) instead of every token being indexed by its parent (issue 16). The
-- UNIQUE index on parent_hash was a random page written in every
-- rotation's commit, beside the token's own two (the claimed row and the
-- new one); the successor is now found through the primary key. One
-- successor per token still holds: the claim sets used_at and child_hash
-- in one UPDATE that matches only an unused token, in the transaction that
-- inserts the successor, and a row has one child_hash.
--
-- SQLite cannot drop a UNIQUE column constraint, so the table is rebuilt,
-- with each used token's successor filled in from the old index.
CREATE TABLE refresh_tokens_next (
	hash        BLOB PRIMARY KEY,
	session_id  TEXT NOT NULL REFERENCES sessions(id),
	parent_hash BLOB,
	generation  INTEGER NOT NULL,
	created_at  INTEGER NOT NULL,
	used_at     INTEGER,
	child_hash  BLOB
) WITHOUT ROWID;
INSERT INTO refresh_tokens_next(hash, session_id, parent_hash, generation, created_at, used_at, child_hash)
SELECT t.hash, t.session_id, t.parent_hash, t.generation, t.created_at, t.used_at, c.hash
FROM refresh_tokens t LEFT JOIN refresh_tokens c ON c.parent_hash = t.hash;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_next RENAME TO refresh_tokens;

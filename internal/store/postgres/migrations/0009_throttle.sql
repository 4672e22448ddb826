-- Throttle state shared by every replica (issue 14): with several
-- processes on one database, a guesser spreading failed logins over them,
-- or a partner creating users through all of them, meets one limit.
-- Keys are SHA-256 digests of the caller's keys (account, IP, partner),
-- so no typed login name is kept. Rows sweep themselves: each recorded
-- failure deletes a few counts whose window ended, and each admitted
-- creation deletes its key's events that left the window.

-- Fixed-window failure counts: n events in the window that ends at ends.
CREATE TABLE throttle_counts (
	key  bytea PRIMARY KEY,
	n    integer NOT NULL,
	ends timestamptz NOT NULL
);
CREATE INDEX throttle_counts_ends ON throttle_counts (ends);

-- Sliding-window logs: one row per admitted event (a partner's user
-- creation) at its instant.
CREATE TABLE throttle_events (
	key bytea NOT NULL,
	at  timestamptz NOT NULL
);
CREATE INDEX throttle_events_key_at ON throttle_events (key, at);

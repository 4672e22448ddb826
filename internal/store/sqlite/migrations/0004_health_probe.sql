-- Write probe (issue 14): /readyz commits a one-row UPDATE here, at most
-- once a second, so that a full, failing or read-only disk turns the
-- service not ready while reads (and Ping) still work. pad takes a 64 KiB
-- blob: more new pages than a token request writes, so space that a
-- failed request's frames left behind in the WAL does not fool the probe.
CREATE TABLE health_probe (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  probed_at INTEGER NOT NULL,
  pad       BLOB
);
INSERT INTO health_probe(id, probed_at) VALUES (1, 0);

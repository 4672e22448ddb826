-- Write probe (issue 14): /readyz commits a one-row UPDATE here, at most
-- once a second, so that a full, failing or read-only disk turns the
-- service not ready while reads (and Ping) still work.
CREATE TABLE health_probe (
  id        INTEGER PRIMARY KEY CHECK (id = 1),
  probed_at INTEGER NOT NULL
);
INSERT INTO health_probe(id, probed_at) VALUES (1, 0);

-- Write probe (issue 14): /readyz commits a one-row UPDATE here, at most
-- once a second, so that a full disk or a read-only (standby) database
-- turns the service not ready while reads (and Ping) still work.
CREATE TABLE health_probe (
  id        SMALLINT PRIMARY KEY CHECK (id = 1),
  probed_at BIGINT NOT NULL,
  pad       BYTEA
);
INSERT INTO health_probe(id, probed_at) VALUES (1, 0);

-- Administration (issue 13): a client secret rotation keeps the previous
-- secret's hash until the end of its overlap window; audit queries by
-- tenant, user and client, newest first, read these indexes instead of
-- scanning the table.
ALTER TABLE clients ADD COLUMN prev_secret_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN prev_secret_until INTEGER;
CREATE INDEX IF NOT EXISTS audit_tenant ON audit_events(tenant_id, id);
CREATE INDEX IF NOT EXISTS audit_user ON audit_events(user_id, id) WHERE user_id <> '';
CREATE INDEX IF NOT EXISTS audit_client ON audit_events(client_id, id) WHERE client_id <> '';

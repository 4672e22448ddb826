-- Retention (issue 14). Audit events, codes and browser sessions are
-- removed by age; their expiry columns never change, so these indexes cost
-- nothing on the refresh path. refresh_tokens(session_id) stays dropped
-- (0002): ended sessions are kept, see sqlstore.PurgeKinds.
CREATE INDEX IF NOT EXISTS audit_time ON audit_events(time);
CREATE INDEX IF NOT EXISTS auth_codes_expires ON auth_codes(expires_at);
CREATE INDEX IF NOT EXISTS browser_sessions_expires ON browser_sessions(expires_at);

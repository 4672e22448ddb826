-- Retention (issue 14). Removing an ended session needs its tokens, found
-- by session: that index comes back (0002 dropped it to save one page per
-- rotation's commit; without it every ended session costs a full scan of
-- refresh_tokens). Audit events, codes and browser sessions are removed
-- by age; their expiry columns never change, so those indexes cost
-- nothing on the refresh path.
CREATE INDEX IF NOT EXISTS refresh_tokens_by_session ON refresh_tokens(session_id);
CREATE INDEX IF NOT EXISTS audit_time ON audit_events(time);
CREATE INDEX IF NOT EXISTS auth_codes_expires ON auth_codes(expires_at);
CREATE INDEX IF NOT EXISTS browser_sessions_expires ON browser_sessions(expires_at);

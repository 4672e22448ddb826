-- No query looks refresh tokens up by session, and the index cost one more
-- page written in every rotation's commit on the single writer (issue 8).
DROP INDEX IF EXISTS refresh_tokens_session;

-- Failed-attempt counters shared by every instance (sign-in failures per account):
-- a fixed window per key, opened by its first attempt. The key is a digest.
CREATE TABLE attempt_counters (
    key        TEXT PRIMARY KEY,
    attempts   INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX attempt_counters_expiry ON attempt_counters(expires_at);

-- Failed-attempt counters shared by every instance (sign-in failures per account):
-- a fixed window per key, opened by its first attempt. The key is a digest.
CREATE TABLE attempt_counters (
    key        TEXT PRIMARY KEY,
    attempts   BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX attempt_counters_expiry ON attempt_counters(expires_at);

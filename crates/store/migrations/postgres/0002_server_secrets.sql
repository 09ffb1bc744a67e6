-- What every server instance shares: the keys that sign ID tokens and named secrets
-- such as the proof-of-work HMAC key (SQLite's 0006).
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    pkcs8_pem  TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

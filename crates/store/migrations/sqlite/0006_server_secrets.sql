-- What every server instance shares (issue #15): the keys that sign ID tokens (the
-- newest signs once published a while; older ones stay published until retired) and
-- named secrets such as the proof-of-work HMAC key. Before, both were files in the
-- data folder; the server moves them here on its first start after this migration.
CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    pkcs8_pem  TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

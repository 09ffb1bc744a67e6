-- Accounts, browser sessions and OAuth state. Times are Unix seconds; every token,
-- code and link is stored only as its SHA-256 digest.

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL,
    email_lower        TEXT NOT NULL UNIQUE,
    username           TEXT NOT NULL,
    username_lower     TEXT NOT NULL UNIQUE,
    password_hash      TEXT NOT NULL,
    name               TEXT,
    email_confirmed_at INTEGER,
    created_at         INTEGER NOT NULL
);

-- Single-use links sent by mail (email confirmation now; password reset later).
CREATE TABLE mail_links (
    digest     TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX mail_links_user ON mail_links(user_id, purpose);

-- Signed-in browsers.
CREATE TABLE web_sessions (
    digest          TEXT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    keep_signed_in  INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    user_agent      TEXT,
    ip              TEXT,
    revoked_at      INTEGER
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

-- Authorization requests waiting for the person in the browser (five minutes at most).
CREATE TABLE auth_requests (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL,
    redirect_uri          TEXT NOT NULL,
    scope                 TEXT NOT NULL,
    state                 TEXT,
    nonce                 TEXT,
    code_challenge        TEXT NOT NULL,
    prompt                TEXT,
    login_hint            TEXT,
    device_name           TEXT,
    device_os             TEXT,
    created_at            INTEGER NOT NULL,
    expires_at            INTEGER NOT NULL,
    completed_at          INTEGER
);

-- A grant: one signed-in app on one device. Refresh and access tokens hang off it.
CREATE TABLE grants (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL,
    scope          TEXT NOT NULL,
    keep_signed_in INTEGER NOT NULL,
    auth_time      INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    revoked_at     INTEGER,
    revoke_reason  TEXT,
    device_name    TEXT,
    device_os      TEXT,
    user_agent     TEXT,
    ip             TEXT,
    first_used_at  INTEGER NOT NULL,
    last_used_at   INTEGER NOT NULL
);
CREATE INDEX grants_user ON grants(user_id);

CREATE TABLE auth_codes (
    digest         TEXT PRIMARY KEY,
    request_id     TEXT NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    nonce          TEXT,
    code_challenge TEXT NOT NULL,
    keep_signed_in INTEGER NOT NULL,
    auth_time      INTEGER NOT NULL,
    device_name    TEXT,
    device_os      TEXT,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    grant_id       TEXT
);

CREATE TABLE refresh_tokens (
    digest     TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens(grant_id);

CREATE TABLE access_tokens (
    digest     TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX access_tokens_grant ON access_tokens(grant_id);

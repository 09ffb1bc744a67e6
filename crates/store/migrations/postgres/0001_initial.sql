-- The PostgreSQL schema: the same tables, columns and rules as SQLite's migrations
-- 0001–0005 (accounts and OAuth, account settings, the mail queue, teams, discovery),
-- in one step because this backend starts at that point. Times are Unix seconds
-- (BIGINT); every token, code and link is stored only as its SHA-256 digest. Where
-- SQLite orders rows by `rowid`, a table here has a `seq` identity column instead.
-- A later change to the schema is a new numbered file in BOTH folders.

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    email_lower         TEXT NOT NULL UNIQUE,
    username            TEXT NOT NULL,
    username_lower      TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    name                TEXT,
    email_confirmed_at  BIGINT,
    created_at          BIGINT NOT NULL,
    -- Profile fields. `links` is a JSON array of URLs; `notification_prefs` a JSON
    -- object (NULL means the defaults); `pending_email` waits for its confirmation link.
    bio                 TEXT,
    website             TEXT,
    links               TEXT NOT NULL DEFAULT '[]',
    public_profile      BOOLEAN NOT NULL DEFAULT FALSE,
    configured_at       BIGINT,
    pending_email       TEXT,
    notification_prefs  TEXT,
    password_changed_at BIGINT,
    updated_at          BIGINT
);

-- Single-use links sent by mail (confirmation, password reset, email change).
CREATE TABLE mail_links (
    digest     TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX mail_links_user ON mail_links(user_id, purpose);

-- Signed-in browsers.
CREATE TABLE web_sessions (
    digest          TEXT PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    keep_signed_in  BOOLEAN NOT NULL,
    created_at      BIGINT NOT NULL,
    expires_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    user_agent      TEXT,
    ip              TEXT,
    revoked_at      BIGINT
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

-- Authorization requests waiting for the person in the browser (five minutes at most).
CREATE TABLE auth_requests (
    id             TEXT PRIMARY KEY,
    client_id      TEXT NOT NULL,
    redirect_uri   TEXT NOT NULL,
    scope          TEXT NOT NULL,
    state          TEXT,
    nonce          TEXT,
    code_challenge TEXT NOT NULL,
    prompt         TEXT,
    login_hint     TEXT,
    device_name    TEXT,
    device_os      TEXT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    completed_at   BIGINT
);

-- A grant: one signed-in app on one device. Refresh and access tokens hang off it.
CREATE TABLE grants (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    client_id      TEXT NOT NULL,
    scope          TEXT NOT NULL,
    keep_signed_in BOOLEAN NOT NULL,
    auth_time      BIGINT NOT NULL,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    revoke_reason  TEXT,
    device_name    TEXT,
    device_os      TEXT,
    user_agent     TEXT,
    ip             TEXT,
    first_used_at  BIGINT NOT NULL,
    last_used_at   BIGINT NOT NULL
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
    keep_signed_in BOOLEAN NOT NULL,
    auth_time      BIGINT NOT NULL,
    device_name    TEXT,
    device_os      TEXT,
    created_at     BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    used_at        BIGINT,
    grant_id       TEXT
);

CREATE TABLE refresh_tokens (
    digest     TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_grant ON refresh_tokens(grant_id);

CREATE TABLE access_tokens (
    digest     TEXT PRIMARY KEY,
    grant_id   TEXT NOT NULL REFERENCES grants(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX access_tokens_grant ON access_tokens(grant_id);

-- The avatar, re-encoded as PNG by the server; `version` changes with each upload
-- so its URL can be cached forever.
CREATE TABLE avatars (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    version    TEXT NOT NULL,
    png        BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE support_requests (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX support_requests_user ON support_requests(user_id, created_at);

-- Proof-of-work challenges already answered (Trouble signing in?), so one solution
-- cannot be replayed while its challenge is still valid.
CREATE TABLE spent_challenges (
    digest     TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);

-- The outgoing mail queue: mail waits here until delivered, so a crash or restart
-- loses none, and with several server instances exactly one claims each mail (a
-- claim is a row lock, `FOR UPDATE SKIP LOCKED`, plus its lease in `due_at`).
-- `body` and `links` (a JSON array) may hold live single-use links: they are cleared
-- (NULL, '[]') once the mail is delivered or abandoned, and the row is purged a day later.
CREATE TABLE mail_queue (
    id          TEXT PRIMARY KEY,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT,
    links       TEXT NOT NULL DEFAULT '[]',
    queued_at   BIGINT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'delivered', 'abandoned')),
    attempts    BIGINT NOT NULL DEFAULT 0,
    due_at      BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX mail_queue_due ON mail_queue(due_at, id) WHERE status = 'queued';
CREATE INDEX mail_queue_finished ON mail_queue(finished_at) WHERE status <> 'queued';

-- Teams. `slug` is the team URL (`/t/{slug}`), unique case-insensitively through
-- `slug_lower`.
CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    slug_lower TEXT NOT NULL UNIQUE,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- `role`: admin, member or billing_manager. A team always keeps at least one admin
-- (the store's rule, checked inside the changing transaction).
CREATE TABLE team_members (
    team_id   TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    joined_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

-- One live (pending) invitation per team and address: inviting again resends it.
CREATE TABLE team_invitations (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    email_lower  TEXT NOT NULL,
    role         TEXT NOT NULL,
    digest       TEXT NOT NULL UNIQUE,
    invited_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   BIGINT NOT NULL,
    sent_at      BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    accepted_at  BIGINT,
    accepted_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at BIGINT
);
CREATE UNIQUE INDEX team_invitations_pending ON team_invitations(team_id, email_lower)
    WHERE accepted_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX team_invitations_team ON team_invitations(team_id, created_at);

-- Team discovery: one row per team that has ever saved its settings; none means off.
-- `join_policy`: anyone or approval.
CREATE TABLE team_discovery (
    team_id     TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    enabled     BOOLEAN NOT NULL,
    join_policy TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- The domains (lowercase) a team is found on; only while one of its admins has a
-- confirmed address on it (checked where teams are listed).
CREATE TABLE team_discovery_domains (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    domain  TEXT NOT NULL,
    PRIMARY KEY (team_id, domain)
);
CREATE INDEX team_discovery_domains_domain ON team_discovery_domains(domain);

-- Requests to join a team whose policy is approval. At most one pending per team and
-- account; `outcome` (approved, declined, withdrawn) and `decided_at` close it.
CREATE TABLE team_join_requests (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY,
    id         TEXT PRIMARY KEY,
    team_id    TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    outcome    TEXT
);
CREATE UNIQUE INDEX team_join_requests_pending ON team_join_requests(team_id, user_id)
    WHERE decided_at IS NULL;
CREATE INDEX team_join_requests_team ON team_join_requests(team_id, created_at);

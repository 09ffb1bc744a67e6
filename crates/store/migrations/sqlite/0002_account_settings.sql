-- Account settings, support requests and the proof-of-work replay guard.
-- (Issue #5.) Times are Unix seconds; tokens and links stay digests only.

-- Profile fields. `links` is a JSON array of URLs; `notification_prefs` a JSON
-- object (NULL means the defaults); `pending_email` waits for its confirmation link.
ALTER TABLE users ADD COLUMN bio TEXT;
ALTER TABLE users ADD COLUMN website TEXT;
ALTER TABLE users ADD COLUMN links TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN public_profile INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN configured_at INTEGER;
ALTER TABLE users ADD COLUMN pending_email TEXT;
ALTER TABLE users ADD COLUMN notification_prefs TEXT;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
ALTER TABLE users ADD COLUMN updated_at INTEGER;

-- The avatar, re-encoded as PNG by the server; `version` changes with each upload
-- so its URL can be cached forever.
CREATE TABLE avatars (
    user_id    TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    version    TEXT NOT NULL,
    png        BLOB NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE support_requests (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    description TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX support_requests_user ON support_requests(user_id, created_at);

-- Proof-of-work challenges already answered (Trouble signing in?), so one solution
-- cannot be replayed while its challenge is still valid.
CREATE TABLE spent_challenges (
    digest     TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

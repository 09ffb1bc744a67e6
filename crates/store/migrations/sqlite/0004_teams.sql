-- Teams: the team itself, its members and their roles, and invitations by email
-- (issue #12). Times are Unix seconds; an invitation's token is kept as a digest only.

-- `slug` is the team URL (`/t/{slug}`), unique case-insensitively through `slug_lower`.
CREATE TABLE teams (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    slug       TEXT NOT NULL,
    slug_lower TEXT NOT NULL UNIQUE,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- `role`: admin, member or billing_manager. A team always keeps at least one admin
-- (the store's rule, checked inside the changing transaction).
CREATE TABLE team_members (
    team_id   TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role      TEXT NOT NULL,
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members(user_id);

-- One live (pending) invitation per team and address: inviting again resends it.
-- `accepted_by` names the account that accepted (its address may differ from `email`).
CREATE TABLE team_invitations (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    email_lower  TEXT NOT NULL,
    role         TEXT NOT NULL,
    digest       TEXT NOT NULL UNIQUE,
    invited_by   TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL,
    sent_at      INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    accepted_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    cancelled_at INTEGER
);
CREATE UNIQUE INDEX team_invitations_pending ON team_invitations(team_id, email_lower)
    WHERE accepted_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX team_invitations_team ON team_invitations(team_id, created_at);

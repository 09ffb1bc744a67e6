-- Team discovery and requests to join (issue #12). A team is found by people whose
-- confirmed address is on one of its discovery domains; they join at once or ask.
-- Times are Unix seconds.

-- One row per team that has ever saved its discovery settings; none means off.
-- `join_policy`: anyone or approval.
CREATE TABLE team_discovery (
    team_id     TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    enabled     INTEGER NOT NULL,
    join_policy TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The domains (lowercase) a team is found on. A domain only counts while one of the
-- team's admins has a confirmed address on it (checked where teams are listed).
CREATE TABLE team_discovery_domains (
    team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    domain  TEXT NOT NULL,
    PRIMARY KEY (team_id, domain)
);
CREATE INDEX team_discovery_domains_domain ON team_discovery_domains(domain);

-- Requests to join a team whose policy is approval. At most one pending per team and
-- account; `outcome` (approved, declined, withdrawn) and `decided_at` close it.
CREATE TABLE team_join_requests (
    id         TEXT PRIMARY KEY,
    team_id    TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    decided_at INTEGER,
    decided_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    outcome    TEXT
);
CREATE UNIQUE INDEX team_join_requests_pending ON team_join_requests(team_id, user_id)
    WHERE decided_at IS NULL;
CREATE INDEX team_join_requests_team ON team_join_requests(team_id, created_at);

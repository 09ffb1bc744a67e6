-- How a workspace's requests are sent (timeout, redirects, TLS verification): one
-- row per workspace that changed them from the defaults, as SendOptions JSON. Local
-- to this device like drafts: not in the change log.
CREATE TABLE send_options (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    options      TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);

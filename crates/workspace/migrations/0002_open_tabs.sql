-- The request editor's tabs, per workspace, so they come back at the next start with
-- their drafts: which saved requests are open, in the strip's order, and which one is
-- on screen. Local only, like drafts; a deleted request takes its tab with it.
CREATE TABLE open_tabs (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    request_id   TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    active       INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    PRIMARY KEY (workspace_id, request_id)
);
CREATE INDEX open_tabs_by_request ON open_tabs (request_id);

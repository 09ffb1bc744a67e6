-- Synced workspaces deleted on this device, waiting to be deleted on the server (for
-- every device and teammate). Written in the delete's own transaction when the server
-- has the workspace; dropped when the server answered, or when the delete was undone
-- before it went. No foreign key: the workspace row is gone by then.
CREATE TABLE sync_deleted_workspaces (
    workspace_id TEXT PRIMARY KEY,
    account      TEXT NOT NULL,
    -- Unix milliseconds of the delete.
    at           INTEGER NOT NULL
);

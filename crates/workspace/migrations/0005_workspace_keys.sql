-- Synced workspaces' shared data keys (issue #13), every version this device holds,
-- each sealed under the device's own key (format 1, bound to its workspace and
-- version). Values sealed under a workspace key name its version; old versions stay so
-- values sealed before a rotation still open.
CREATE TABLE sync_workspace_keys (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL CHECK (version >= 1),
    sealed_key   TEXT NOT NULL,
    PRIMARY KEY (workspace_id, version)
);

-- Synced workspaces and their revision log (issue #13). A workspace belongs to an
-- account or a team; `seq` is its last change's sequence number. Each entity keeps
-- its current fields (JSON text the server does not read) and revision; a deleted
-- one stays as a tombstone (fields NULL) so devices that were away learn of it.

CREATE TABLE synced_workspaces (
    id          TEXT PRIMARY KEY,
    owner_user  TEXT REFERENCES users(id) ON DELETE CASCADE,
    owner_team  TEXT REFERENCES teams(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    created_by  TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL,
    CHECK ((owner_user IS NULL) <> (owner_team IS NULL))
);
CREATE INDEX synced_workspaces_user ON synced_workspaces(owner_user);
CREATE INDEX synced_workspaces_team ON synced_workspaces(owner_team);

CREATE TABLE synced_entities (
    workspace_id TEXT NOT NULL REFERENCES synced_workspaces(id) ON DELETE CASCADE,
    entity       TEXT NOT NULL,
    id           TEXT NOT NULL,
    fields       TEXT,
    revision     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    changed_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, entity, id)
);
CREATE INDEX synced_entities_by_seq ON synced_entities(workspace_id, seq);

-- Each applied operation's id and what it did, so a second delivery is answered the
-- same way and applied once.
CREATE TABLE synced_operations (
    workspace_id TEXT NOT NULL REFERENCES synced_workspaces(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    applied_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

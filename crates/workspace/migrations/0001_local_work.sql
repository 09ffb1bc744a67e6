-- Courier's local work on one device profile (issue #11). Times are Unix milliseconds;
-- every synced entity has a revision that grows by one per change. The tree
-- (workspace → collection → folder → request) is relational, so deleting a parent
-- takes its subtree with it; specs, auth, scripts and variables are JSON.

CREATE TABLE workspaces (
    id                 TEXT PRIMARY KEY,
    name               TEXT NOT NULL,
    -- 'scratch_pad' (exactly one, no account) or 'account' (owner_account set).
    owner_kind         TEXT NOT NULL CHECK (owner_kind IN ('scratch_pad', 'account')),
    owner_account      TEXT,
    -- No foreign key: environments refer back to workspaces; the database clears
    -- it in the transaction that deletes the environment.
    active_environment TEXT,
    -- Every variable value sealed, not only the secret ones.
    encrypt_values     INTEGER NOT NULL DEFAULT 0,
    revision           INTEGER NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    CHECK ((owner_kind = 'account') = (owner_account IS NOT NULL))
);
CREATE UNIQUE INDEX workspaces_one_scratch_pad ON workspaces (owner_kind)
    WHERE owner_kind = 'scratch_pad';
CREATE INDEX workspaces_by_account ON workspaces (owner_account);

-- Variables: a JSON array of {key, enabled, secret, value?, sealed?}; a secret (or,
-- with encrypt_values, every) value is only ever `sealed`.
CREATE TABLE globals (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    variables    TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE environments (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    variables    TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX environments_by_workspace ON environments (workspace_id, created_at);

CREATE TABLE collections (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT,
    auth         TEXT NOT NULL,
    variables    TEXT NOT NULL,
    scripts      TEXT NOT NULL,
    position     INTEGER NOT NULL,
    revision     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX collections_by_workspace ON collections (workspace_id, position);

-- A folder's collection_id is always its parent's: the composite key makes it so,
-- and moving a folder to another collection carries its subtree along (ON UPDATE
-- CASCADE). A NULL parent_id (top level) is not checked against folders.
CREATE TABLE folders (
    id            TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    parent_id     TEXT,
    name          TEXT NOT NULL,
    description   TEXT,
    auth          TEXT NOT NULL,
    scripts       TEXT NOT NULL,
    -- Order among the parent's folders and requests together.
    position      INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    UNIQUE (id, collection_id),
    FOREIGN KEY (parent_id, collection_id) REFERENCES folders (id, collection_id)
        ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX folders_by_parent ON folders (collection_id, parent_id, position);

-- method and url are copies of the spec's, for the sidebar and its filter.
CREATE TABLE requests (
    id            TEXT PRIMARY KEY,
    collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    folder_id     TEXT,
    name          TEXT NOT NULL,
    description   TEXT,
    method        TEXT NOT NULL,
    url           TEXT NOT NULL,
    spec          TEXT NOT NULL,
    scripts       TEXT NOT NULL,
    position      INTEGER NOT NULL,
    revision      INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    FOREIGN KEY (folder_id, collection_id) REFERENCES folders (id, collection_id)
        ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX requests_by_parent ON requests (collection_id, folder_id, position);

-- Every local change in order, for sync. No foreign keys: a deletion is a change
-- too. AUTOINCREMENT so a sequence number is never handed out twice.
CREATE TABLE changes (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id TEXT NOT NULL,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('create', 'update', 'delete')),
    revision     INTEGER NOT NULL,
    at           INTEGER NOT NULL
);
CREATE INDEX changes_by_workspace ON changes (workspace_id, seq);

-- Sent requests, newest kept; secrets masked before they get here. request_id is
-- not a foreign key: an entry outlives the request it was sent from.
CREATE TABLE history (
    seq          INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    request_id   TEXT,
    sent_at      INTEGER NOT NULL,
    method       TEXT NOT NULL,
    url          TEXT NOT NULL,
    status       INTEGER,
    duration_ms  INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    error        TEXT
);
CREATE INDEX history_by_workspace ON history (workspace_id, sent_at, seq);

-- Unsaved editor changes: 'request:<id>' for a saved request's tab, 'new:<key>' for
-- a request never saved.
CREATE TABLE drafts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_id   TEXT REFERENCES requests (id) ON DELETE CASCADE,
    spec         TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX drafts_by_request ON drafts (request_id);

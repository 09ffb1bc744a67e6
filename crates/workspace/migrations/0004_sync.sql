-- Syncing account workspaces with the server (issue #13). Nothing here is a change of
-- the work itself, so none of it is in the change log.

-- A workspace this device syncs: for which account (and team), whether the server has
-- it yet, and the server's change sequence this device has pulled up to.
CREATE TABLE sync_workspaces (
    workspace_id TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    team_id      TEXT,
    registered   INTEGER NOT NULL DEFAULT 0 CHECK (registered IN (0, 1)),
    pulled_seq   INTEGER NOT NULL DEFAULT 0,
    -- Unix milliseconds of the last round that pushed and pulled everything.
    synced_at    INTEGER
);

-- What this device last agreed with the server about each entity: the server's
-- revision and fields then (NULL: deleted there, or revision 0: never there), the base
-- of a three-way merge; and the last local change (changes.seq) that agreement covers.
-- An entity with a later change is pending.
CREATE TABLE sync_bases (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    fields       TEXT,
    covers_seq   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, entity, entity_id)
);

-- Operations staged for the server and sent (again, under the same id) until it
-- answers: at most one per entity. `fields` NULL deletes.
CREATE TABLE sync_outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    workspace_id  TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity        TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    base_revision INTEGER NOT NULL,
    fields        TEXT,
    covers_seq    INTEGER NOT NULL,
    UNIQUE (workspace_id, entity, entity_id)
);

-- What a merge left for the person to decide. `kind`: 'fields' (`fields` holds a JSON
-- array of {field, mine, theirs}), 'deleted_there' (`mine` holds the fields to
-- restore) or 'changed_there' (deleted here, changed on the server).
CREATE TABLE sync_conflicts (
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity       TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('fields', 'deleted_there', 'changed_there')),
    name         TEXT NOT NULL,
    fields       TEXT,
    mine         TEXT,
    at           INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, entity, entity_id)
);

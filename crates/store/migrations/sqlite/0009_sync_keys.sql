-- End-to-end keys for synced secret values. Each account publishes an X25519 public
-- key and its private key sealed under a recovery key the server never sees. Each
-- synced workspace's data key is kept only wrapped (a sealed box) for the public key
-- of each account that reaches it, one row per version and account, with the public
-- key it was wrapped for. `key_version` is the workspace's current version (0: none).

CREATE TABLE account_keys (
    account_id      TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    public_key      TEXT NOT NULL,
    recovery_sealed TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);

ALTER TABLE synced_workspaces ADD COLUMN key_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE synced_workspace_keys (
    workspace_id TEXT NOT NULL REFERENCES synced_workspaces(id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    account_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    public_key   TEXT NOT NULL,
    wrapped      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, version, account_id)
);
CREATE INDEX synced_workspace_keys_account ON synced_workspace_keys(account_id);

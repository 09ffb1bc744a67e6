//! The synced workspaces' shared data keys on this device (`sync_workspace_keys`):
//! every version the device holds, each sealed on disk under the device's own key and
//! held open in the vault while the database is open. How a key reaches the device
//! (made here, or unwrapped from the server with the account's key) is the caller's
//! business (`sync::keys`); this module keeps them, and when this device makes a new
//! version, seals the workspace's values again under it, logged as changes so they
//! sync.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use sqlx::SqliteConnection;
use zeroize::Zeroizing;

use super::workspaces::{Reseal, workspace_row};
use super::{Error, Result, WorkspaceDb};
use crate::seal::{DataKey, SealPlace};

/// Where a workspace key is bound when sealed under the device's key.
fn key_place<'a>(workspace_id: &'a str, version: &'a str) -> SealPlace<'a> {
    SealPlace {
        workspace_id,
        entity_id: "workspace-key",
        field: "data-key",
        key: version,
    }
}

impl WorkspaceDb {
    /// Opens every stored workspace key into the vault (at open). Keys this session
    /// cannot open (no device key, or another device's) are left stored, unused.
    pub(super) async fn load_workspace_keys(&self) -> Result<()> {
        let Some(device_key) = self.vault().device_key() else {
            return Ok(());
        };
        let rows: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT workspace_id, version, sealed_key FROM sync_workspace_keys")
                .fetch_all(&self.inner.reads)
                .await?;
        for (workspace_id, version, sealed) in rows {
            let Ok(version) = u32::try_from(version) else {
                continue;
            };
            let opened = device_key
                .open(&key_place(&workspace_id, &version.to_string()), &sealed)
                .ok()
                .map(Zeroizing::new)
                .and_then(|encoded| STANDARD_NO_PAD.decode(encoded.as_bytes()).ok())
                .map(Zeroizing::new)
                .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok());
            if let Some(bytes) = opened {
                self.vault()
                    .hold_workspace_key(&workspace_id, version, DataKey::from_bytes(bytes));
            }
        }
        Ok(())
    }

    /// The versions of `workspace_id`'s data key this device holds, oldest first.
    pub fn workspace_key_versions(&self, workspace_id: &str) -> Vec<u32> {
        self.vault().workspace_key_versions(workspace_id)
    }

    /// Version `version` of `workspace_id`'s data key (the newest with `None`).
    pub fn workspace_key(
        &self,
        workspace_id: &str,
        version: Option<u32>,
    ) -> Option<(u32, DataKey)> {
        self.vault().workspace_key(workspace_id, version)
    }

    /// Keeps version `version` of `workspace_id`'s data key, received from the server
    /// (a version already held is left as it is). Values stay as they are (whoever
    /// made the version sealed them anew and they arrive by sync), except values still
    /// sealed under this device's own key: another device made the version before this
    /// one sent them sealed under a workspace key, and nobody else can open them. Those
    /// are sealed again under the newest version, as logged changes, in the same
    /// transaction.
    pub async fn keep_workspace_key(
        &self,
        workspace_id: &str,
        version: u32,
        key: &DataKey,
    ) -> Result<()> {
        let mut w = self.write().await?;
        let seal_all = workspace_row(w.conn(), workspace_id).await?.encrypt_values;
        self.store_workspace_key(w.conn(), workspace_id, version, key)
            .await?;
        let held = self.vault().workspace_key_versions(workspace_id);
        self.vault()
            .hold_workspace_key(workspace_id, version, key.clone());
        let resealed = self
            .reseal_workspace(
                &mut w,
                workspace_id,
                seal_all,
                Reseal::DeviceSealedAsChanges,
            )
            .await;
        if let Err(error) = resealed {
            if !held.contains(&version) {
                self.vault().forget_workspace_key(workspace_id, version);
            }
            return Err(error);
        }
        w.commit().await
    }

    /// Keeps version `version` of `workspace_id`'s data key, which this device just
    /// made and published, and seals every sealed value of the workspace again under
    /// it, in one transaction, each resealed entity logged as a change (so the values
    /// sync under the new key). Values this device cannot open stay as they are.
    /// Returns how many entities were sealed again.
    pub async fn start_workspace_key(
        &self,
        workspace_id: &str,
        version: u32,
        key: &DataKey,
    ) -> Result<usize> {
        let mut w = self.write().await?;
        let seal_all = workspace_row(w.conn(), workspace_id).await?.encrypt_values;
        self.store_workspace_key(w.conn(), workspace_id, version, key)
            .await?;
        self.vault()
            .hold_workspace_key(workspace_id, version, key.clone());
        let resealed = match self
            .reseal_workspace(&mut w, workspace_id, seal_all, Reseal::SealedAsChanges)
            .await
        {
            Ok(resealed) => resealed,
            Err(error) => {
                // Nothing was written: the key must not be used for values either.
                self.vault().forget_workspace_key(workspace_id, version);
                return Err(error);
            }
        };
        w.commit().await?;
        Ok(resealed)
    }

    async fn store_workspace_key(
        &self,
        conn: &mut SqliteConnection,
        workspace_id: &str,
        version: u32,
        key: &DataKey,
    ) -> Result<()> {
        let device_key = self.vault().device_key().ok_or_else(|| {
            Error::invalid("keeping a workspace's key needs this device's data key")
        })?;
        let encoded = Zeroizing::new(STANDARD_NO_PAD.encode(key.as_bytes()));
        let sealed = device_key
            .seal(&key_place(workspace_id, &version.to_string()), &encoded)
            .map_err(|error| Error::Storage(error.to_string()))?;
        sqlx::query(
            "INSERT INTO sync_workspace_keys (workspace_id, version, sealed_key) VALUES (?, ?, ?) \
             ON CONFLICT (workspace_id, version) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(i64::from(version))
        .bind(sealed)
        .execute(conn)
        .await?;
        Ok(())
    }
}

//! Deleting a synced workspace everywhere, this device's side. A workspace the server
//! has, deleted here, leaves a row in `sync_deleted_workspaces` (in the delete's own
//! transaction, so a crash cannot lose it) until the server has been told; undoing the
//! delete before then drops the row in the restore's transaction. The other way: a
//! workspace deleted elsewhere, or one the account no longer reaches, is removed here
//! by [`WorkspaceDb::workspace_gone_from_server`]; when it holds work not synced yet,
//! that work is kept in a copy of the account's own first.
//!
//! Not here: the sync round that sends the deletes and notices what the server no
//! longer has (the client's background sync).

use super::rows::ACCOUNT;
use super::{Error, MAX_NAME, Result, WorkspaceDb, Write};
use crate::model::Owner;

/// The copy's name: the original's, saying why, within the longest name allowed.
fn kept_name(original: &str) -> String {
    const KEPT: &str = " (kept here)";
    let room = MAX_NAME - KEPT.chars().count();
    let mut name: String = original.chars().take(room).collect();
    name.push_str(KEPT);
    name
}

/// What [`WorkspaceDb::workspace_gone_from_server`] did with this device's copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GoneFromServer {
    /// Removed from this device, with its history, drafts and change log (or it was
    /// not here).
    Removed,
    /// It held changes not synced yet: everything in it was copied first into a new
    /// workspace of the account's own (`workspace_id`, named "… (kept here)", fresh
    /// ids, secret values sealed again for their new place), which syncs from the
    /// next round; then the original was removed. A new id, because the old one may
    /// still be a team's on the server, and its old keys stay with it.
    KeptAsCopy { workspace_id: String },
}

/// Notes, inside the delete's transaction, that workspace `id` is to be deleted on the
/// server, when the server has it. Call before its row goes (the sync rows cascade).
pub(super) async fn note_workspace_delete(w: &mut Write, id: &str) -> Result<()> {
    let now = w.now;
    sqlx::query(
        "INSERT INTO sync_deleted_workspaces (workspace_id, account, at) \
         SELECT s.workspace_id, w.owner_account, ? FROM sync_workspaces s \
         JOIN workspaces w ON w.id = s.workspace_id \
         WHERE s.workspace_id = ? AND s.registered = 1 AND w.owner_account IS NOT NULL \
         ON CONFLICT (workspace_id) DO UPDATE SET account = excluded.account, at = excluded.at",
    )
    .bind(now)
    .bind(id)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Drops a delete not sent yet (the workspace was put back), inside the restore's
/// transaction.
pub(super) async fn drop_workspace_delete(w: &mut Write, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sync_deleted_workspaces WHERE workspace_id = ?")
        .bind(id)
        .execute(w.conn())
        .await?;
    Ok(())
}

impl WorkspaceDb {
    /// The workspaces of `account` deleted here that the server has not been told of,
    /// oldest delete first.
    pub async fn pending_workspace_deletes(&self, account: &str) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT workspace_id FROM sync_deleted_workspaces WHERE account = ? \
             ORDER BY at, workspace_id",
        )
        .bind(account)
        .fetch_all(&mut *self.read().await?)
        .await?)
    }

    /// The server has been told of the delete (or has no such workspace any more, or
    /// refused for good): nothing is left to send.
    pub async fn workspace_delete_sent(&self, workspace_id: &str) -> Result<()> {
        let mut w = self.write().await?;
        drop_workspace_delete(&mut w, workspace_id).await?;
        w.commit().await
    }

    /// The server no longer has `workspace_id` for this device's account (deleted
    /// elsewhere, or the account left its team). This device's copy goes; when it holds
    /// changes not synced yet, everything in it is first copied into a new workspace of
    /// the account's own, which syncs from the next round, so nothing typed is lost.
    /// The removal is not a change of the work (nothing is logged for it), so a
    /// workspace the account reaches again later comes back.
    pub async fn workspace_gone_from_server(&self, workspace_id: &str) -> Result<GoneFromServer> {
        let pending = self.sync_summary(workspace_id).await?.pending;
        let kept = if pending > 0 {
            Some(self.keep_as_copy(workspace_id).await?)
        } else {
            None
        };
        let mut w = self.write().await?;
        let removed =
            sqlx::query("DELETE FROM workspaces WHERE id = ? AND owner_kind = ? RETURNING id")
                .bind(workspace_id)
                .bind(ACCOUNT)
                .fetch_optional(w.conn())
                .await?;
        if removed.is_some() {
            sqlx::query("DELETE FROM changes WHERE workspace_id = ?")
                .bind(workspace_id)
                .execute(w.conn())
                .await?;
        }
        drop_workspace_delete(&mut w, workspace_id).await?;
        w.commit().await?;
        self.vault().forget_workspace(workspace_id);
        Ok(match kept {
            Some(copy) => GoneFromServer::KeptAsCopy { workspace_id: copy },
            None => GoneFromServer::Removed,
        })
    }

    /// A new workspace of the account's with what `workspace_id` holds: its
    /// environments, globals and collections (moved, with everything in them).
    async fn keep_as_copy(&self, workspace_id: &str) -> Result<String> {
        let original = self.workspace(workspace_id).await?;
        let Owner::Account { account } = &original.owner else {
            return Err(Error::invalid("only an account's workspace syncs"));
        };
        let name = kept_name(&original.name);
        let copy = self.create_workspace(account, &name).await?.meta.id;
        if original.encrypt_values {
            self.set_encrypt_values(&copy, true).await?;
        }
        for environment in self.environments(workspace_id).await? {
            self.create_environment(&copy, &environment.name, &environment.variables)
                .await?;
        }
        let globals = self.globals(workspace_id).await?;
        self.set_globals(&copy, &globals.variables).await?;
        for collection in self.tree(workspace_id).await?.collections {
            self.move_collection_to_workspace(&collection.id, &copy)
                .await?;
        }
        Ok(copy)
    }
}

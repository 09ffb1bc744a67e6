//! Deleting a synced workspace everywhere, this device's side. A workspace the server
//! has, deleted here, leaves a row in `sync_deleted_workspaces` (in the delete's own
//! transaction, so a crash cannot lose it) until the server has been told; undoing the
//! delete before then drops the row in the restore's transaction. The other way: a
//! workspace deleted elsewhere, or one the account no longer reaches, is removed here
//! by [`WorkspaceDb::workspace_gone_from_server`], unless it holds work not synced yet.
//!
//! Not here: the sync round that sends the deletes and notices what the server no
//! longer has (the client's background sync).

use super::changes::log;
use super::rows::ACCOUNT;
use super::{Result, WorkspaceDb, Write};
use crate::model::{ChangeKind, EntityKind};

/// What [`WorkspaceDb::workspace_gone_from_server`] did with this device's copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoneFromServer {
    /// Removed from this device, with its history, drafts and change log (or it was
    /// not here).
    Removed,
    /// Kept, because it held changes not synced yet: no longer tied to the server's
    /// workspace, it is the account's own and registers anew at the next round, with
    /// everything in it.
    KeptUnsynced,
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

/// Every entity of workspace `?1` with its revision, as `(entity, id, revision)`.
fn entities_sql() -> String {
    let kind = |entity: EntityKind| entity.as_str();
    format!(
        "SELECT '{}', id, revision FROM workspaces WHERE id = ?1 \
         UNION ALL SELECT '{}', workspace_id, revision FROM globals WHERE workspace_id = ?1 \
         UNION ALL SELECT '{}', id, revision FROM environments WHERE workspace_id = ?1 \
         UNION ALL SELECT '{}', id, revision FROM collections WHERE workspace_id = ?1 \
         UNION ALL SELECT '{}', f.id, f.revision FROM folders f \
             JOIN collections c ON c.id = f.collection_id WHERE c.workspace_id = ?1 \
         UNION ALL SELECT '{}', r.id, r.revision FROM requests r \
             JOIN collections c ON c.id = r.collection_id WHERE c.workspace_id = ?1",
        kind(EntityKind::Workspace),
        kind(EntityKind::Globals),
        kind(EntityKind::Environment),
        kind(EntityKind::Collection),
        kind(EntityKind::Folder),
        kind(EntityKind::Request),
    )
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
    /// elsewhere, or the account left its team). This device's copy goes, unless it
    /// holds changes not synced yet: then it is kept as the account's own workspace,
    /// every entity in it pending, so the next round registers it anew and nothing
    /// typed is lost. Either way it is not a change of the work (nothing is logged for
    /// the removal), so a workspace the account reaches again later comes back.
    pub async fn workspace_gone_from_server(&self, workspace_id: &str) -> Result<GoneFromServer> {
        let pending = self.sync_summary(workspace_id).await?.pending;
        let mut w = self.write().await?;
        if pending == 0 {
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
            return Ok(GoneFromServer::Removed);
        }
        for table in ["sync_bases", "sync_outbox", "sync_conflicts"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE workspace_id = ?"))
                .bind(workspace_id)
                .execute(w.conn())
                .await?;
        }
        // A fresh start: not registered, nothing pulled, the account's own.
        sqlx::query(
            "UPDATE sync_workspaces SET team_id = NULL, registered = 0, pulled_seq = 0, \
             synced_at = NULL WHERE workspace_id = ?",
        )
        .bind(workspace_id)
        .execute(w.conn())
        .await?;
        // What arrived from the server has no change-log row; logged now, every entity
        // is pending, and the new registration receives the whole workspace.
        let entities: Vec<(String, String, i64)> = sqlx::query_as(&entities_sql())
            .bind(workspace_id)
            .fetch_all(w.conn())
            .await?;
        for (entity, id, revision) in entities {
            let Some(entity) = EntityKind::parse(&entity) else {
                continue;
            };
            log(
                &mut w,
                workspace_id,
                entity,
                &id,
                ChangeKind::Create,
                revision,
            )
            .await?;
        }
        w.commit().await?;
        Ok(GoneFromServer::KeptUnsynced)
    }
}

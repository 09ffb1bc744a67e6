//! Commands of the sync area: the header's indicator, **Sync now**, the conflicts
//! panel and the synced secrets' recovery key, each one call of the state or of the
//! device's database.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::work_sync::SyncStatus;
use courier_client::workspace::db::{Keep, SyncConflict};
use courier_client::workspace::model::EntityKind;

pub async fn sync_status(state: &DesktopState, account_id: String) -> Result<SyncStatus> {
    Ok(state.sync_status(&account_id))
}

pub async fn sync_now(state: &DesktopState, account_id: String) -> Result<()> {
    state.sync_now(&account_id);
    Ok(())
}

pub async fn sync_conflicts(
    state: &DesktopState,
    workspace_id: String,
) -> Result<Vec<SyncConflict>> {
    Ok(state
        .work()
        .await?
        .db()
        .sync_conflicts(&workspace_id)
        .await?)
}

pub async fn resolve_conflict(
    state: &DesktopState,
    workspace_id: String,
    entity: EntityKind,
    entity_id: String,
    keep: Keep,
) -> Result<Vec<SyncConflict>> {
    let db = state.work().await?.db().clone();
    db.resolve_conflict(&workspace_id, entity, &entity_id, keep)
        .await?;
    Ok(db.sync_conflicts(&workspace_id).await?)
}

pub async fn keep_all_mine(
    state: &DesktopState,
    workspace_id: String,
) -> Result<Vec<SyncConflict>> {
    let db = state.work().await?.db().clone();
    db.keep_all_mine(&workspace_id).await?;
    Ok(db.sync_conflicts(&workspace_id).await?)
}

pub async fn unlock_secrets(
    state: &DesktopState,
    account_id: String,
    recovery_key: String,
) -> Result<()> {
    state.unlock_secrets(&account_id, &recovery_key).await
}

pub async fn recovery_key(state: &DesktopState, account_id: String) -> Result<Option<String>> {
    state.recovery_key(&account_id).await
}

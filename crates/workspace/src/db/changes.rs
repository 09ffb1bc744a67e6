//! The change log: one row per change to a synced entity, appended inside the same
//! transaction as the change itself, with the entity's new revision. Sync reads it in
//! `seq` order. History, drafts and removing an account's copy from this device are
//! local matters and never appear here.

use sqlx::FromRow;

use super::{Error, Result, WorkspaceDb, Write};
use crate::model::{Change, ChangeKind, EntityKind};

/// The table of each entity kind and its id column.
pub(super) fn table_of(entity: EntityKind) -> (&'static str, &'static str) {
    match entity {
        EntityKind::Workspace => ("workspaces", "id"),
        EntityKind::Collection => ("collections", "id"),
        EntityKind::Folder => ("folders", "id"),
        EntityKind::Request => ("requests", "id"),
        EntityKind::Environment => ("environments", "id"),
        EntityKind::Globals => ("globals", "workspace_id"),
    }
}

fn change_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Create => "create",
        ChangeKind::Update => "update",
        ChangeKind::Delete => "delete",
    }
}

/// Appends one change to the log.
pub(super) async fn log(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    entity_id: &str,
    kind: ChangeKind,
    revision: i64,
) -> Result<()> {
    let now = w.now;
    w.logged = true;
    sqlx::query(
        "INSERT INTO changes (workspace_id, entity, entity_id, kind, revision, at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(entity_id)
    .bind(change_name(kind))
    .bind(revision)
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Records a new entity (revision 1).
pub(super) async fn created(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    entity_id: &str,
) -> Result<()> {
    log(w, workspace_id, entity, entity_id, ChangeKind::Create, 1).await
}

/// Records that an entity changed: one more revision, changed now, and the log row.
/// Returns the new revision.
pub(super) async fn bump(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    entity_id: &str,
) -> Result<i64> {
    let (table, id_column) = table_of(entity);
    let now = w.now;
    let revision: i64 = sqlx::query_scalar(&format!(
        "UPDATE {table} SET revision = revision + 1, updated_at = ? WHERE {id_column} = ? \
         RETURNING revision"
    ))
    .bind(now)
    .bind(entity_id)
    .fetch_optional(w.conn())
    .await?
    .ok_or_else(|| Error::not_found(entity, entity_id))?;
    log(
        w,
        workspace_id,
        entity,
        entity_id,
        ChangeKind::Update,
        revision,
    )
    .await?;
    Ok(revision)
}

/// Refuses an update made from a copy older than what is stored.
pub(super) async fn expect_revision(
    w: &mut Write,
    entity: EntityKind,
    entity_id: &str,
    expected: i64,
) -> Result<()> {
    let (table, id_column) = table_of(entity);
    let stored: i64 = sqlx::query_scalar(&format!(
        "SELECT revision FROM {table} WHERE {id_column} = ?"
    ))
    .bind(entity_id)
    .fetch_optional(w.conn())
    .await?
    .ok_or_else(|| Error::not_found(entity, entity_id))?;
    if stored != expected {
        return Err(Error::conflict(format!(
            "this {} was changed since it was opened (revision {stored}, not {expected}); \
             reopen it and try again",
            entity.as_str()
        )));
    }
    Ok(())
}

#[derive(FromRow)]
struct ChangeRow {
    seq: i64,
    workspace_id: String,
    entity: String,
    entity_id: String,
    kind: String,
    revision: i64,
    at: i64,
}

impl ChangeRow {
    fn into_model(self) -> Result<Change> {
        let entity = EntityKind::parse(&self.entity)
            .ok_or_else(|| Error::corrupt("change entity", &self.entity))?;
        let kind = [ChangeKind::Create, ChangeKind::Update, ChangeKind::Delete]
            .into_iter()
            .find(|kind| change_name(*kind) == self.kind)
            .ok_or_else(|| Error::corrupt("change kind", &self.kind))?;
        Ok(Change {
            seq: self.seq,
            workspace_id: self.workspace_id,
            entity,
            entity_id: self.entity_id,
            kind,
            revision: self.revision,
            at: self.at,
        })
    }
}

impl WorkspaceDb {
    /// Changes made after `after_seq` (0: from the start), oldest first, at most `limit`.
    pub async fn changes_since(&self, after_seq: i64, limit: u32) -> Result<Vec<Change>> {
        let rows: Vec<ChangeRow> = sqlx::query_as(
            "SELECT seq, workspace_id, entity, entity_id, kind, revision, at FROM changes \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after_seq)
        .bind(limit)
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter().map(ChangeRow::into_model).collect()
    }
}

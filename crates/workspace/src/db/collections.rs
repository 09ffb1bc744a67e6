//! Collections: the tops of a workspace's trees, in the workspace's order, with the
//! auth and variables their requests inherit (variables sealed like an environment's).

use super::changes::{bump, created, expect_revision};
use super::order::collection_position;
use super::rows::{
    CollectionRow, fetch, insert_collection, new_meta, select, to_json, variables_slot,
};
use super::workspaces::{store_variables, workspace_row};
use super::{Result, WorkspaceDb, clean_name, new_id};
use crate::model::{Auth, Collection, EntityKind, Scripts};

impl WorkspaceDb {
    /// A workspace's collections, in order.
    pub async fn collections(&self, workspace_id: &str) -> Result<Vec<Collection>> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let filter = "workspace_id = ? ORDER BY position, id";
        let rows: Vec<CollectionRow> = select(&mut conn, filter, workspace_id).await?;
        rows.into_iter()
            .map(|row| row.into_model(self.vault()))
            .collect()
    }

    pub async fn collection(&self, id: &str) -> Result<Collection> {
        let row: CollectionRow = fetch(&mut *self.read().await?, id).await?;
        row.into_model(self.vault())
    }

    /// A new, empty collection, last in the workspace.
    pub async fn create_collection(&self, workspace_id: &str, name: &str) -> Result<Collection> {
        let name = clean_name(name)?;
        let mut w = self.write().await?;
        workspace_row(w.conn(), workspace_id).await?;
        let position = collection_position(&mut w, workspace_id, None, None).await?;
        let row = CollectionRow {
            meta: new_meta(new_id(), w.now),
            workspace_id: workspace_id.to_owned(),
            name,
            description: None,
            auth: to_json(&Auth::None)?,
            variables: "[]".to_owned(),
            scripts: to_json(&Scripts::default())?,
            position,
        };
        insert_collection(w.conn(), &row).await?;
        let id = &row.meta.id;
        created(&mut w, workspace_id, EntityKind::Collection, id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }

    pub async fn rename_collection(&self, id: &str, name: &str) -> Result<Collection> {
        let mut w = self.renamed(EntityKind::Collection, id, name).await?;
        let row: CollectionRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }

    /// Saves a collection's name, description, auth, variables and scripts.
    /// `collection.meta.revision` must be the stored one ([`super::Error::Conflict`]
    /// otherwise). Its workspace and position are not changed here.
    pub async fn update_collection(&self, collection: &Collection) -> Result<Collection> {
        let name = clean_name(&collection.name)?;
        let id = collection.meta.id.as_str();
        let mut w = self.write().await?;
        expect_revision(&mut w, EntityKind::Collection, id, collection.meta.revision).await?;
        let stored: CollectionRow = fetch(w.conn(), id).await?;
        let workspace_id = stored.workspace_id.as_str();
        let seal_all = self.seals_all(w.conn(), workspace_id).await?;
        let slot = variables_slot(workspace_id, id);
        let variables = self.vault().seal(
            slot,
            &collection.variables,
            seal_all,
            Some(&stored.variables),
        )?;
        sqlx::query(
            "UPDATE collections SET name = ?, description = ?, auth = ?, scripts = ? WHERE id = ?",
        )
        .bind(&name)
        .bind(&collection.description)
        .bind(to_json(&collection.auth)?)
        .bind(to_json(&collection.scripts)?)
        .bind(id)
        .execute(w.conn())
        .await?;
        store_variables(&mut w, EntityKind::Collection, slot, variables).await?;
        bump(&mut w, workspace_id, EntityKind::Collection, id).await?;
        let row: CollectionRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }

    /// Moves a collection to `index` among the workspace's collections (counting the
    /// others; past the end: last).
    pub async fn move_collection(&self, id: &str, index: u32) -> Result<Collection> {
        let mut w = self.write().await?;
        let stored: CollectionRow = fetch(w.conn(), id).await?;
        let workspace_id = stored.workspace_id.as_str();
        let position = collection_position(&mut w, workspace_id, Some(index), Some(id)).await?;
        if position != stored.position {
            sqlx::query("UPDATE collections SET position = ? WHERE id = ?")
                .bind(position)
                .bind(id)
                .execute(w.conn())
                .await?;
            bump(&mut w, workspace_id, EntityKind::Collection, id).await?;
        }
        let row: CollectionRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }
}

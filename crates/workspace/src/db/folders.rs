//! Folders: nested inside a collection, ordered together with the requests beside
//! them. Moving a folder moves its whole subtree (the schema carries the collection
//! down to every descendant); a folder cannot move into itself or its own subfolders.

use sqlx::SqliteConnection;

use super::changes::{bump, created, expect_revision};
use super::order::{Place, child_position, put_at};
use super::rows::{
    FOLDER_COLUMNS, FolderRow, REQUEST_COLUMNS, RequestRow, fetch, insert_folder, new_meta,
    to_json, workspace_of,
};
use super::{Error, Result, WorkspaceDb, Write, clean_name, new_id};
use crate::model::{Auth, EntityKind, Folder, Scripts};

/// The folders under `folder_id` (it included) as a recursive query's `sub(id)`.
const SUBTREE: &str = "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL \
     SELECT f.id FROM folders f JOIN sub ON f.parent_id = sub.id WHERE f.collection_id = ?2)";

/// A folder with everything inside it: its folders (itself first) and requests.
pub(super) async fn subtree(
    conn: &mut SqliteConnection,
    collection_id: &str,
    folder_id: &str,
) -> Result<(Vec<FolderRow>, Vec<RequestRow>)> {
    let folders = sqlx::query_as(&format!(
        "{SUBTREE} SELECT {FOLDER_COLUMNS} FROM folders WHERE id IN sub \
         ORDER BY id != ?1, position"
    ))
    .bind(folder_id)
    .bind(collection_id)
    .fetch_all(&mut *conn)
    .await?;
    let requests = sqlx::query_as(&format!(
        "{SUBTREE} SELECT {REQUEST_COLUMNS} FROM requests \
         WHERE collection_id = ?2 AND folder_id IN sub"
    ))
    .bind(folder_id)
    .bind(collection_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok((folders, requests))
}

/// Checks that `place` names an existing collection (and folder in it) and returns
/// the collection's workspace.
pub(super) async fn check_place(w: &mut Write, place: &Place) -> Result<String> {
    let workspace_id = workspace_of(w.conn(), EntityKind::Collection, &place.collection_id).await?;
    if let Some(folder_id) = &place.folder_id {
        let folder: FolderRow = fetch(w.conn(), folder_id).await?;
        if folder.collection_id != place.collection_id {
            return Err(Error::invalid("that folder is in another collection"));
        }
    }
    Ok(workspace_id)
}

/// Refuses moving between workspaces (their ids, change logs and sealed values
/// differ); that is a copy and a delete, not a move.
pub(super) fn same_workspace(from: &str, to: &str) -> Result<()> {
    if from == to {
        Ok(())
    } else {
        Err(Error::invalid(
            "moving between workspaces is not possible; copy it there instead",
        ))
    }
}

impl WorkspaceDb {
    /// Begins adding a folder or request at `place`: the transaction, the workspace
    /// and the new item's position.
    pub(super) async fn adding_at(&self, place: &Place) -> Result<(Write, String, i64)> {
        let mut w = self.write().await?;
        let workspace_id = check_place(&mut w, place).await?;
        let position = child_position(&mut w, &workspace_id, place, None).await?;
        Ok((w, workspace_id, position))
    }

    pub async fn folder(&self, id: &str) -> Result<Folder> {
        let row: FolderRow = fetch(&mut *self.read().await?, id).await?;
        row.into_model()
    }

    /// A new, empty folder at `place`.
    pub async fn create_folder(&self, place: &Place, name: &str) -> Result<Folder> {
        let name = clean_name(name)?;
        let (mut w, workspace_id, position) = self.adding_at(place).await?;
        let row = FolderRow {
            meta: new_meta(new_id(), w.now),
            collection_id: place.collection_id.clone(),
            parent_id: place.folder_id.clone(),
            name,
            description: None,
            auth: to_json(&Auth::Inherit)?,
            scripts: to_json(&Scripts::default())?,
            position,
        };
        insert_folder(w.conn(), &row).await?;
        created(&mut w, &workspace_id, EntityKind::Folder, &row.meta.id).await?;
        w.commit().await?;
        row.into_model()
    }

    pub async fn rename_folder(&self, id: &str, name: &str) -> Result<Folder> {
        let mut w = self.renamed(EntityKind::Folder, id, name).await?;
        let row: FolderRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model()
    }

    /// Saves a folder's name, description, auth and scripts. `folder.meta.revision`
    /// must be the stored one ([`Error::Conflict`] otherwise). Where it is does not
    /// change here: see [`move_folder`](Self::move_folder).
    pub async fn update_folder(&self, folder: &Folder) -> Result<Folder> {
        let name = clean_name(&folder.name)?;
        let id = folder.meta.id.as_str();
        let mut w = self.write().await?;
        expect_revision(&mut w, EntityKind::Folder, id, folder.meta.revision).await?;
        let workspace_id = workspace_of(w.conn(), EntityKind::Folder, id).await?;
        sqlx::query(
            "UPDATE folders SET name = ?, description = ?, auth = ?, scripts = ? WHERE id = ?",
        )
        .bind(&name)
        .bind(&folder.description)
        .bind(to_json(&folder.auth)?)
        .bind(to_json(&folder.scripts)?)
        .bind(id)
        .execute(w.conn())
        .await?;
        bump(&mut w, &workspace_id, EntityKind::Folder, id).await?;
        let row: FolderRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model()
    }

    /// Moves a folder, and everything in it, to `place` (another folder or collection
    /// of the same workspace, or another position among its siblings).
    pub async fn move_folder(&self, id: &str, place: &Place) -> Result<Folder> {
        let mut w = self.write().await?;
        let stored: FolderRow = fetch(w.conn(), id).await?;
        let workspace_id = workspace_of(w.conn(), EntityKind::Folder, id).await?;
        same_workspace(&workspace_id, &check_place(&mut w, place).await?)?;
        if let Some(target) = &place.folder_id {
            let inside: Option<i64> =
                sqlx::query_scalar(&format!("{SUBTREE} SELECT 1 FROM sub WHERE id = ?3"))
                    .bind(id)
                    .bind(&stored.collection_id)
                    .bind(target)
                    .fetch_optional(w.conn())
                    .await?;
            if inside.is_some() {
                return Err(Error::invalid(
                    "a folder cannot be moved into itself or one of its own folders",
                ));
            }
        }
        let (folders, requests) = subtree(w.conn(), &stored.collection_id, id).await?;
        put_at(&mut w, &workspace_id, EntityKind::Folder, id, place).await?;
        if place.collection_id != stored.collection_id {
            // The schema moved the descendants to the new collection: each changed.
            for folder in folders.iter().filter(|folder| folder.meta.id != id) {
                bump(&mut w, &workspace_id, EntityKind::Folder, &folder.meta.id).await?;
            }
            for request in &requests {
                bump(&mut w, &workspace_id, EntityKind::Request, &request.meta.id).await?;
            }
        }
        let row: FolderRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model()
    }
}

//! Deleting, and undoing it. A deletion removes the entity and its subtree at once
//! (foreign keys cascade) and returns a [`Deleted`]: the removed rows exactly as they
//! were stored (secret values still sealed), which [`WorkspaceDb::restore`] puts back
//! with the same ids. Nothing stays behind in the database, so there is no trash to
//! empty or to leak; the caller keeps the undo (in memory, for the undo toast).
//!
//! Both directions are changes: every entity removed gets a `delete` in the change
//! log, every entity restored a `create`, with revisions that keep growing. A whole
//! workspace the server has is also noted for deletion there (`sync_deletes`), and
//! the note dropped again when the delete is undone.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::changes::{bump, log};
use super::folders::subtree;
use super::rows::{
    CollectionRow, EnvironmentRow, FolderRow, GlobalsRow, RequestRow, SCRATCH_PAD, WorkspaceRow,
    fetch, insert_collection, insert_environment, insert_folder, insert_globals, insert_request,
    insert_workspace, select, workspace_of,
};
use super::sync_deletes::{drop_workspace_delete, note_workspace_delete};
use super::workspaces::{IN_WORKSPACE, workspace_row};
use super::{Error, Result, WorkspaceDb, Write};
use crate::model::{ChangeKind, EntityKind, Meta};

/// What a deletion removed: enough to undo it with [`WorkspaceDb::restore`]. It holds
/// stored rows (secret values sealed, never in plaintext) and is serializable, so the
/// app can keep it wherever its undo lives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Deleted {
    /// What was deleted: the root of everything that went.
    pub entity: EntityKind,
    pub id: String,
    pub name: String,
    pub workspace_id: String,
    /// How many requests went with it.
    pub requests: usize,
    rows: Rows,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Rows {
    workspace: Option<WorkspaceRow>,
    globals: Option<GlobalsRow>,
    environments: Vec<EnvironmentRow>,
    collections: Vec<CollectionRow>,
    folders: Vec<FolderRow>,
    requests: Vec<RequestRow>,
    /// The deleted environment was the workspace's active one.
    was_active: bool,
}

impl Rows {
    /// Every entity held, with its stored meta.
    fn entities(&self) -> impl Iterator<Item = (EntityKind, &Meta)> {
        let workspace = self
            .workspace
            .iter()
            .map(|r| (EntityKind::Workspace, &r.meta));
        let globals = self.globals.iter().map(|r| (EntityKind::Globals, &r.meta));
        let environments = self
            .environments
            .iter()
            .map(|r| (EntityKind::Environment, &r.meta));
        let collections = self
            .collections
            .iter()
            .map(|r| (EntityKind::Collection, &r.meta));
        let folders = self.folders.iter().map(|r| (EntityKind::Folder, &r.meta));
        let requests = self.requests.iter().map(|r| (EntityKind::Request, &r.meta));
        workspace
            .chain(globals)
            .chain(environments)
            .chain(collections)
            .chain(folders)
            .chain(requests)
    }

    /// Every meta, for stamping a restore.
    fn metas_mut(&mut self) -> impl Iterator<Item = &mut Meta> {
        let workspace = self.workspace.iter_mut().map(|r| &mut r.meta);
        let globals = self.globals.iter_mut().map(|r| &mut r.meta);
        let environments = self.environments.iter_mut().map(|r| &mut r.meta);
        let collections = self.collections.iter_mut().map(|r| &mut r.meta);
        let folders = self.folders.iter_mut().map(|r| &mut r.meta);
        let requests = self.requests.iter_mut().map(|r| &mut r.meta);
        workspace
            .chain(globals)
            .chain(environments)
            .chain(collections)
            .chain(folders)
            .chain(requests)
    }
}

/// Selects the folders or requests of one workspace.
const IN_WORKSPACES_COLLECTIONS: &str =
    "collection_id IN (SELECT id FROM collections WHERE workspace_id = ?)";
const IN_COLLECTION: &str = "collection_id = ?";

/// The rows an entity's deletion removes, and its name.
async fn snapshot(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: &str,
) -> Result<(String, Rows)> {
    let mut rows = Rows::default();
    let name = match entity {
        EntityKind::Workspace => {
            let workspace = workspace_row(conn, id).await?;
            if workspace.owner_kind == SCRATCH_PAD {
                return Err(Error::invalid("the Scratch Pad cannot be deleted"));
            }
            rows.globals = Some(fetch(conn, id).await?);
            rows.environments = select(conn, IN_WORKSPACE, id).await?;
            rows.collections = select(conn, IN_WORKSPACE, id).await?;
            let filter = IN_WORKSPACES_COLLECTIONS;
            rows.folders = select(conn, filter, id).await?;
            rows.requests = select(conn, filter, id).await?;
            let name = workspace.name.clone();
            rows.workspace = Some(workspace);
            name
        }
        EntityKind::Collection => {
            let collection: CollectionRow = fetch(conn, id).await?;
            rows.folders = select(conn, IN_COLLECTION, id).await?;
            rows.requests = select(conn, IN_COLLECTION, id).await?;
            let name = collection.name.clone();
            rows.collections.push(collection);
            name
        }
        EntityKind::Folder => {
            let folder: FolderRow = fetch(conn, id).await?;
            let name = folder.name.clone();
            (rows.folders, rows.requests) = subtree(conn, &folder.collection_id, id).await?;
            name
        }
        EntityKind::Request => {
            let request: RequestRow = fetch(conn, id).await?;
            let name = request.name.clone();
            rows.requests.push(request);
            name
        }
        EntityKind::Environment => {
            let environment: EnvironmentRow = fetch(conn, id).await?;
            let workspace = workspace_row(conn, &environment.workspace_id).await?;
            rows.was_active = workspace.active_environment.as_deref() == Some(id);
            let name = environment.name.clone();
            rows.environments.push(environment);
            name
        }
        EntityKind::Globals => {
            return Err(Error::invalid(
                "a workspace's globals are emptied, not deleted",
            ));
        }
    };
    Ok((name, rows))
}

impl WorkspaceDb {
    /// Deletes an account's workspace and everything in it (its history and drafts
    /// too, which [`restore`](Self::restore) does not bring back). The Scratch Pad
    /// cannot be deleted.
    pub async fn delete_workspace(&self, id: &str) -> Result<Deleted> {
        self.delete(EntityKind::Workspace, id).await
    }

    /// Deletes a collection with its folders and requests.
    pub async fn delete_collection(&self, id: &str) -> Result<Deleted> {
        self.delete(EntityKind::Collection, id).await
    }

    /// Deletes a folder with everything inside it.
    pub async fn delete_folder(&self, id: &str) -> Result<Deleted> {
        self.delete(EntityKind::Folder, id).await
    }

    /// Deletes a request (its draft too).
    pub async fn delete_request(&self, id: &str) -> Result<Deleted> {
        self.delete(EntityKind::Request, id).await
    }

    /// Deletes an environment; if it was active, no environment is.
    pub async fn delete_environment(&self, id: &str) -> Result<Deleted> {
        self.delete(EntityKind::Environment, id).await
    }

    async fn delete(&self, entity: EntityKind, id: &str) -> Result<Deleted> {
        let mut w = self.write().await?;
        let workspace_id = workspace_of(w.conn(), entity, id).await?;
        let (name, rows) = snapshot(w.conn(), entity, id).await?;
        for (kind, meta) in rows.entities() {
            log(
                &mut w,
                &workspace_id,
                kind,
                &meta.id,
                ChangeKind::Delete,
                meta.revision + 1,
            )
            .await?;
        }
        if rows.was_active {
            set_active(&mut w, &workspace_id, None).await?;
        }
        if entity == EntityKind::Workspace {
            note_workspace_delete(&mut w, id).await?;
        }
        let (table, id_column) = super::changes::table_of(entity);
        sqlx::query(&format!("DELETE FROM {table} WHERE {id_column} = ?"))
            .bind(id)
            .execute(w.conn())
            .await?;
        w.commit().await?;
        Ok(Deleted {
            entity,
            id: id.to_owned(),
            name,
            workspace_id,
            requests: rows.requests.len(),
            rows,
        })
    }

    /// Puts back what a deletion removed, with the same ids. Refused with
    /// [`Error::Conflict`] when it is already back, or when what it was in has been
    /// deleted since (restore that first).
    pub async fn restore(&self, deleted: &Deleted) -> Result<()> {
        let mut rows = deleted.rows.clone();
        let mut w = self.write().await?;
        // Rows go in in any order; the keys are checked when the transaction commits.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(w.conn())
            .await?;
        let (table, id_column) = super::changes::table_of(deleted.entity);
        let back: Option<i64> =
            sqlx::query_scalar(&format!("SELECT 1 FROM {table} WHERE {id_column} = ?"))
                .bind(&deleted.id)
                .fetch_optional(w.conn())
                .await?;
        if back.is_some() {
            return Err(Error::conflict(format!(
                "“{}” is already back",
                deleted.name
            )));
        }
        if deleted.entity == EntityKind::Workspace {
            drop_workspace_delete(&mut w, &deleted.id).await?;
        } else {
            check_parents(&mut w, deleted).await?;
        }
        // The deletion was revision + 1; coming back is one more.
        let now = w.now;
        for meta in rows.metas_mut() {
            meta.revision += 2;
            meta.updated_at = now;
        }
        insert_all(w.conn(), &rows)
            .await
            .map_err(|error| match error {
                Error::Conflict(_) => Error::conflict(format!(
                    "“{}” cannot be put back: part of it exists again",
                    deleted.name
                )),
                other => other,
            })?;
        for (kind, meta) in rows.entities() {
            let workspace_id = &deleted.workspace_id;
            log(
                &mut w,
                workspace_id,
                kind,
                &meta.id,
                ChangeKind::Create,
                meta.revision,
            )
            .await?;
        }
        if rows.was_active {
            set_active(&mut w, &deleted.workspace_id, Some(&deleted.id)).await?;
        }
        w.commit().await
    }
}

/// What a restored entity goes back into must still be there.
async fn check_parents(w: &mut Write, deleted: &Deleted) -> Result<()> {
    let gone = || {
        Error::conflict(format!(
            "what “{}” was in has been deleted; restore that first",
            deleted.name
        ))
    };
    workspace_row(w.conn(), &deleted.workspace_id)
        .await
        .map_err(|_| gone())?;
    let rows = &deleted.rows;
    let parent = match deleted.entity {
        EntityKind::Folder => rows
            .folders
            .iter()
            .find(|f| f.meta.id == deleted.id)
            .map(|f| (&f.collection_id, &f.parent_id)),
        EntityKind::Request => rows
            .requests
            .first()
            .map(|r| (&r.collection_id, &r.folder_id)),
        _ => None,
    };
    if let Some((collection_id, folder_id)) = parent {
        let collection = workspace_of(w.conn(), EntityKind::Collection, collection_id)
            .await
            .map_err(|_| gone())?;
        if collection != deleted.workspace_id {
            return Err(gone());
        }
        if let Some(folder_id) = folder_id {
            let _: FolderRow = fetch(w.conn(), folder_id).await.map_err(|_| gone())?;
        }
    }
    Ok(())
}

async fn insert_all(conn: &mut SqliteConnection, rows: &Rows) -> Result<()> {
    if let Some(workspace) = &rows.workspace {
        insert_workspace(conn, workspace).await?;
    }
    if let Some(globals) = &rows.globals {
        insert_globals(conn, globals).await?;
    }
    for environment in &rows.environments {
        insert_environment(conn, environment).await?;
    }
    for collection in &rows.collections {
        insert_collection(conn, collection).await?;
    }
    for folder in &rows.folders {
        insert_folder(conn, folder).await?;
    }
    for request in &rows.requests {
        insert_request(conn, request).await?;
    }
    Ok(())
}

async fn set_active(w: &mut Write, workspace_id: &str, environment_id: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE workspaces SET active_environment = ? WHERE id = ?")
        .bind(environment_id)
        .bind(workspace_id)
        .execute(w.conn())
        .await?;
    bump(w, workspace_id, EntityKind::Workspace, workspace_id).await?;
    Ok(())
}

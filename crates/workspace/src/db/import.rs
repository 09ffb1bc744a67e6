//! Adding a whole collection at once (an imported Postman or Courier file, Scratch
//! Pad work copied elsewhere): every folder and request in one transaction, so an
//! import is all there or not there at all, and thousands of requests cost one
//! commit instead of one each. Each entity still gets its `create` in the change log.

use std::collections::HashSet;

use super::changes::created;
use super::order::{STEP, collection_position};
use super::requests::spec_json;
use super::rows::{
    CollectionRow, FolderRow, RequestRow, insert_collection, insert_folder, insert_request,
    new_meta, to_json, variables_slot,
};
use super::workspaces::{store_variables, workspace_row};
use super::{Error, Result, WorkspaceDb, clean_name};
use crate::model::{Collection, CollectionTree, EntityKind, Folder};

impl WorkspaceDb {
    /// Stores `tree` (fresh ids, as the importers make them) as a new collection,
    /// last in workspace `workspace_id`. Positions keep the tree's order among
    /// siblings. Refused whole, with nothing stored, when a folder's parent or a
    /// request's folder is not in the tree, or an id is already taken.
    pub async fn add_collection_tree(
        &self,
        workspace_id: &str,
        tree: &CollectionTree,
    ) -> Result<Collection> {
        let folders = parents_first(&tree.folders)?;
        let known: HashSet<&str> = folders
            .iter()
            .map(|folder| folder.meta.id.as_str())
            .collect();
        if let Some(request) = tree.requests.iter().find(|request| {
            request
                .folder_id
                .as_deref()
                .is_some_and(|id| !known.contains(id))
        }) {
            return Err(Error::invalid(format!(
                "request “{}” is in a folder the collection does not have",
                request.name
            )));
        }
        let mut w = self.write().await?;
        let seal_all = workspace_row(w.conn(), workspace_id).await?.encrypt_values;
        let collection_id = tree.collection.meta.id.as_str();
        let row = CollectionRow {
            meta: new_meta(collection_id.to_owned(), w.now),
            workspace_id: workspace_id.to_owned(),
            name: clean_name(&tree.collection.name)?,
            description: tree.collection.description.clone(),
            auth: to_json(&tree.collection.auth)?,
            variables: "[]".to_owned(),
            scripts: to_json(&tree.collection.scripts)?,
            position: collection_position(&mut w, workspace_id, None, None).await?,
        };
        insert_collection(w.conn(), &row).await?;
        let slot = variables_slot(workspace_id, collection_id);
        let sealed = self
            .vault()
            .seal(slot, &tree.collection.variables, seal_all, None)?;
        store_variables(&mut w, EntityKind::Collection, slot, sealed).await?;
        created(&mut w, workspace_id, EntityKind::Collection, collection_id).await?;
        for folder in folders {
            let row = FolderRow {
                meta: new_meta(folder.meta.id.clone(), w.now),
                collection_id: collection_id.to_owned(),
                parent_id: folder.parent_id.clone(),
                name: clean_name(&folder.name)?,
                description: folder.description.clone(),
                auth: to_json(&folder.auth)?,
                scripts: to_json(&folder.scripts)?,
                position: spaced(folder.position),
            };
            insert_folder(w.conn(), &row).await?;
            created(&mut w, workspace_id, EntityKind::Folder, &folder.meta.id).await?;
        }
        for request in &tree.requests {
            let row = RequestRow {
                meta: new_meta(request.meta.id.clone(), w.now),
                collection_id: collection_id.to_owned(),
                folder_id: request.folder_id.clone(),
                name: clean_name(&request.name)?,
                description: request.description.clone(),
                spec: spec_json(&request.spec)?,
                scripts: to_json(&request.scripts)?,
                position: spaced(request.position),
            };
            insert_request(w.conn(), &row).await?;
            created(&mut w, workspace_id, EntityKind::Request, &request.meta.id).await?;
        }
        w.commit().await?;
        self.collection(collection_id).await
    }
}

/// A position from a file (0, 1, 2 …) with the database's room between neighbours.
fn spaced(position: i64) -> i64 {
    position.saturating_add(1).saturating_mul(STEP)
}

/// `folders` ordered so each comes after its parent; a parent missing from the tree
/// or a loop is refused.
fn parents_first(folders: &[Folder]) -> Result<Vec<&Folder>> {
    let mut placed: HashSet<&str> = HashSet::new();
    let mut ordered = Vec::with_capacity(folders.len());
    let mut waiting: Vec<&Folder> = folders.iter().collect();
    while !waiting.is_empty() {
        let before = waiting.len();
        waiting.retain(|folder| match folder.parent_id.as_deref() {
            Some(parent) if !placed.contains(parent) => true,
            _ => {
                placed.insert(folder.meta.id.as_str());
                ordered.push(*folder);
                false
            }
        });
        if waiting.len() == before {
            return Err(Error::invalid(format!(
                "folder “{}” is in a folder the collection does not have",
                waiting[0].name
            )));
        }
    }
    Ok(ordered)
}

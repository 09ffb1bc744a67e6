//! Duplicating a folder or a collection with everything in it: fresh ids, the copy
//! named "… copy"; a folder's copy right after it (in one transaction, parents before
//! their children), a collection's last in its workspace (through the same path as an
//! import, so its sealed variable values are sealed again for the copy's own id).
//! Duplicating a request is `requests.rs`' business. Moving a collection to another
//! workspace (the Scratch Pad's work into a synced one) is a copy there and a delete
//! here.

use std::collections::HashMap;

use super::changes::created;
use super::folders::subtree;
use super::order::{child_position, place_after};
use super::rows::{FolderRow, fetch, insert_folder, insert_request, new_meta, workspace_of};
use super::{Result, WorkspaceDb, clean_name, new_id};
use crate::courier_format;
use crate::import::ExportOptions;
use crate::model::{Collection, CollectionTree, EntityKind, Folder};

/// `name` with " copy" after it, or `name` itself when that would be too long.
fn copy_name(name: &str) -> String {
    clean_name(&format!("{name} copy")).unwrap_or_else(|_| name.to_owned())
}

impl WorkspaceDb {
    /// A copy of folder `id` with its folders and requests, right after it.
    pub async fn duplicate_folder(&self, id: &str) -> Result<Folder> {
        let mut w = self.write().await?;
        let original: FolderRow = fetch(w.conn(), id).await?;
        let workspace_id = workspace_of(w.conn(), EntityKind::Folder, id).await?;
        let (folders, requests) = subtree(w.conn(), &original.collection_id, id).await?;
        let place = place_after(
            &mut w,
            &original.collection_id,
            original.parent_id.as_deref(),
            original.position,
            id,
        )
        .await?;
        let top_position = child_position(&mut w, &workspace_id, &place, None).await?;
        let fresh: HashMap<String, String> = folders
            .iter()
            .map(|folder| (folder.meta.id.clone(), new_id()))
            .collect();
        let renamed = |old: &Option<String>| old.as_ref().map(|old| fresh[old].clone());

        // Parents before their children: the foreign key is checked at each insert.
        let mut pending = folders;
        let mut inserted: Vec<String> = Vec::new();
        while !pending.is_empty() {
            let (ready, waiting): (Vec<FolderRow>, Vec<FolderRow>) =
                pending.into_iter().partition(|folder| {
                    folder.meta.id == id
                        || folder
                            .parent_id
                            .as_ref()
                            .is_some_and(|parent| inserted.contains(parent))
                });
            if ready.is_empty() {
                return Err(super::Error::invalid("the folder's subtree is not a tree"));
            }
            for folder in ready {
                let top = folder.meta.id == id;
                let copy = FolderRow {
                    meta: new_meta(fresh[&folder.meta.id].clone(), w.now),
                    parent_id: if top {
                        folder.parent_id.clone()
                    } else {
                        renamed(&folder.parent_id)
                    },
                    name: if top {
                        copy_name(&folder.name)
                    } else {
                        folder.name.clone()
                    },
                    position: if top { top_position } else { folder.position },
                    ..folder.clone()
                };
                insert_folder(w.conn(), &copy).await?;
                created(&mut w, &workspace_id, EntityKind::Folder, &copy.meta.id).await?;
                inserted.push(folder.meta.id);
            }
            pending = waiting;
        }
        for request in requests {
            let copy = super::rows::RequestRow {
                meta: new_meta(new_id(), w.now),
                folder_id: renamed(&request.folder_id),
                ..request
            };
            insert_request(w.conn(), &copy).await?;
            created(&mut w, &workspace_id, EntityKind::Request, &copy.meta.id).await?;
        }
        let top: FolderRow = fetch(w.conn(), &fresh[id]).await?;
        w.commit().await?;
        top.into_model()
    }

    /// A copy of collection `id` with everything in it (secret values included), last
    /// in its workspace.
    pub async fn duplicate_collection(&self, id: &str) -> Result<Collection> {
        let tree = self.collection_tree(id).await?;
        let workspace_id = tree.collection.workspace_id.clone();
        let mut copy = self.copy_for(&tree, &workspace_id)?;
        copy.collection.name = copy_name(&tree.collection.name);
        self.add_collection_tree(&workspace_id, &copy).await
    }

    /// Moves collection `id` with everything in it to the end of workspace
    /// `workspace_id` (the Scratch Pad's work into a synced workspace, or between two):
    /// a copy there (fresh ids, secret values sealed again for their new place), then
    /// the delete here. A crash between the two leaves both, never neither.
    pub async fn move_collection_to_workspace(
        &self,
        id: &str,
        workspace_id: &str,
    ) -> Result<Collection> {
        let tree = self.collection_tree(id).await?;
        if tree.collection.workspace_id == workspace_id {
            return Err(super::Error::invalid(
                "the collection is in that workspace already",
            ));
        }
        self.workspace(workspace_id).await?;
        let copy = self.copy_for(&tree, workspace_id)?;
        let moved = self.add_collection_tree(workspace_id, &copy).await?;
        self.delete_collection(id).await?;
        Ok(moved)
    }

    /// `tree` as a new collection of `workspace_id`'s, secret values included.
    fn copy_for(&self, tree: &CollectionTree, workspace_id: &str) -> Result<CollectionTree> {
        let file = courier_format::export_collection(
            tree,
            ExportOptions {
                include_secrets: true,
            },
        );
        Ok(
            courier_format::import_collection(&file, workspace_id, self.inner.clock.now_ms())
                .map_err(|error| super::Error::invalid(error.to_string()))?
                .value,
        )
    }
}

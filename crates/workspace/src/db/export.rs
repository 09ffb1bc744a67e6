//! Reading a whole collection at once (to export it, or to run it): the collection,
//! its folders and its requests as a [`CollectionTree`], with positions renumbered
//! 0, 1, 2 … among siblings, as the file formats keep them (the database's spaced
//! positions are its own business, see `order.rs`).

use std::collections::HashMap;

use super::{Result, WorkspaceDb};
use crate::model::CollectionTree;

impl WorkspaceDb {
    /// Collection `id` with everything in it, secret values included (an export
    /// leaves them out unless asked).
    pub async fn collection_tree(&self, id: &str) -> Result<CollectionTree> {
        let collection = self.collection(id).await?;
        let nodes = self.tree(&collection.workspace_id).await?;
        // Folders and requests of one parent share one order.
        let mut next: HashMap<Option<String>, i64> = HashMap::new();
        let mut index_in = |parent: &Option<String>| {
            let slot = next.entry(parent.clone()).or_default();
            *slot += 1;
            *slot - 1
        };
        let mut children: Vec<(i64, bool, &str)> = nodes
            .folders
            .iter()
            .filter(|folder| folder.collection_id == id)
            .map(|folder| (folder.position, true, folder.id.as_str()))
            .chain(
                nodes
                    .requests
                    .iter()
                    .filter(|request| request.collection_id == id)
                    .map(|request| (request.position, false, request.id.as_str())),
            )
            .collect();
        children.sort_unstable();
        let mut tree = CollectionTree {
            collection,
            folders: Vec::new(),
            requests: Vec::new(),
        };
        for (_, is_folder, child) in children {
            if is_folder {
                let mut folder = self.folder(child).await?;
                folder.position = index_in(&folder.parent_id);
                tree.folders.push(folder);
            } else {
                let mut request = self.request(child).await?;
                request.position = index_in(&request.folder_id);
                tree.requests.push(request);
            }
        }
        Ok(tree)
    }
}

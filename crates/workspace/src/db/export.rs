//! Reading a whole collection at once (to export it, or to run it): the collection,
//! its folders and its requests as a [`CollectionTree`], with positions renumbered
//! 0, 1, 2 … among siblings, as the file formats keep them (the database's spaced
//! positions are its own business, see `order.rs`).

use std::collections::HashMap;

use super::{Result, WorkspaceDb};
use crate::model::CollectionTree;

impl WorkspaceDb {
    /// Collection `id` with everything in it, secret values included (an export
    /// leaves them out unless asked). Folders and requests come depth first, in the
    /// tree's order, so the same collection always reads back as the same list.
    pub async fn collection_tree(&self, id: &str) -> Result<CollectionTree> {
        let mut collection = self.collection(id).await?;
        // A file holds one collection: its place among the workspace's is not its own.
        collection.position = 0;
        let nodes = self.tree(&collection.workspace_id).await?;
        // Children by parent (a folder's id, or the collection's for its top level),
        // folders and requests in one order.
        let mut children: HashMap<&str, Vec<(i64, &str, bool)>> = HashMap::new();
        for folder in nodes.folders.iter().filter(|f| f.collection_id == id) {
            let parent = folder.parent_id.as_deref().unwrap_or(id);
            children
                .entry(parent)
                .or_default()
                .push((folder.position, folder.id.as_str(), true));
        }
        for request in nodes.requests.iter().filter(|r| r.collection_id == id) {
            let parent = request.folder_id.as_deref().unwrap_or(id);
            children.entry(parent).or_default().push((
                request.position,
                request.id.as_str(),
                false,
            ));
        }
        for list in children.values_mut() {
            list.sort_unstable();
        }
        let mut tree = CollectionTree {
            collection,
            folders: Vec::new(),
            requests: Vec::new(),
        };
        // Depth first; `waiting` holds the parents still to walk, innermost last.
        let mut waiting: Vec<(&str, usize)> = vec![(id, 0)];
        while let Some((parent, next)) = waiting.pop() {
            let Some(&(_, child, is_folder)) = children.get(parent).and_then(|c| c.get(next))
            else {
                continue;
            };
            waiting.push((parent, next + 1));
            let position = i64::try_from(next).unwrap_or(i64::MAX);
            if is_folder {
                let mut folder = self.folder(child).await?;
                folder.position = position;
                tree.folders.push(folder);
                waiting.push((child, 0));
            } else {
                let mut request = self.request(child).await?;
                request.position = position;
                tree.requests.push(request);
            }
        }
        Ok(tree)
    }
}

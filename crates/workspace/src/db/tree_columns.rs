//! The tree as it crosses to the sidebar: a column per field instead of an object per
//! item, and parents as places in their lists instead of ids. A webview holds 10,000
//! requests as a few arrays (one id and one name each) instead of 10,000 objects with
//! three ids each, and indexes them without a map from id to item; the JSON is a third
//! of the size. Measured in BENCHMARKS.md ("Desktop app beside a bare Tauri window").

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::tree::{CollectionNode, Tree};

/// [`Tree`] by columns, each list in the same order as the tree's (in order among
/// siblings: folders and requests of one parent share one order, merged by position
/// and then id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TreeColumns {
    pub workspace_id: String,
    pub collections: Vec<CollectionNode>,
    pub folders: FolderColumns,
    pub requests: RequestColumns,
}

/// The folders, the `n`-th folder being the `n`-th entry of each column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FolderColumns {
    pub id: Vec<String>,
    pub name: Vec<String>,
    /// Its collection's place in `collections`.
    pub collection: Vec<u32>,
    /// Its parent folder's place in these columns; -1: directly in the collection.
    pub parent: Vec<i32>,
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub position: Vec<i64>,
}

/// The requests, the `n`-th request being the `n`-th entry of each column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RequestColumns {
    pub id: Vec<String>,
    pub name: Vec<String>,
    /// The methods in use, each once.
    pub methods: Vec<String>,
    /// Its method's place in `methods`.
    pub method: Vec<u32>,
    /// Its collection's place in `collections`.
    pub collection: Vec<u32>,
    /// Its folder's place in the folder columns; -1: directly in the collection.
    pub folder: Vec<i32>,
    #[cfg_attr(feature = "ts", ts(type = "Array<number>"))]
    pub position: Vec<i64>,
}

/// Places by id, for turning ids into places.
fn places<'a>(ids: impl Iterator<Item = &'a String>) -> HashMap<&'a str, usize> {
    ids.enumerate().map(|(at, id)| (id.as_str(), at)).collect()
}

/// `at` as a column entry; every list is far below `u32::MAX` (and `i32::MAX`) long.
fn entry<T: TryFrom<usize> + Default>(at: usize) -> T {
    T::try_from(at).unwrap_or_default()
}

impl From<Tree> for TreeColumns {
    fn from(tree: Tree) -> Self {
        let collection_at = places(tree.collections.iter().map(|c| &c.id));
        let folder_at = places(tree.folders.iter().map(|f| &f.id));
        let collection = |id: &str| entry::<u32>(collection_at.get(id).copied().unwrap_or(0));
        // A parent that is not in the tree (it cannot be: one snapshot) reads as the top level.
        let folder = |id: Option<&String>| {
            id.and_then(|id| folder_at.get(id.as_str()))
                .map_or(-1, |&at| entry::<i32>(at))
        };

        let mut folders = FolderColumns::default();
        for node in &tree.folders {
            folders.collection.push(collection(&node.collection_id));
            folders.parent.push(folder(node.parent_id.as_ref()));
            folders.position.push(node.position);
        }
        let mut requests = RequestColumns::default();
        let mut method_at: HashMap<&str, u32> = HashMap::new();
        for node in &tree.requests {
            let next = entry::<u32>(requests.methods.len());
            let method = *method_at.entry(node.method.as_str()).or_insert_with(|| {
                requests.methods.push(node.method.clone());
                next
            });
            requests.method.push(method);
            requests.collection.push(collection(&node.collection_id));
            requests.folder.push(folder(node.folder_id.as_ref()));
            requests.position.push(node.position);
        }
        drop((collection_at, folder_at, method_at));
        for node in tree.folders {
            folders.id.push(node.id);
            folders.name.push(node.name);
        }
        for node in tree.requests {
            requests.id.push(node.id);
            requests.name.push(node.name);
        }
        TreeColumns {
            workspace_id: tree.workspace_id,
            collections: tree.collections,
            folders,
            requests,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::tree::{FolderNode, RequestNode};

    fn folder(id: &str, collection: &str, parent: Option<&str>, position: i64) -> FolderNode {
        FolderNode {
            id: id.into(),
            collection_id: collection.into(),
            parent_id: parent.map(Into::into),
            name: id.to_uppercase(),
            position,
        }
    }

    fn request(id: &str, collection: &str, folder: Option<&str>, method: &str) -> RequestNode {
        RequestNode {
            id: id.into(),
            collection_id: collection.into(),
            folder_id: folder.map(Into::into),
            name: id.to_uppercase(),
            method: method.into(),
            position: 7,
        }
    }

    #[test]
    fn parents_become_places_and_methods_are_listed_once() {
        let collection = |id: &str, position| CollectionNode {
            id: id.into(),
            name: id.into(),
            position,
        };
        let tree = Tree {
            workspace_id: "w".into(),
            collections: vec![collection("c0", 0), collection("c1", 1)],
            folders: vec![
                folder("inner", "c1", Some("outer"), 0),
                folder("outer", "c1", None, 3),
            ],
            requests: vec![
                request("r0", "c0", None, "GET"),
                request("r1", "c1", Some("inner"), "POST"),
                request("r2", "c1", Some("outer"), "GET"),
            ],
        };
        let columns = TreeColumns::from(tree.clone());
        assert_eq!(columns.workspace_id, "w");
        assert_eq!(columns.collections, tree.collections);
        assert_eq!(
            columns.folders,
            FolderColumns {
                id: vec!["inner".into(), "outer".into()],
                name: vec!["INNER".into(), "OUTER".into()],
                collection: vec![1, 1],
                parent: vec![1, -1],
                position: vec![0, 3],
            }
        );
        assert_eq!(
            columns.requests,
            RequestColumns {
                id: vec!["r0".into(), "r1".into(), "r2".into()],
                name: vec!["R0".into(), "R1".into(), "R2".into()],
                methods: vec!["GET".into(), "POST".into()],
                method: vec![0, 1, 0],
                collection: vec![0, 1, 1],
                folder: vec![-1, 0, 1],
                position: vec![7, 7, 7],
            }
        );
    }
}

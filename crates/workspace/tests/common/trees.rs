//! Comparing collections whose ids differ: every import mints fresh ids, so a round
//! trip is checked on trees with ids renamed in order of appearance.

use std::collections::HashMap;

use courier_workspace::model::{CollectionTree, Meta};

/// `tree` with ids renamed `collection`, `folder-0`, `request-0`, … in order, every
/// reference renamed alike, and revisions and times zeroed.
pub fn normalized(tree: &CollectionTree) -> CollectionTree {
    let mut names: HashMap<String, String> = HashMap::new();
    names.insert(tree.collection.meta.id.clone(), "collection".to_owned());
    for (index, folder) in tree.folders.iter().enumerate() {
        names.insert(folder.meta.id.clone(), format!("folder-{index}"));
    }
    for (index, request) in tree.requests.iter().enumerate() {
        names.insert(request.meta.id.clone(), format!("request-{index}"));
    }
    let rename = |id: &str| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("unknown {id}"))
    };
    let meta = |meta: &Meta| Meta {
        id: rename(&meta.id),
        revision: 0,
        created_at: 0,
        updated_at: 0,
    };
    let mut normal = tree.clone();
    normal.collection.meta = meta(&tree.collection.meta);
    normal.collection.workspace_id = "workspace".to_owned();
    for folder in &mut normal.folders {
        folder.meta = meta(&folder.meta);
        folder.collection_id = rename(&folder.collection_id);
        folder.parent_id = folder.parent_id.as_deref().map(rename);
    }
    for request in &mut normal.requests {
        request.meta = meta(&request.meta);
        request.collection_id = rename(&request.collection_id);
        request.folder_id = request.folder_id.as_deref().map(rename);
    }
    normal
}

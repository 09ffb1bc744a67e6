//! Courier's own collection file: the model types as JSON under a format version,
//! `{"courier": 1, "collection": {…}, "folders": […], "requests": […]}`. It holds
//! everything Courier does, so unlike a Postman export it loses nothing.
//!
//! An import gives every entity a fresh id (importing one file twice gives two
//! collections) and checks the file's links: a folder's parent and a request's folder
//! must be folders of the file, and folders may not contain each other in a loop.
//! The version is read first, so a file from a newer Courier is refused with that
//! reason rather than with whatever field it added.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::import::{ExportOptions, ImportError, Imported, ImportedCollection, decode, fresh_meta};
use crate::model::{Collection, CollectionTree, Folder, Request};

/// The format version this Courier writes and reads.
pub const VERSION: u64 = 1;

#[derive(Serialize)]
struct Written<'a> {
    courier: u64,
    collection: &'a Collection,
    folders: &'a [Folder],
    requests: &'a [Request],
}

#[derive(Deserialize)]
struct Read {
    collection: Collection,
    folders: Vec<Folder>,
    requests: Vec<Request>,
}

#[derive(Deserialize)]
struct Version {
    courier: Option<u64>,
}

/// `tree` as a Courier file (pretty JSON). Secret collection variables are written
/// empty unless `options` asks for them.
pub fn export_collection(tree: &CollectionTree, options: ExportOptions) -> String {
    let mut collection = tree.collection.clone();
    if !options.include_secrets {
        for variable in collection.variables.iter_mut().filter(|v| v.secret) {
            variable.value.clear();
        }
    }
    let file = Written {
        courier: VERSION,
        collection: &collection,
        folders: &tree.folders,
        requests: &tree.requests,
    };
    serde_json::to_string_pretty(&file).expect("plain data always serializes")
}

/// Reads a Courier file into a new collection of `workspace_id`, with fresh ids.
pub fn import_collection(
    json: &str,
    workspace_id: &str,
    now_ms: i64,
) -> Result<ImportedCollection, ImportError> {
    match decode::<Version>(json)?.courier {
        Some(VERSION) => {}
        Some(newer) if newer > VERSION => {
            return Err(ImportError::new(
                "courier",
                format!(
                    "written by a newer Courier (format {newer}); this one reads format {VERSION}"
                ),
            ));
        }
        Some(other) => {
            return Err(ImportError::new(
                "courier",
                format!("unknown format {other}"),
            ));
        }
        None => {
            return Err(ImportError::new(
                "",
                "not a Courier collection file (no `courier` format version)",
            ));
        }
    }
    let Read {
        mut collection,
        mut folders,
        mut requests,
    } = decode(json)?;

    collection.meta = fresh_meta(now_ms);
    collection.workspace_id = workspace_id.to_owned();
    let mut new_ids: HashMap<String, String> = HashMap::new();
    for (index, folder) in folders.iter_mut().enumerate() {
        let old = std::mem::replace(&mut folder.meta, fresh_meta(now_ms));
        if new_ids
            .insert(old.id.clone(), folder.meta.id.clone())
            .is_some()
        {
            return Err(ImportError::new(
                format!("folders[{index}].meta.id"),
                format!("a second folder with id {}", old.id),
            ));
        }
    }
    let relink = |old: &Option<String>, place: String| match old {
        None => Ok(None),
        Some(old) => new_ids.get(old).cloned().map(Some).ok_or_else(|| {
            ImportError::new(place, format!("no folder with id {old} in this file"))
        }),
    };
    for (index, folder) in folders.iter_mut().enumerate() {
        folder.parent_id = relink(&folder.parent_id, format!("folders[{index}].parent_id"))?;
        folder.collection_id.clone_from(&collection.meta.id);
    }
    for (index, request) in requests.iter_mut().enumerate() {
        request.folder_id = relink(&request.folder_id, format!("requests[{index}].folder_id"))?;
        request.collection_id.clone_from(&collection.meta.id);
        request.meta = fresh_meta(now_ms);
    }
    if let Some(index) = first_in_a_loop(&folders) {
        return Err(ImportError::new(
            format!("folders[{index}].parent_id"),
            "folders inside each other in a loop",
        ));
    }
    Ok(Imported {
        value: CollectionTree {
            collection,
            folders,
            requests,
        },
        warnings: Vec::new(),
    })
}

/// The index of a folder whose parents lead back to it, if any.
fn first_in_a_loop(folders: &[Folder]) -> Option<usize> {
    let parents: HashMap<&str, Option<&str>> = folders
        .iter()
        .map(|folder| (folder.meta.id.as_str(), folder.parent_id.as_deref()))
        .collect();
    folders.iter().position(|folder| {
        let mut next = folder.parent_id.as_deref();
        // More steps than there are folders can only mean going round.
        for _ in 0..=folders.len() {
            match next {
                None => return false,
                Some(id) => next = parents.get(id).copied().flatten(),
            }
        }
        true
    })
}

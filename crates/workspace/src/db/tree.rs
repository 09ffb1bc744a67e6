//! The sidebar: a workspace's whole tree in one call (three indexed queries in one
//! read transaction, flat lists the UI nests by parent), and the filter that finds
//! requests by name or URL with the path to each (matched in Rust, so case is ignored
//! in every script, not only ASCII as SQLite's `LIKE` would). Measured in
//! `benches/tree.rs`.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::rows::from_json;
use super::workspaces::workspace_row;
use super::{Result, WorkspaceDb};
use crate::model::EntityKind;

/// A workspace's collections, folders and requests: what the sidebar shows. Each list
/// is in order among siblings (folders and requests of one parent share one order:
/// merge them by `position`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Tree {
    pub workspace_id: String,
    pub collections: Vec<CollectionNode>,
    pub folders: Vec<FolderNode>,
    pub requests: Vec<RequestNode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CollectionNode {
    pub id: String,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FolderNode {
    pub id: String,
    pub collection_id: String,
    /// `None`: directly in the collection.
    pub parent_id: Option<String>,
    pub name: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RequestNode {
    pub id: String,
    pub collection_id: String,
    /// `None`: directly in the collection.
    pub folder_id: Option<String>,
    pub name: String,
    pub method: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub position: i64,
}

/// A request the filter found, and where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FilterMatch {
    pub request: RequestNode,
    pub url: String,
    /// Its collection, then each folder down to the one it is in.
    pub path: Vec<PathStep>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PathStep {
    pub entity: EntityKind,
    pub id: String,
    pub name: String,
}

// Each list comes back as one JSON array built inside SQLite: a row per item through
// sqlx costs about 2 µs, four times what building and parsing the JSON does. They are
// sorted here: an ORDER BY inside the aggregate made SQLite take four times as long.
const COLLECTIONS: &str = "SELECT json_group_array(json_array(id, name, position)) \
     FROM collections WHERE workspace_id = ?";
const FOLDERS: &str = "SELECT json_group_array(json_array(f.id, f.collection_id, f.parent_id, \
     f.name, f.position)) \
     FROM collections c JOIN folders f ON f.collection_id = c.id WHERE c.workspace_id = ?";
const REQUESTS: &str = "SELECT json_group_array(json_array(r.id, r.collection_id, r.folder_id, \
     r.name, r.method, r.position)) \
     FROM collections c JOIN requests r ON r.collection_id = c.id WHERE c.workspace_id = ?";
const REQUESTS_WITH_URLS: &str = "SELECT json_group_array(json_array(r.id, r.collection_id, \
     r.folder_id, r.name, r.method, r.position, r.url)) \
     FROM collections c JOIN requests r ON r.collection_id = c.id WHERE c.workspace_id = ?";

type CollectionTuple = (String, String, i64);
type FolderTuple = (String, String, Option<String>, String, i64);

/// A request as its JSON array; the URL only when asked for.
#[derive(Deserialize)]
struct RequestTuple(
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    #[serde(default)] String,
);

/// A request node and its URL (the filter reads it; the tree leaves it empty).
struct RequestWithUrl {
    node: RequestNode,
    url: String,
}

async fn list<T: DeserializeOwned>(tx: &mut SqliteConnection, sql: &str, id: &str) -> Result<T> {
    let json: String = sqlx::query_scalar(sql).bind(id).fetch_one(tx).await?;
    from_json("tree", &json)
}

/// The tree's three lists, read in one snapshot (requests with their URLs if
/// `with_urls`: they are two fifths of the bytes).
async fn load(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    with_urls: bool,
) -> Result<(Vec<CollectionNode>, Vec<FolderNode>, Vec<RequestWithUrl>)> {
    let mut tx = sqlx::Connection::begin(conn).await?;
    workspace_row(&mut tx, workspace_id).await?;
    let collections: Vec<CollectionTuple> = list(&mut tx, COLLECTIONS, workspace_id).await?;
    let folders: Vec<FolderTuple> = list(&mut tx, FOLDERS, workspace_id).await?;
    let requests_sql = if with_urls {
        REQUESTS_WITH_URLS
    } else {
        REQUESTS
    };
    let requests: Vec<RequestTuple> = list(&mut tx, requests_sql, workspace_id).await?;
    tx.commit().await?;
    let mut collections: Vec<CollectionNode> = collections
        .into_iter()
        .map(|(id, name, position)| CollectionNode { id, name, position })
        .collect();
    let mut folders: Vec<FolderNode> = folders
        .into_iter()
        .map(
            |(id, collection_id, parent_id, name, position)| FolderNode {
                id,
                collection_id,
                parent_id,
                name,
                position,
            },
        )
        .collect();
    let mut requests: Vec<RequestWithUrl> = requests
        .into_iter()
        .map(
            |RequestTuple(id, collection_id, folder_id, name, method, position, url)| {
                RequestWithUrl {
                    node: RequestNode {
                        id,
                        collection_id,
                        folder_id,
                        name,
                        method,
                        position,
                    },
                    url,
                }
            },
        )
        .collect();
    sort_by_place(&mut collections, |c| (c.position, &c.id));
    sort_by_place(&mut folders, |f| (f.position, &f.id));
    sort_by_place(&mut requests, |r| (r.node.position, &r.node.id));
    Ok((collections, folders, requests))
}

/// Order among siblings: position, then id for the rare tie.
fn sort_by_place<T>(items: &mut [T], place: impl Fn(&T) -> (i64, &String)) {
    items.sort_unstable_by(|a, b| place(a).cmp(&place(b)));
}

impl WorkspaceDb {
    /// A workspace's whole tree.
    pub async fn tree(&self, workspace_id: &str) -> Result<Tree> {
        let (collections, folders, requests) =
            load(&mut *self.read().await?, workspace_id, false).await?;
        Ok(Tree {
            workspace_id: workspace_id.to_owned(),
            collections,
            folders,
            requests: requests.into_iter().map(|request| request.node).collect(),
        })
    }

    /// Each request's URL by request id: with the tree, what a filter running in the UI
    /// over the loaded tree reads (the tree itself leaves URLs out).
    pub async fn request_urls(&self, workspace_id: &str) -> Result<HashMap<String, String>> {
        let (_, _, requests) = load(&mut *self.read().await?, workspace_id, true).await?;
        Ok(requests.into_iter().map(|r| (r.node.id, r.url)).collect())
    }

    /// The requests whose name or URL contains `text` (ignoring case, in any script),
    /// each with its path, in the tree's order. Empty text matches every request.
    pub async fn filter(&self, workspace_id: &str, text: &str) -> Result<Vec<FilterMatch>> {
        let needle = text.trim().to_lowercase();
        let (collections, folders, requests) =
            load(&mut *self.read().await?, workspace_id, true).await?;
        let collections: HashMap<&str, &CollectionNode> =
            collections.iter().map(|c| (c.id.as_str(), c)).collect();
        let folders: HashMap<&str, &FolderNode> =
            folders.iter().map(|f| (f.id.as_str(), f)).collect();
        let mut found: Vec<(Vec<Ancestor<'_>>, RequestWithUrl)> = requests
            .into_iter()
            .filter(|r| {
                contains_lowercase(&r.node.name, &needle) || contains_lowercase(&r.url, &needle)
            })
            .map(|r| {
                let mut path = Vec::new();
                let mut folder = r.node.folder_id.as_deref().and_then(|id| folders.get(id));
                while let Some(f) = folder {
                    path.push(Ancestor::new(
                        EntityKind::Folder,
                        f.position,
                        &f.id,
                        &f.name,
                    ));
                    folder = f.parent_id.as_deref().and_then(|id| folders.get(id));
                }
                if let Some(c) = collections.get(r.node.collection_id.as_str()) {
                    path.push(Ancestor::new(
                        EntityKind::Collection,
                        c.position,
                        &c.id,
                        &c.name,
                    ));
                }
                path.reverse();
                (path, r)
            })
            .collect();
        // The tree's order: by the places of the ancestors from the top, then the
        // request's own among them (a stable sort keeps the loaded order for ties).
        found.sort_by_cached_key(|(path, r)| {
            let own = (r.node.position, "");
            let ancestors = path.iter().map(|a| (a.position, a.id));
            ancestors.chain(std::iter::once(own)).collect::<Vec<_>>()
        });
        Ok(found
            .into_iter()
            .map(|(path, r)| FilterMatch {
                request: r.node,
                url: r.url,
                path: path
                    .into_iter()
                    .map(|a| PathStep {
                        entity: a.entity,
                        id: a.id.to_owned(),
                        name: a.name.to_owned(),
                    })
                    .collect(),
            })
            .collect())
    }
}

/// A collection or folder above a match.
struct Ancestor<'a> {
    entity: EntityKind,
    position: i64,
    id: &'a str,
    name: &'a str,
}

impl<'a> Ancestor<'a> {
    fn new(entity: EntityKind, position: i64, id: &'a str, name: &'a str) -> Self {
        Self {
            entity,
            position,
            id,
            name,
        }
    }
}

/// Whether `text`, lowercased, contains `needle` (already lowercase); without
/// allocating when both are ASCII, as names and URLs mostly are.
fn contains_lowercase(text: &str, needle: &str) -> bool {
    if text.is_ascii() && needle.is_ascii() {
        needle.is_empty()
            || text
                .as_bytes()
                .windows(needle.len())
                .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
    } else {
        text.to_lowercase().contains(needle)
    }
}

#[cfg(test)]
mod tests {
    use super::contains_lowercase;

    #[test]
    fn case_is_ignored_in_any_script() {
        assert!(contains_lowercase("GET /Users/42", "users/"));
        assert!(contains_lowercase("anything", ""));
        assert!(!contains_lowercase("ab", "abc"));
        assert!(contains_lowercase("ÜBER Straße", "über straße"));
        assert!(!contains_lowercase("uber", "über"));
    }
}

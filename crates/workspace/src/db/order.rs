//! Order among siblings: a workspace's collections, and a parent's folders and
//! requests together (one order, as the sidebar shows them). Positions are spaced
//! integers, so placing an item between two others changes only that item (one row in
//! the change log, which matters for sync); only when two neighbours leave no room are
//! the siblings spread out again, each of those a change too.

use serde::{Deserialize, Serialize};
use sqlx::{FromRow, SqliteConnection};

use super::changes::{bump, table_of};
use super::{Result, Write};
use crate::model::EntityKind;

/// The gap left between neighbours.
pub(super) const STEP: i64 = 1 << 16;

/// Where a folder or request goes: its parent, and its place among the parent's
/// folders and requests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Place {
    pub collection_id: String,
    /// `None`: directly in the collection.
    pub folder_id: Option<String>,
    /// How many of the parent's children (not counting the one placed) come before
    /// it; `None`, or more than there are: last.
    pub index: Option<u32>,
}

impl Place {
    /// Last in the collection, or in `folder_id`.
    pub fn end(collection_id: &str, folder_id: Option<&str>) -> Self {
        Self {
            collection_id: collection_id.to_owned(),
            folder_id: folder_id.map(str::to_owned),
            index: None,
        }
    }
}

#[derive(Debug, FromRow)]
struct Sibling {
    kind: String,
    id: String,
    position: i64,
}

impl Sibling {
    fn entity(&self) -> EntityKind {
        match self.kind.as_str() {
            "folder" => EntityKind::Folder,
            "request" => EntityKind::Request,
            _ => EntityKind::Collection,
        }
    }
}

/// The place right after an item (a folder or request at `position` with `id`, among
/// the children of `parent` in `collection_id`): where its copy goes.
pub(super) async fn place_after(
    w: &mut Write,
    collection_id: &str,
    parent: Option<&str>,
    position: i64,
    id: &str,
) -> Result<Place> {
    let index: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM folders WHERE collection_id = ?1 AND parent_id IS ?2 \
         AND (position, id) <= (?3, ?4)) + (SELECT count(*) FROM requests \
         WHERE collection_id = ?1 AND folder_id IS ?2 AND (position, id) <= (?3, ?4))",
    )
    .bind(collection_id)
    .bind(parent)
    .bind(position)
    .bind(id)
    .fetch_one(w.conn())
    .await?;
    Ok(Place {
        collection_id: collection_id.to_owned(),
        folder_id: parent.map(str::to_owned),
        index: Some(u32::try_from(index).unwrap_or(u32::MAX)),
    })
}

/// The position for an item going to `place` (leaving out `moving`, the item itself
/// when it is already there).
pub(super) async fn child_position(
    w: &mut Write,
    workspace_id: &str,
    place: &Place,
    moving: Option<&str>,
) -> Result<i64> {
    let siblings = sqlx::query_as(
        "SELECT 'folder' AS kind, id, position FROM folders \
         WHERE collection_id = ? AND parent_id IS ? \
         UNION ALL SELECT 'request' AS kind, id, position FROM requests \
         WHERE collection_id = ? AND folder_id IS ? ORDER BY position, id",
    )
    .bind(&place.collection_id)
    .bind(&place.folder_id)
    .bind(&place.collection_id)
    .bind(&place.folder_id)
    .fetch_all(w.conn())
    .await?;
    position_among(w, workspace_id, siblings, place.index, moving).await
}

/// Moves an existing folder or request to `place`, recording the change.
pub(super) async fn put_at(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
    place: &Place,
) -> Result<()> {
    let position = child_position(w, workspace_id, place, Some(id)).await?;
    let (table, _) = table_of(entity);
    let parent = if entity == EntityKind::Folder {
        "parent_id"
    } else {
        "folder_id"
    };
    sqlx::query(&format!(
        "UPDATE {table} SET collection_id = ?, {parent} = ?, position = ? WHERE id = ?"
    ))
    .bind(&place.collection_id)
    .bind(&place.folder_id)
    .bind(position)
    .bind(id)
    .execute(w.conn())
    .await?;
    bump(w, workspace_id, entity, id).await?;
    Ok(())
}

/// The position for a collection going to `index` among the workspace's.
pub(super) async fn collection_position(
    w: &mut Write,
    workspace_id: &str,
    index: Option<u32>,
    moving: Option<&str>,
) -> Result<i64> {
    let siblings = sqlx::query_as(
        "SELECT 'collection' AS kind, id, position FROM collections WHERE workspace_id = ? \
         ORDER BY position, id",
    )
    .bind(workspace_id)
    .fetch_all(w.conn())
    .await?;
    position_among(w, workspace_id, siblings, index, moving).await
}

async fn position_among(
    w: &mut Write,
    workspace_id: &str,
    mut siblings: Vec<Sibling>,
    index: Option<u32>,
    moving: Option<&str>,
) -> Result<i64> {
    siblings.retain(|sibling| Some(sibling.id.as_str()) != moving);
    let at = index.map_or(siblings.len(), |index| (index as usize).min(siblings.len()));
    let before = at.checked_sub(1).map(|i| siblings[i].position);
    let after = siblings.get(at).map(|sibling| sibling.position);
    match (before, after) {
        (None, None) => Ok(0),
        (Some(before), None) => Ok(before.saturating_add(STEP)),
        (None, Some(after)) => Ok(after.saturating_sub(STEP)),
        (Some(before), Some(after)) if after - before >= 2 => Ok(before + (after - before) / 2),
        _ => spread(w, workspace_id, &siblings, at).await,
    }
}

/// Spaces the siblings [`STEP`] apart with a gap at `at`, and returns the gap's
/// position.
async fn spread(w: &mut Write, workspace_id: &str, siblings: &[Sibling], at: usize) -> Result<i64> {
    for (i, sibling) in siblings.iter().enumerate() {
        let slot = if i < at { i } else { i + 1 };
        let position = slot as i64 * STEP;
        if sibling.position != position {
            set_position(w.conn(), sibling.entity(), &sibling.id, position).await?;
            bump(w, workspace_id, sibling.entity(), &sibling.id).await?;
        }
    }
    Ok(at as i64 * STEP)
}

async fn set_position(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: &str,
    position: i64,
) -> Result<()> {
    let (table, _) = table_of(entity);
    sqlx::query(&format!("UPDATE {table} SET position = ? WHERE id = ?"))
        .bind(position)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

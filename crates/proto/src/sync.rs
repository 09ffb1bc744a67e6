//! Syncing workspaces (`/api/v1/workspaces`): the workspaces an account reaches, the
//! operations a device pushes (each made on the revision it last saw), what became of
//! them, and the changes a device pulls after the last sequence number it has.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An entity's fields as a device keeps them; the server stores them without reading
/// them (secret values arrive already encrypted).
pub type EntityFields = Map<String, Value>;

/// What kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    /// The workspace's own settings (its name, the active environment); its id is the
    /// workspace's.
    Workspace,
    Collection,
    Folder,
    Request,
    Environment,
    /// The workspace's global variables; its id is the workspace's.
    Globals,
}

impl EntityKind {
    pub const ALL: [EntityKind; 6] = [
        EntityKind::Workspace,
        EntityKind::Collection,
        EntityKind::Folder,
        EntityKind::Request,
        EntityKind::Environment,
        EntityKind::Globals,
    ];

    /// Its name on the wire and in the server's store.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Workspace => "workspace",
            EntityKind::Collection => "collection",
            EntityKind::Folder => "folder",
            EntityKind::Request => "request",
            EntityKind::Environment => "environment",
            EntityKind::Globals => "globals",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// A workspace the caller reaches: its own, or one of its teams'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncedWorkspace {
    pub id: String,
    /// The team it belongs to; `None`: the caller's own.
    pub team_id: Option<String>,
    /// Its last change's sequence number (0: none yet).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

/// `POST /api/v1/workspaces`: a workspace made on a device, under the device's id for
/// it, so a device offline at the time registers it later under the same id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct NewSyncedWorkspace {
    /// 1–64 letters, digits, `-` or `_`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]{1,64}$")
    )]
    pub id: String,
    /// A team the caller is in; absent: the caller's own.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub team_id: Option<String>,
}

/// One change a device made to one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct SyncOperation {
    /// Chosen by the device (1–64 letters, digits, `-` or `_`): the same id sent again
    /// is applied once and answered the same way.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]{1,64}$")
    )]
    pub id: String,
    pub entity: EntityKind,
    /// 1–64 letters, digits, `-` or `_`.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 64, pattern = "^[A-Za-z0-9_-]{1,64}$")
    )]
    pub entity_id: String,
    /// The entity's revision this change was made on; 0 for a new entity.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    #[serde(deserialize_with = "whole_number")]
    pub base_revision: i64,
    /// The entity's fields after the change; `null` deletes it.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub fields: Option<EntityFields>,
}

/// A whole number, also when written with a zero fraction (`3.0`), which JSON Schema
/// counts as an integer too.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    use serde::de::Error as _;
    /// Beyond this an `f64` no longer holds every whole number.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let number = serde_json::Number::deserialize(deserializer)?;
    let whole = number.as_i64().or_else(|| {
        let float = number.as_f64()?;
        // Checked whole and within f64's exact range, so the cast loses nothing.
        #[allow(clippy::cast_possible_truncation)]
        (float.fract() == 0.0 && float.abs() <= EXACT).then_some(float as i64)
    });
    whole.ok_or_else(|| D::Error::custom(format!("{number} is not a whole number")))
}

/// `POST /api/v1/workspaces/{id}/changes`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct PushOperations {
    /// Applied in this order; at most [`MAX_PUSH_OPERATIONS`].
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub operations: Vec<SyncOperation>,
}

/// The most operations one push carries.
pub const MAX_PUSH_OPERATIONS: usize = 500;

/// One entity as it stands on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncedEntity {
    pub entity: EntityKind,
    pub id: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub revision: i64,
    /// The workspace's sequence number at its last change.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    /// `null`: deleted.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown> | null"))]
    pub fields: Option<EntityFields>,
}

/// What became of one pushed operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum OperationOutcome {
    /// Applied (now, or when it first arrived).
    Applied {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        revision: i64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        seq: i64,
    },
    /// Not applied: the entity changed since the operation's base revision. `current`
    /// is what stands (`null`: the server never had it); merge and push again on its
    /// revision.
    Conflict { current: Option<SyncedEntity> },
}

/// The answer to a push: one outcome per operation, in order, and the workspace's
/// sequence number after it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PushOutcome {
    pub outcomes: Vec<OperationOutcome>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
}

/// `GET /api/v1/workspaces/{id}/changes?since=`: the entities whose last change came
/// after `since`, oldest change first, each once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WorkspaceChanges {
    pub changes: Vec<SyncedEntity>,
    /// Pull from here next time.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    /// More changes wait after `seq`: pull again at once.
    pub more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_revision_is_a_whole_number_however_it_is_written() {
        let read = |base: &str| {
            serde_json::from_str::<SyncOperation>(&format!(
                r#"{{"id":"o","entity":"request","entity_id":"r","base_revision":{base},"fields":null}}"#
            ))
            .map(|operation| operation.base_revision)
        };
        assert_eq!(read("3").unwrap(), 3);
        assert_eq!(read("323.0").unwrap(), 323);
        assert!(read("1.5").is_err());
        assert!(read("1e300").is_err());
        assert!(read("\"3\"").is_err());
    }
}

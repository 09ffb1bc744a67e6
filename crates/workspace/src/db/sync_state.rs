//! This device's side of syncing a workspace, kept in the database so a sync survives
//! the app being killed at any point: which workspaces sync (`sync_workspaces`), what
//! the device last agreed with the server about each entity (`sync_bases`, the base of
//! every merge), the operations on their way (`sync_outbox`, sent again under the same
//! id until answered, so the server applies each once), and what a merge left for the
//! person to decide (`sync_conflicts`).
//!
//! An entity is pending when the change log has a change to it after the last one its
//! base covers. [`WorkspaceDb::stage_outbox`] turns pending entities into operations on
//! their base revision; [`WorkspaceDb::record_push`] takes the server's answers (an
//! applied operation becomes the new base; a refused one is merged field by field with
//! what the server has, by `sync::merge`); [`WorkspaceDb::apply_pulled`] writes what
//! others changed, leaving alone what is pending here (its push will merge it). What
//! arrives from the server is written without a change-log row: it is not a local change.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sqlx::SqliteConnection;

use super::changes::log;
use super::sync_fields::{self, is_place};
use super::{Error, Result, WorkspaceDb, Write, new_id};
use crate::model::{ChangeKind, EntityKind};
use crate::sync::merge::{FieldConflict, FieldRule, Fields, Outcome, Side, merge_entity};
use courier_proto::{OperationOutcome, SyncOperation, SyncedEntity};

/// A workspace this device syncs, and how far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncTarget {
    pub workspace_id: String,
    /// The account it syncs for on this device.
    pub account: Option<String>,
    /// The team it belongs to; `None`: the account's own.
    pub team_id: Option<String>,
    /// The server has it.
    pub registered: bool,
    /// The server's change sequence this device has pulled up to.
    pub pulled_seq: i64,
    /// Unix milliseconds of the last complete round.
    pub synced_at: Option<i64>,
}

/// Where a workspace's sync stands on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncSummary {
    /// Entities changed here and not yet on the server.
    pub pending: u32,
    /// Entities with a conflict to decide.
    pub conflicts: u32,
    /// Unix milliseconds of the last complete round.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub synced_at: Option<i64>,
}

/// What a merge left for the person to decide about one entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConflictKind {
    /// Both changed these fields differently; the server's values stand for now.
    Fields { fields: Vec<FieldConflict> },
    /// Changed here, deleted on the server: gone for now; keeping mine restores it.
    DeletedThere {
        #[cfg_attr(feature = "ts", ts(type = "Record<string, unknown>"))]
        mine: Map<String, Value>,
    },
    /// Deleted here, changed on the server: back for now; keeping mine deletes it.
    ChangedThere,
}

/// A conflict as the panel lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncConflict {
    pub workspace_id: String,
    pub entity: EntityKind,
    pub entity_id: String,
    /// The entity's name (as it was when the conflict arose).
    pub name: String,
    pub conflict: ConflictKind,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
}

/// What [`WorkspaceDb::record_push`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PushRecord {
    pub applied: u32,
    /// Refused operations merged with the server's entity (pending again when the
    /// merge kept anything of this device's).
    pub merged: u32,
    /// Of those, how many left a conflict.
    pub conflicts: u32,
}

/// `workspace_id, owner_account, team_id, registered, pulled_seq, synced_at`.
type TargetRow = (
    String,
    Option<String>,
    Option<String>,
    bool,
    i64,
    Option<i64>,
);

/// `entity, entity_id, kind, name, fields, mine, at`.
type ConflictRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i64,
);

/// What the device last agreed with the server about an entity.
struct Base {
    revision: i64,
    fields: Option<Map<String, Value>>,
}

fn parse_fields(text: Option<String>) -> Result<Option<Map<String, Value>>> {
    text.map(|text| {
        serde_json::from_str(&text).map_err(|error| Error::corrupt("synced fields", error))
    })
    .transpose()
}

fn fields_text(fields: Option<&Map<String, Value>>) -> Option<String> {
    fields.map(|fields| Value::Object(fields.clone()).to_string())
}

async fn base_of(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
) -> Result<Option<Base>> {
    let row: Option<(i64, Option<String>)> = sqlx::query_as(
        "SELECT revision, fields FROM sync_bases \
         WHERE workspace_id = ? AND entity = ? AND entity_id = ?",
    )
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|(revision, fields)| {
        Ok(Base {
            revision,
            fields: parse_fields(fields)?,
        })
    })
    .transpose()
}

async fn set_base(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
    base: &Base,
    covers_seq: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sync_bases (workspace_id, entity, entity_id, revision, fields, covers_seq) \
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, entity, entity_id) DO UPDATE \
         SET revision = excluded.revision, fields = excluded.fields, \
         covers_seq = MAX(covers_seq, excluded.covers_seq)",
    )
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(id)
    .bind(base.revision)
    .bind(fields_text(base.fields.as_ref()))
    .bind(covers_seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// Bases written by one statement in [`set_bases`] (6 values each).
const BASES_PER_STATEMENT: usize = 200;

/// What the server sent is now what the device agrees with it, for each of `changes`
/// (the last one for an entity sent twice).
async fn set_bases(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    changes: &[&SyncedEntity],
    covers_seq: i64,
) -> Result<()> {
    let rows = vec!["(?, ?, ?, ?, ?, ?)"; changes.len()].join(", ");
    let sql = format!(
        "INSERT INTO sync_bases (workspace_id, entity, entity_id, revision, fields, covers_seq) \
         VALUES {rows} ON CONFLICT (workspace_id, entity, entity_id) DO UPDATE \
         SET revision = excluded.revision, fields = excluded.fields, \
         covers_seq = MAX(covers_seq, excluded.covers_seq)"
    );
    let mut query = sqlx::query(&sql);
    for change in changes {
        query = query
            .bind(workspace_id)
            .bind(change.entity.as_str())
            .bind(&change.id)
            .bind(change.revision)
            .bind(fields_text(change.fields.as_ref()))
            .bind(covers_seq);
    }
    query.execute(conn).await?;
    Ok(())
}

/// The last local change to an entity (0: none).
async fn last_change(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) FROM changes \
         WHERE workspace_id = ? AND entity = ? AND entity_id = ?",
    )
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(id)
    .fetch_one(conn)
    .await?)
}

/// Whether the entity has a local change its base does not cover, or an operation
/// on its way.
async fn is_pending(
    conn: &mut SqliteConnection,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
) -> Result<bool> {
    let pending: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sync_outbox \
             WHERE workspace_id = ?1 AND entity = ?2 AND entity_id = ?3) \
         OR (SELECT COALESCE(MAX(seq), 0) FROM changes \
             WHERE workspace_id = ?1 AND entity = ?2 AND entity_id = ?3) \
          > COALESCE((SELECT covers_seq FROM sync_bases \
             WHERE workspace_id = ?1 AND entity = ?2 AND entity_id = ?3), 0)",
    )
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(pending)
}

/// `(entity, entity_id)`, as the sync tables key an entity.
type EntityKey = (String, String);

/// The server revision of every entity the device has a base for.
async fn base_revisions(
    conn: &mut SqliteConnection,
    workspace_id: &str,
) -> Result<HashMap<EntityKey, i64>> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT entity, entity_id, revision FROM sync_bases WHERE workspace_id = ?")
            .bind(workspace_id)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(entity, id, revision)| ((entity, id), revision))
        .collect())
}

/// The entities with a local change their base does not cover, or an operation on
/// its way.
async fn pending_entities(
    conn: &mut SqliteConnection,
    workspace_id: &str,
) -> Result<HashSet<EntityKey>> {
    let rows: Vec<EntityKey> = sqlx::query_as(PENDING)
        .bind(workspace_id)
        .fetch_all(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Pending entities of workspace `?1` (see [`pending_entities`]).
const PENDING: &str = "SELECT c.entity, c.entity_id FROM changes c \
     LEFT JOIN sync_bases b ON b.workspace_id = c.workspace_id AND b.entity = c.entity \
         AND b.entity_id = c.entity_id \
     WHERE c.workspace_id = ?1 AND c.seq > COALESCE(b.covers_seq, 0) \
     GROUP BY c.entity, c.entity_id \
     UNION SELECT entity, entity_id FROM sync_outbox WHERE workspace_id = ?1";

fn kind_of(name: &str) -> Result<EntityKind> {
    EntityKind::parse(name).ok_or_else(|| Error::corrupt("synced entity kind", name))
}

fn as_side(base: Option<&Map<String, Value>>, now: Option<Map<String, Value>>) -> Side {
    match now {
        now if now.as_ref() == base => Side::Unchanged,
        None => Side::Deleted,
        Some(fields) => Side::Written(fields.into_iter().collect()),
    }
}

fn as_map(fields: Fields) -> Map<String, Value> {
    fields.into_iter().collect()
}

fn display_name(entity: EntityKind, fields: Option<&Map<String, Value>>) -> String {
    match fields
        .and_then(|fields| fields.get("name"))
        .and_then(Value::as_str)
    {
        Some(name) => name.to_owned(),
        None if entity == EntityKind::Globals => "Globals".to_owned(),
        None => format!("A {}", entity.as_str()),
    }
}

impl WorkspaceDb {
    /// Syncs `workspace_id` from now on (for a team's members when `team_id` is set);
    /// nothing changes when it already does.
    pub async fn track_for_sync(&self, workspace_id: &str, team_id: Option<&str>) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query(
            "INSERT INTO sync_workspaces (workspace_id, team_id) VALUES (?, ?) \
             ON CONFLICT (workspace_id) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(team_id)
        .execute(w.conn())
        .await?;
        w.commit().await
    }

    /// A workspace first seen on the server, made here for `account` (its name and
    /// contents arrive with the first pull), already registered. Nothing is pending.
    pub async fn adopt_synced_workspace(
        &self,
        account: &str,
        workspace_id: &str,
        team_id: Option<&str>,
    ) -> Result<()> {
        let mut w = self.write().await?;
        let now = w.now;
        sqlx::query(
            "INSERT INTO workspaces (id, name, owner_kind, owner_account, revision, created_at, \
             updated_at) VALUES (?, 'Synced workspace', ?, ?, 1, ?, ?) ON CONFLICT (id) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(super::rows::ACCOUNT)
        .bind(account)
        .bind(now)
        .bind(now)
        .execute(w.conn())
        .await?;
        sqlx::query(
            "INSERT INTO globals (workspace_id, variables, revision, created_at, updated_at) \
             VALUES (?, '[]', 1, ?, ?) ON CONFLICT (workspace_id) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(now)
        .bind(now)
        .execute(w.conn())
        .await?;
        sqlx::query(
            "INSERT INTO sync_workspaces (workspace_id, team_id, registered) VALUES (?, ?, 1) \
             ON CONFLICT (workspace_id) DO UPDATE SET registered = 1",
        )
        .bind(workspace_id)
        .bind(team_id)
        .execute(w.conn())
        .await?;
        w.commit().await
    }

    /// Whether this device's last word on workspace `id` was deleting it (so a copy
    /// the server still lists is not brought back here).
    pub async fn deleted_here(&self, id: &str) -> Result<bool> {
        let last: Option<String> = sqlx::query_scalar(
            "SELECT kind FROM changes WHERE entity = ? AND entity_id = ? \
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(EntityKind::Workspace.as_str())
        .bind(id)
        .fetch_optional(&mut *self.read().await?)
        .await?;
        Ok(last.as_deref() == Some("delete"))
    }

    /// The workspaces this device syncs.
    pub async fn sync_targets(&self) -> Result<Vec<SyncTarget>> {
        let rows: Vec<TargetRow> = sqlx::query_as(
            "SELECT s.workspace_id, w.owner_account, s.team_id, s.registered, s.pulled_seq, \
             s.synced_at FROM sync_workspaces s JOIN workspaces w ON w.id = s.workspace_id \
             ORDER BY s.workspace_id",
        )
        .fetch_all(&mut *self.read().await?)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(workspace_id, account, team_id, registered, pulled_seq, synced_at)| SyncTarget {
                    workspace_id,
                    account,
                    team_id,
                    registered,
                    pulled_seq,
                    synced_at,
                },
            )
            .collect())
    }

    pub async fn sync_target(&self, workspace_id: &str) -> Result<Option<SyncTarget>> {
        let targets = self.sync_targets().await?;
        Ok(targets
            .into_iter()
            .find(|target| target.workspace_id == workspace_id))
    }

    /// The server has the workspace now.
    pub async fn mark_registered(&self, workspace_id: &str) -> Result<()> {
        let mut w = self.write().await?;
        sqlx::query("UPDATE sync_workspaces SET registered = 1 WHERE workspace_id = ?")
            .bind(workspace_id)
            .execute(w.conn())
            .await?;
        w.commit().await
    }

    /// A round pushed and pulled everything there was at `at` (Unix milliseconds).
    pub async fn mark_synced(&self, workspace_id: &str) -> Result<()> {
        let mut w = self.write().await?;
        let now = w.now;
        sqlx::query("UPDATE sync_workspaces SET synced_at = ? WHERE workspace_id = ?")
            .bind(now)
            .bind(workspace_id)
            .execute(w.conn())
            .await?;
        w.commit().await
    }

    /// Stages an operation for every pending entity that has none on its way, and
    /// returns every operation on its way for the workspace, oldest first.
    pub async fn stage_outbox(&self, workspace_id: &str) -> Result<Vec<SyncOperation>> {
        let mut w = self.write().await?;
        let pending: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT c.entity, c.entity_id, MAX(c.seq) AS last FROM changes c \
             LEFT JOIN sync_bases b ON b.workspace_id = c.workspace_id AND b.entity = c.entity \
                 AND b.entity_id = c.entity_id \
             WHERE c.workspace_id = ?1 AND c.seq > COALESCE(b.covers_seq, 0) \
             AND NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.workspace_id = ?1 \
                 AND o.entity = c.entity AND o.entity_id = c.entity_id) \
             GROUP BY c.entity, c.entity_id ORDER BY last",
        )
        .bind(workspace_id)
        .fetch_all(w.conn())
        .await?;
        for (entity_name, entity_id, last) in pending {
            let entity = kind_of(&entity_name)?;
            stage_one(&mut w, workspace_id, entity, &entity_id, last).await?;
        }
        w.commit().await?;
        self.outbox(workspace_id).await
    }

    /// The operations on their way for the workspace, oldest first.
    pub async fn outbox(&self, workspace_id: &str) -> Result<Vec<SyncOperation>> {
        let rows: Vec<(String, String, String, i64, Option<String>)> = sqlx::query_as(
            "SELECT id, entity, entity_id, base_revision, fields FROM sync_outbox \
             WHERE workspace_id = ? ORDER BY seq",
        )
        .bind(workspace_id)
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|(id, entity, entity_id, base_revision, fields)| {
                Ok(SyncOperation {
                    id,
                    entity: kind_of(&entity)?,
                    entity_id,
                    base_revision,
                    fields: parse_fields(fields)?,
                })
            })
            .collect()
    }

    /// Takes the server's answer to `operations` (one outcome each, in order).
    pub async fn record_push(
        &self,
        workspace_id: &str,
        operations: &[SyncOperation],
        outcomes: &[OperationOutcome],
    ) -> Result<PushRecord> {
        if operations.len() != outcomes.len() {
            return Err(Error::invalid(format!(
                "the server answered {} outcomes for {} operations",
                outcomes.len(),
                operations.len()
            )));
        }
        let mut record = PushRecord::default();
        let mut w = self.write().await?;
        for (operation, outcome) in operations.iter().zip(outcomes) {
            let covers: Option<i64> =
                sqlx::query_scalar("DELETE FROM sync_outbox WHERE id = ? RETURNING covers_seq")
                    .bind(&operation.id)
                    .fetch_optional(w.conn())
                    .await?;
            let Some(covers) = covers else {
                continue; // answered already (a second answer to a resent batch)
            };
            match outcome {
                OperationOutcome::Applied { revision, .. } => {
                    let base = Base {
                        revision: *revision,
                        fields: operation.fields.clone(),
                    };
                    let (entity, id) = (operation.entity, &operation.entity_id);
                    set_base(w.conn(), workspace_id, entity, id, &base, covers).await?;
                    record.applied += 1;
                }
                OperationOutcome::Conflict { current } => {
                    record.merged += 1;
                    if merge_refused(&mut w, workspace_id, operation, current.as_ref()).await? {
                        record.conflicts += 1;
                    }
                }
            }
        }
        w.commit().await?;
        Ok(record)
    }

    /// Writes what others changed (pulled after the device's sequence number, up to
    /// `seq`), except what is pending here. An item whose parent is gone here goes
    /// with it, unless it holds work of this device's: then it is kept as a conflict.
    pub async fn apply_pulled(
        &self,
        workspace_id: &str,
        changes: &[SyncedEntity],
        seq: i64,
    ) -> Result<u32> {
        let mut w = self.write().await?;
        let now = w.now;
        // Parents may arrive after their children in one pull.
        sqlx::query("PRAGMA defer_foreign_keys = ON")
            .execute(w.conn())
            .await?;
        // What is known and pending is read once: a catch-up is thousands of changes.
        let mut known = base_revisions(w.conn(), workspace_id).await?;
        let pending = pending_entities(w.conn(), workspace_id).await?;
        // Every local change so far: none is of an entity written here (those are
        // pending and skipped), so the bases cover them all.
        let covers: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM changes")
            .fetch_one(w.conn())
            .await?;
        let mut written: Vec<&SyncedEntity> = Vec::new();
        for change in changes {
            let (entity, id) = (change.entity, change.id.as_str());
            let key = (entity.as_str().to_owned(), id.to_owned());
            if known.get(&key).is_some_and(|have| *have >= change.revision)
                || pending.contains(&key)
            {
                continue;
            }
            match &change.fields {
                Some(fields) => sync_fields::write(w.conn(), entity, id, fields, now).await?,
                None => sync_fields::delete(w.conn(), entity, id).await?,
            }
            known.insert(key, change.revision);
            written.push(change);
        }
        for chunk in written.chunks(BASES_PER_STATEMENT) {
            set_bases(w.conn(), workspace_id, chunk, covers).await?;
        }
        let applied = u32::try_from(written.len()).unwrap_or(u32::MAX);
        drop_orphans(&mut w, workspace_id).await?;
        sqlx::query(
            "UPDATE sync_workspaces SET pulled_seq = MAX(pulled_seq, ?) WHERE workspace_id = ?",
        )
        .bind(seq)
        .bind(workspace_id)
        .execute(w.conn())
        .await?;
        w.commit().await?;
        Ok(applied)
    }

    /// Pending entities, open conflicts and the last complete round.
    pub async fn sync_summary(&self, workspace_id: &str) -> Result<SyncSummary> {
        let mut conn = self.read().await?;
        let pending: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM ({PENDING})"))
            .bind(workspace_id)
            .fetch_one(&mut *conn)
            .await?;
        let conflicts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM sync_conflicts WHERE workspace_id = ?")
                .bind(workspace_id)
                .fetch_one(&mut *conn)
                .await?;
        let synced_at: Option<i64> =
            sqlx::query_scalar("SELECT synced_at FROM sync_workspaces WHERE workspace_id = ?")
                .bind(workspace_id)
                .fetch_optional(&mut *conn)
                .await?
                .flatten();
        Ok(SyncSummary {
            pending: u32::try_from(pending).unwrap_or(u32::MAX),
            conflicts: u32::try_from(conflicts).unwrap_or(u32::MAX),
            synced_at,
        })
    }

    /// The conflicts left to decide in the workspace, oldest first.
    pub async fn sync_conflicts(&self, workspace_id: &str) -> Result<Vec<SyncConflict>> {
        let rows: Vec<ConflictRow> = sqlx::query_as(
            "SELECT entity, entity_id, kind, name, fields, mine, at FROM sync_conflicts \
                 WHERE workspace_id = ? ORDER BY at, entity, entity_id",
        )
        .bind(workspace_id)
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter()
            .map(|(entity, entity_id, kind, name, fields, mine, at)| {
                let conflict = match kind.as_str() {
                    "fields" => ConflictKind::Fields {
                        fields: serde_json::from_str(fields.as_deref().unwrap_or("[]"))
                            .map_err(|error| Error::corrupt("conflict", error))?,
                    },
                    "deleted_there" => ConflictKind::DeletedThere {
                        mine: parse_fields(mine)?.unwrap_or_default(),
                    },
                    _ => ConflictKind::ChangedThere,
                };
                Ok(SyncConflict {
                    workspace_id: workspace_id.to_owned(),
                    entity: kind_of(&entity)?,
                    entity_id,
                    name,
                    conflict,
                    at,
                })
            })
            .collect()
    }
}

/// Stages one pending entity (its last change `last`): an operation when it differs
/// from what the server has, otherwise only a base that covers the change.
async fn stage_one(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
    last: i64,
) -> Result<()> {
    let now = sync_fields::read(w.conn(), entity, id).await?;
    let base = base_of(w.conn(), workspace_id, entity, id)
        .await?
        .unwrap_or(Base {
            revision: 0,
            fields: None,
        });
    if now == base.fields {
        // Made and deleted before ever syncing, or changed back: nothing to send.
        return set_base(w.conn(), workspace_id, entity, id, &base, last).await;
    }
    sqlx::query(
        "INSERT INTO sync_outbox (id, workspace_id, entity, entity_id, base_revision, fields, \
         covers_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(new_id())
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(id)
    .bind(base.revision)
    .bind(fields_text(now.as_ref()))
    .bind(last)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Merges a refused operation's entity (as it stands here now) with the server's
/// (`current`) against their base; writes the result here, makes it pending again if it
/// keeps anything of this device's, and records what is left to decide. Returns whether
/// a conflict was recorded.
async fn merge_refused(
    w: &mut Write,
    workspace_id: &str,
    operation: &SyncOperation,
    current: Option<&SyncedEntity>,
) -> Result<bool> {
    let (entity, id) = (operation.entity, operation.entity_id.as_str());
    let base = base_of(w.conn(), workspace_id, entity, id).await?;
    let base_fields = base.and_then(|base| base.fields);
    let mine_now = sync_fields::read(w.conn(), entity, id).await?;
    let theirs = Base {
        revision: current.map_or(0, |current| current.revision),
        fields: current.and_then(|current| current.fields.clone()),
    };
    let base_map: Option<Fields> = base_fields.clone().map(|f| f.into_iter().collect());
    let outcome = merge_entity(
        base_map.as_ref(),
        as_side(base_fields.as_ref(), mine_now.clone()),
        as_side(base_fields.as_ref(), theirs.fields.clone()),
        |field| {
            if is_place(field) {
                FieldRule::TheirsWin
            } else {
                FieldRule::Ask
            }
        },
    );
    let name = display_name(entity, mine_now.as_ref().or(theirs.fields.as_ref()));
    let (result, conflict) = match outcome {
        Outcome::Settled(result) => (result.map(as_map), None),
        Outcome::Fields { merged, conflicts } => (
            Some(as_map(merged)),
            Some(ConflictKind::Fields { fields: conflicts }),
        ),
        Outcome::DeletedThere { mine } => (
            None,
            Some(ConflictKind::DeletedThere { mine: as_map(mine) }),
        ),
        Outcome::ChangedThere { theirs } => {
            (Some(as_map(theirs)), Some(ConflictKind::ChangedThere))
        }
    };
    let now = w.now;
    if result != mine_now {
        match &result {
            Some(fields) => sync_fields::write(w.conn(), entity, id, fields, now).await?,
            None => sync_fields::delete(w.conn(), entity, id).await?,
        }
    }
    let covers = last_change(w.conn(), workspace_id, entity, id).await?;
    set_base(w.conn(), workspace_id, entity, id, &theirs, covers).await?;
    if result != theirs.fields {
        // Something of this device's stays: send it on the server's revision.
        let kind = if result.is_some() {
            ChangeKind::Update
        } else {
            ChangeKind::Delete
        };
        log(w, workspace_id, entity, id, kind, theirs.revision + 1).await?;
    }
    let Some(conflict) = conflict else {
        return Ok(false);
    };
    record_conflict(w, workspace_id, entity, id, &name, &conflict).await?;
    Ok(true)
}

async fn record_conflict(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    id: &str,
    name: &str,
    conflict: &ConflictKind,
) -> Result<()> {
    let (kind, fields, mine) = match conflict {
        ConflictKind::Fields { fields } => (
            "fields",
            Some(serde_json::to_string(fields).map_err(|error| Error::Storage(error.to_string()))?),
            None,
        ),
        ConflictKind::DeletedThere { mine } => ("deleted_there", None, fields_text(Some(mine))),
        ConflictKind::ChangedThere => ("changed_there", None, None),
    };
    let now = w.now;
    sqlx::query(
        "INSERT INTO sync_conflicts (workspace_id, entity, entity_id, kind, name, fields, mine, at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, entity, entity_id) DO UPDATE \
         SET kind = excluded.kind, name = excluded.name, fields = excluded.fields, \
         mine = excluded.mine, at = excluded.at",
    )
    .bind(workspace_id)
    .bind(entity.as_str())
    .bind(id)
    .bind(kind)
    .bind(name)
    .bind(fields)
    .bind(mine)
    .bind(now)
    .execute(w.conn())
    .await?;
    Ok(())
}

/// Removes what a pull left without a parent here (a folder or request whose collection
/// another device deleted). One that holds this device's unsent work is kept as a
/// "deleted there" conflict first, so its fields are not lost.
async fn drop_orphans(w: &mut Write, workspace_id: &str) -> Result<()> {
    loop {
        let violations: Vec<(String, i64)> =
            sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
                .fetch_all(w.conn())
                .await?;
        if violations.is_empty() {
            return Ok(());
        }
        for (table, rowid) in violations {
            let entity = match table.as_str() {
                "folders" => Some(EntityKind::Folder),
                "requests" => Some(EntityKind::Request),
                "collections" => Some(EntityKind::Collection),
                "environments" => Some(EntityKind::Environment),
                _ => None,
            };
            if let Some(entity) = entity {
                keep_unsent_work(w, workspace_id, entity, &table, rowid).await?;
            }
            sqlx::query(&format!("DELETE FROM \"{table}\" WHERE rowid = ?"))
                .bind(rowid)
                .execute(w.conn())
                .await?;
        }
    }
}

/// Records an orphan's fields as a "deleted there" conflict when it holds this
/// device's unsent work.
async fn keep_unsent_work(
    w: &mut Write,
    workspace_id: &str,
    entity: EntityKind,
    table: &str,
    rowid: i64,
) -> Result<()> {
    let id: Option<String> = sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE rowid = ?"))
        .bind(rowid)
        .fetch_optional(w.conn())
        .await?;
    let Some(id) = id else {
        return Ok(());
    };
    if !is_pending(w.conn(), workspace_id, entity, &id).await? {
        return Ok(());
    }
    if let Some(mine) = sync_fields::read(w.conn(), entity, &id).await? {
        let name = display_name(entity, Some(&mine));
        let conflict = ConflictKind::DeletedThere { mine };
        record_conflict(w, workspace_id, entity, &id, &name, &conflict).await?;
    }
    Ok(())
}

/// Which side a conflict is settled for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The server's version stays (it is already what the entity holds).
    Theirs,
    /// This device's version wins: written here and sent as a new change.
    Mine,
}

impl WorkspaceDb {
    /// Settles one conflict. Keeping mine writes this device's values (restores the
    /// entity, or deletes it again) as a local change that the next round sends.
    pub async fn resolve_conflict(
        &self,
        workspace_id: &str,
        entity: EntityKind,
        entity_id: &str,
        keep: Keep,
    ) -> Result<()> {
        let conflicts = self.sync_conflicts(workspace_id).await?;
        let conflict = conflicts
            .into_iter()
            .find(|c| c.entity == entity && c.entity_id == entity_id)
            .ok_or_else(|| Error::conflict("this conflict was settled already"))?;
        let mut w = self.write().await?;
        if keep == Keep::Mine {
            keep_mine(&mut w, &conflict).await?;
        }
        sqlx::query(
            "DELETE FROM sync_conflicts WHERE workspace_id = ? AND entity = ? AND entity_id = ?",
        )
        .bind(workspace_id)
        .bind(entity.as_str())
        .bind(entity_id)
        .execute(w.conn())
        .await?;
        w.commit().await
    }

    /// **Keep all mine** for a whole workspace.
    pub async fn keep_all_mine(&self, workspace_id: &str) -> Result<u32> {
        let conflicts = self.sync_conflicts(workspace_id).await?;
        let count = u32::try_from(conflicts.len()).unwrap_or(u32::MAX);
        for conflict in conflicts {
            self.resolve_conflict(
                workspace_id,
                conflict.entity,
                &conflict.entity_id,
                Keep::Mine,
            )
            .await?;
        }
        Ok(count)
    }
}

/// Writes this device's side of `conflict` and logs it as a local change.
async fn keep_mine(w: &mut Write, conflict: &SyncConflict) -> Result<()> {
    let (workspace_id, entity, id) = (
        conflict.workspace_id.as_str(),
        conflict.entity,
        conflict.entity_id.as_str(),
    );
    let now = w.now;
    let kind = match &conflict.conflict {
        ConflictKind::Fields { fields } => {
            let Some(mut current) = sync_fields::read(w.conn(), entity, id).await? else {
                return Err(Error::conflict(
                    "this item was deleted since; nothing to keep",
                ));
            };
            for field in fields {
                match &field.mine {
                    Some(value) => current.insert(field.field.clone(), value.clone()),
                    None => current.remove(&field.field),
                };
            }
            sync_fields::write(w.conn(), entity, id, &current, now).await?;
            ChangeKind::Update
        }
        ConflictKind::DeletedThere { mine } => {
            sync_fields::write(w.conn(), entity, id, mine, now).await?;
            ChangeKind::Create
        }
        ConflictKind::ChangedThere => {
            sync_fields::delete(w.conn(), entity, id).await?;
            ChangeKind::Delete
        }
    };
    let revision: i64 = sqlx::query_scalar(&format!(
        "SELECT COALESCE(MAX(revision), 0) FROM {} WHERE {} = ?",
        super::changes::table_of(entity).0,
        super::changes::table_of(entity).1
    ))
    .bind(id)
    .fetch_one(w.conn())
    .await?;
    log(w, workspace_id, entity, id, kind, revision).await
}

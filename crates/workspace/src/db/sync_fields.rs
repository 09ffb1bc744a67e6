//! An entity's synced fields: which columns of its table travel to the server and how
//! each reads as JSON, so one table ([`SYNCED`]) serves both directions — reading what
//! a device pushes and writing what it pulls. A column holding JSON text travels as
//! JSON; a request's spec travels one top-level field at a time (`spec.url`,
//! `spec.headers`, …) so that two devices editing different parts of one request merge
//! without a conflict. Ids, revisions and times are the device's own and never travel,
//! nor does who a workspace belongs to on this device.

use serde_json::{Map, Value};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row as _, SqliteConnection};

use super::changes::table_of;
use super::{Error, Result};
use crate::model::EntityKind;

/// How a column reads as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// TEXT, possibly NULL.
    Text,
    Int,
    /// INTEGER 0/1.
    Flag,
    /// TEXT holding JSON.
    Json,
    /// TEXT holding a JSON object whose members travel as `column.member`.
    Spread,
}

use Kind::{Flag, Int, Json, Spread, Text};

type Columns = &'static [(&'static str, Kind)];

/// The synced columns of each kind of entity.
fn columns(entity: EntityKind) -> Columns {
    match entity {
        EntityKind::Workspace => &[
            ("name", Text),
            ("active_environment", Text),
            ("encrypt_values", Flag),
        ],
        EntityKind::Globals => &[("variables", Json)],
        EntityKind::Environment => &[("workspace_id", Text), ("name", Text), ("variables", Json)],
        EntityKind::Collection => &[
            ("workspace_id", Text),
            ("name", Text),
            ("description", Text),
            ("auth", Json),
            ("variables", Json),
            ("scripts", Json),
            ("position", Int),
        ],
        EntityKind::Folder => &[
            ("collection_id", Text),
            ("parent_id", Text),
            ("name", Text),
            ("description", Text),
            ("auth", Json),
            ("scripts", Json),
            ("position", Int),
        ],
        EntityKind::Request => &[
            ("collection_id", Text),
            ("folder_id", Text),
            ("name", Text),
            ("description", Text),
            ("spec", Spread),
            ("scripts", Json),
            ("position", Int),
        ],
    }
}

/// Fields that say where an item sits rather than what it is: when both sides moved
/// it, the server's place stays without asking (see `sync::merge`).
pub fn is_place(field: &str) -> bool {
    matches!(
        field,
        "position" | "collection_id" | "folder_id" | "parent_id" | "workspace_id"
    )
}

fn column_list(entity: EntityKind) -> String {
    columns(entity)
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn corrupt(entity: EntityKind, column: &str, problem: impl std::fmt::Display) -> Error {
    Error::corrupt(&format!("{} {column}", entity.as_str()), problem)
}

/// The entity's synced fields as stored now, or `None` when it does not exist here.
pub(super) async fn read(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: &str,
) -> Result<Option<Map<String, Value>>> {
    let (table, id_column) = table_of(entity);
    let row: Option<SqliteRow> = sqlx::query(&format!(
        "SELECT {} FROM {table} WHERE {id_column} = ?",
        column_list(entity)
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut fields = Map::new();
    for (name, kind) in columns(entity) {
        let value = match kind {
            Text => row
                .try_get::<Option<String>, _>(*name)?
                .map_or(Value::Null, Value::String),
            Int => Value::from(row.try_get::<i64, _>(*name)?),
            Flag => Value::Bool(row.try_get::<bool, _>(*name)?),
            Json | Spread => {
                let text: String = row.try_get(*name)?;
                serde_json::from_str(&text).map_err(|error| corrupt(entity, name, error))?
            }
        };
        match (kind, value) {
            (Spread, Value::Object(members)) => {
                for (member, value) in members {
                    fields.insert(format!("{name}.{member}"), value);
                }
            }
            (Spread, _) => return Err(corrupt(entity, name, "not an object")),
            (_, value) => {
                fields.insert((*name).to_owned(), value);
            }
        }
    }
    Ok(Some(fields))
}

/// One column's value from `fields`, ready to bind; an absent or mistyped value is
/// refused (nothing is written from a half-understood entity).
enum Bound {
    Text(Option<String>),
    Int(i64),
}

fn bound(entity: EntityKind, fields: &Map<String, Value>, name: &str, kind: Kind) -> Result<Bound> {
    let refused = |problem: &str| corrupt(entity, name, problem);
    Ok(match kind {
        Text => match fields.get(name) {
            None | Some(Value::Null) => Bound::Text(None),
            Some(Value::String(text)) => Bound::Text(Some(text.clone())),
            Some(_) => return Err(refused("not text")),
        },
        Int => Bound::Int(
            fields
                .get(name)
                .and_then(Value::as_i64)
                .ok_or_else(|| refused("not a whole number"))?,
        ),
        Flag => Bound::Int(i64::from(
            fields
                .get(name)
                .and_then(Value::as_bool)
                .ok_or_else(|| refused("not true or false"))?,
        )),
        Json => Bound::Text(Some(
            fields
                .get(name)
                .filter(|value| !value.is_null())
                .ok_or_else(|| refused("missing"))?
                .to_string(),
        )),
        Spread => {
            let prefix = format!("{name}.");
            let members: Map<String, Value> = fields
                .iter()
                .filter_map(|(field, value)| {
                    field
                        .strip_prefix(&prefix)
                        .map(|member| (member.to_owned(), value.clone()))
                })
                .collect();
            Bound::Text(Some(Value::Object(members).to_string()))
        }
    })
}

/// The columns derived from others (a request's method and URL, copied from its spec
/// for the sidebar and its filter).
fn derived(entity: EntityKind, fields: &Map<String, Value>) -> Vec<(&'static str, Bound)> {
    if entity != EntityKind::Request {
        return Vec::new();
    }
    let text = |field: &str| {
        Bound::Text(Some(
            fields
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        ))
    };
    vec![("method", text("spec.method")), ("url", text("spec.url"))]
}

/// Writes `fields` over the entity (one more local revision), or creates it with them
/// when it does not exist here. Not a local change: the change log is untouched.
pub(super) async fn write(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: &str,
    fields: &Map<String, Value>,
    now: i64,
) -> Result<()> {
    let mut values: Vec<(&str, Bound)> = Vec::new();
    for (name, kind) in columns(entity) {
        values.push((name, bound(entity, fields, name, *kind)?));
    }
    values.extend(derived(entity, fields));
    let (table, id_column) = table_of(entity);
    let names: Vec<&str> = values.iter().map(|(name, _)| *name).collect();
    // One statement whether it exists or not: a catch-up writes thousands.
    let updates: Vec<String> = names
        .iter()
        .map(|name| format!("{name} = excluded.{name}"))
        .collect();
    // A workspace's row has columns of this device's own (who it belongs to here): it is
    // made when the workspace is adopted and only ever updated from the server.
    let sql = if entity == EntityKind::Workspace {
        let sets: Vec<String> = names.iter().map(|name| format!("{name} = ?")).collect();
        format!(
            "UPDATE {table} SET {}, updated_at = ?, revision = revision + 1 \
             WHERE {id_column} = ?",
            sets.join(", ")
        )
    } else {
        format!(
            "INSERT INTO {table} ({}, updated_at, {id_column}, revision, created_at) \
             VALUES ({}, ?, ?, 1, ?) ON CONFLICT ({id_column}) DO UPDATE SET {}, \
             revision = revision + 1, updated_at = excluded.updated_at",
            names.join(", "),
            vec!["?"; names.len()].join(", "),
            updates.join(", ")
        )
    };
    let mut query = sqlx::query(&sql);
    for (_, value) in values {
        query = match value {
            Bound::Text(text) => query.bind(text),
            Bound::Int(number) => query.bind(number),
        };
    }
    query = query.bind(now).bind(id);
    if entity != EntityKind::Workspace {
        query = query.bind(now);
    }
    query.execute(conn).await?;
    Ok(())
}

/// Deletes the entity here (with what it holds), if it exists. Not a local change.
pub(super) async fn delete(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: &str,
) -> Result<()> {
    if entity == EntityKind::Workspace || entity == EntityKind::Globals {
        // A workspace is removed from a device on purpose only, never by a pull.
        return Ok(());
    }
    let (table, id_column) = table_of(entity);
    sqlx::query(&format!("DELETE FROM {table} WHERE {id_column} = ?"))
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

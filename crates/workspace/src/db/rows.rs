//! How each entity lies in its table: one row type per table, which [`Stored`] ties to
//! its table and columns (so [`fetch`] and [`select`] read any of them), written with
//! one `insert_*` (used for creating, duplicating and restoring alike), and turned into
//! the model's types. Rows hold values as stored (JSON text, sealed
//! secrets), which is also what an undo snapshot keeps.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::query::Query;
use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{FromRow, Row as _, Sqlite, SqliteConnection};

use super::secrets::{Slot, Vault};
use super::{Error, Result};
use crate::model::{
    Collection, EntityKind, Environment, Folder, Globals, Meta, Owner, Request, RequestSpec,
    Workspace,
};

impl<'r> FromRow<'r, SqliteRow> for Meta {
    fn from_row(row: &'r SqliteRow) -> sqlx::Result<Self> {
        Ok(Self {
            id: row.try_get("id")?,
            revision: row.try_get("revision")?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }
}

/// A new entity's [`Meta`]: revision 1, created and changed `now`.
pub(super) fn new_meta(id: String, now: i64) -> Meta {
    Meta {
        id,
        revision: 1,
        created_at: now,
        updated_at: now,
    }
}

/// `INSERT INTO table (columns) VALUES (?, …)`, one placeholder per column.
fn insert_sql(table: &str, columns: &str) -> String {
    let placeholders = vec!["?"; columns.split(',').count()].join(", ");
    format!("INSERT INTO {table} ({columns}) VALUES ({placeholders})")
}

/// `query` with a row's meta bound: every column list starts with it.
fn with_meta<'q>(
    query: Query<'q, Sqlite, SqliteArguments<'q>>,
    meta: &'q Meta,
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    query
        .bind(&meta.id)
        .bind(meta.revision)
        .bind(meta.created_at)
        .bind(meta.updated_at)
}

pub(super) fn to_json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|error| Error::Storage(error.to_string()))
}

pub(super) fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|error| Error::corrupt(what, error))
}

#[derive(Debug, Clone, FromRow, Serialize, Deserialize)]
pub(super) struct WorkspaceRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: Meta,
    pub name: String,
    pub owner_kind: String,
    pub owner_account: Option<String>,
    pub active_environment: Option<String>,
    pub encrypt_values: bool,
}

pub(super) const WORKSPACE_COLUMNS: &str = "id, revision, created_at, updated_at, name, owner_kind, \
     owner_account, active_environment, encrypt_values";

pub(super) const SCRATCH_PAD: &str = "scratch_pad";
pub(super) const ACCOUNT: &str = "account";

impl WorkspaceRow {
    pub fn into_model(self) -> Result<Workspace> {
        let owner = match (self.owner_kind.as_str(), self.owner_account) {
            (SCRATCH_PAD, None) => Owner::ScratchPad,
            (ACCOUNT, Some(account)) => Owner::Account { account },
            (kind, _) => return Err(Error::corrupt("workspace owner", kind)),
        };
        Ok(Workspace {
            meta: self.meta,
            name: self.name,
            owner,
            active_environment: self.active_environment,
            encrypt_values: self.encrypt_values,
        })
    }
}

pub(super) async fn insert_workspace(
    conn: &mut SqliteConnection,
    row: &WorkspaceRow,
) -> Result<()> {
    with_meta(
        sqlx::query(&insert_sql("workspaces", WORKSPACE_COLUMNS)),
        &row.meta,
    )
    .bind(&row.name)
    .bind(&row.owner_kind)
    .bind(&row.owner_account)
    .bind(&row.active_environment)
    .bind(row.encrypt_values)
    .execute(conn)
    .await?;
    Ok(())
}

/// A workspace's globals; `meta.id` is the workspace's id.
#[derive(Debug, Clone, FromRow, Serialize, Deserialize)]
pub(super) struct GlobalsRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: Meta,
    pub variables: String,
}

pub(super) const GLOBALS_COLUMNS: &str =
    "workspace_id AS id, revision, created_at, updated_at, variables";
const GLOBALS_INSERT: &str = "workspace_id, revision, created_at, updated_at, variables";

/// Where a workspace's globals are sealed.
pub(super) fn globals_slot(workspace_id: &str) -> Slot<'_> {
    Slot {
        workspace_id,
        entity_id: workspace_id,
        field: "globals",
    }
}

impl GlobalsRow {
    pub fn into_model(self, vault: &Vault) -> Result<Globals> {
        let variables = vault.open(globals_slot(&self.meta.id), &self.variables)?;
        Ok(Globals {
            workspace_id: self.meta.id.clone(),
            meta: self.meta,
            variables,
        })
    }
}

pub(super) async fn insert_globals(conn: &mut SqliteConnection, row: &GlobalsRow) -> Result<()> {
    with_meta(
        sqlx::query(&insert_sql("globals", GLOBALS_INSERT)),
        &row.meta,
    )
    .bind(&row.variables)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, Serialize, Deserialize)]
pub(super) struct EnvironmentRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: Meta,
    pub workspace_id: String,
    pub name: String,
    pub variables: String,
}

pub(super) const ENVIRONMENT_COLUMNS: &str =
    "id, revision, created_at, updated_at, workspace_id, name, variables";

/// Where an environment's or a collection's variables are sealed.
pub(super) fn variables_slot<'a>(workspace_id: &'a str, entity_id: &'a str) -> Slot<'a> {
    Slot {
        workspace_id,
        entity_id,
        field: "variables",
    }
}

impl EnvironmentRow {
    pub fn into_model(self, vault: &Vault) -> Result<Environment> {
        let variables = vault.open(
            variables_slot(&self.workspace_id, &self.meta.id),
            &self.variables,
        )?;
        Ok(Environment {
            meta: self.meta,
            workspace_id: self.workspace_id,
            name: self.name,
            variables,
        })
    }
}

pub(super) async fn insert_environment(
    conn: &mut SqliteConnection,
    row: &EnvironmentRow,
) -> Result<()> {
    with_meta(
        sqlx::query(&insert_sql("environments", ENVIRONMENT_COLUMNS)),
        &row.meta,
    )
    .bind(&row.workspace_id)
    .bind(&row.name)
    .bind(&row.variables)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, Serialize, Deserialize)]
pub(super) struct CollectionRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: Meta,
    pub workspace_id: String,
    pub name: String,
    pub description: Option<String>,
    pub auth: String,
    pub variables: String,
    pub scripts: String,
    pub position: i64,
}

pub(super) const COLLECTION_COLUMNS: &str = "id, revision, created_at, updated_at, workspace_id, \
     name, description, auth, variables, scripts, position";

impl CollectionRow {
    pub fn into_model(self, vault: &Vault) -> Result<Collection> {
        let variables = vault.open(
            variables_slot(&self.workspace_id, &self.meta.id),
            &self.variables,
        )?;
        Ok(Collection {
            meta: self.meta,
            workspace_id: self.workspace_id,
            name: self.name,
            description: self.description,
            auth: from_json("collection auth", &self.auth)?,
            variables,
            scripts: from_json("collection scripts", &self.scripts)?,
            position: self.position,
        })
    }
}

pub(super) async fn insert_collection(
    conn: &mut SqliteConnection,
    row: &CollectionRow,
) -> Result<()> {
    with_meta(
        sqlx::query(&insert_sql("collections", COLLECTION_COLUMNS)),
        &row.meta,
    )
    .bind(&row.workspace_id)
    .bind(&row.name)
    .bind(&row.description)
    .bind(&row.auth)
    .bind(&row.variables)
    .bind(&row.scripts)
    .bind(row.position)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, Serialize, Deserialize)]
pub(super) struct FolderRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: Meta,
    pub collection_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub auth: String,
    pub scripts: String,
    pub position: i64,
}

pub(super) const FOLDER_COLUMNS: &str = "id, revision, created_at, updated_at, collection_id, \
     parent_id, name, description, auth, scripts, position";

impl FolderRow {
    pub fn into_model(self) -> Result<Folder> {
        Ok(Folder {
            meta: self.meta,
            collection_id: self.collection_id,
            parent_id: self.parent_id,
            name: self.name,
            description: self.description,
            auth: from_json("folder auth", &self.auth)?,
            scripts: from_json("folder scripts", &self.scripts)?,
            position: self.position,
        })
    }
}

pub(super) async fn insert_folder(conn: &mut SqliteConnection, row: &FolderRow) -> Result<()> {
    with_meta(
        sqlx::query(&insert_sql("folders", FOLDER_COLUMNS)),
        &row.meta,
    )
    .bind(&row.collection_id)
    .bind(&row.parent_id)
    .bind(&row.name)
    .bind(&row.description)
    .bind(&row.auth)
    .bind(&row.scripts)
    .bind(row.position)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, Serialize, Deserialize)]
pub(super) struct RequestRow {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub meta: Meta,
    pub collection_id: String,
    pub folder_id: Option<String>,
    pub name: String,
    pub description: Option<String>,
    pub spec: String,
    pub scripts: String,
    pub position: i64,
}

pub(super) const REQUEST_COLUMNS: &str = "id, revision, created_at, updated_at, collection_id, \
     folder_id, name, description, spec, scripts, position";

impl RequestRow {
    pub fn into_model(self) -> Result<Request> {
        Ok(Request {
            meta: self.meta,
            collection_id: self.collection_id,
            folder_id: self.folder_id,
            name: self.name,
            description: self.description,
            spec: from_json("request", &self.spec)?,
            scripts: from_json("request scripts", &self.scripts)?,
            position: self.position,
        })
    }
}

/// Inserts `row`, copying the spec's method and URL to their columns (the sidebar
/// and the filter read those).
pub(super) async fn insert_request(conn: &mut SqliteConnection, row: &RequestRow) -> Result<()> {
    let spec: RequestSpec = from_json("request", &row.spec)?;
    let sql = insert_sql("requests", &format!("{REQUEST_COLUMNS}, method, url"));
    with_meta(sqlx::query(&sql), &row.meta)
        .bind(&row.collection_id)
        .bind(&row.folder_id)
        .bind(&row.name)
        .bind(&row.description)
        .bind(&row.spec)
        .bind(&row.scripts)
        .bind(row.position)
        .bind(&spec.method)
        .bind(&spec.url)
        .execute(conn)
        .await?;
    Ok(())
}

/// A row type and the table it lives in.
pub(super) trait Stored: for<'r> FromRow<'r, SqliteRow> + Send + Unpin {
    const ENTITY: EntityKind;
    /// The columns it reads, in `SELECT` form.
    const COLUMNS: &'static str;
}

macro_rules! stored {
    ($($row:ty => $entity:ident, $columns:ident;)*) => {
        $(impl Stored for $row {
            const ENTITY: EntityKind = EntityKind::$entity;
            const COLUMNS: &'static str = $columns;
        })*
    };
}

stored! {
    WorkspaceRow => Workspace, WORKSPACE_COLUMNS;
    GlobalsRow => Globals, GLOBALS_COLUMNS;
    EnvironmentRow => Environment, ENVIRONMENT_COLUMNS;
    CollectionRow => Collection, COLLECTION_COLUMNS;
    FolderRow => Folder, FOLDER_COLUMNS;
    RequestRow => Request, REQUEST_COLUMNS;
}

/// The rows that `filter` (one `?`, bound to `id`) selects.
pub(super) async fn select<T: Stored>(
    conn: &mut SqliteConnection,
    filter: &str,
    id: &str,
) -> Result<Vec<T>> {
    let (table, _) = super::changes::table_of(T::ENTITY);
    let sql = format!("SELECT {} FROM {table} WHERE {filter}", T::COLUMNS);
    Ok(sqlx::query_as(&sql).bind(id).fetch_all(conn).await?)
}

/// The row of one entity by id, or [`Error::NotFound`].
pub(super) async fn fetch<T: Stored>(conn: &mut SqliteConnection, id: &str) -> Result<T> {
    let (table, id_column) = super::changes::table_of(T::ENTITY);
    let sql = format!("SELECT {} FROM {table} WHERE {id_column} = ?", T::COLUMNS);
    sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found(T::ENTITY, id))
}

/// The workspace an entity belongs to, or [`Error::NotFound`].
pub(super) async fn workspace_of(
    conn: &mut SqliteConnection,
    entity: EntityKind,
    id: &str,
) -> Result<String> {
    let sql = match entity {
        EntityKind::Workspace => "SELECT id FROM workspaces WHERE id = ?",
        EntityKind::Collection => "SELECT workspace_id FROM collections WHERE id = ?",
        EntityKind::Folder => {
            "SELECT c.workspace_id FROM folders f JOIN collections c ON c.id = f.collection_id \
             WHERE f.id = ?"
        }
        EntityKind::Request => {
            "SELECT c.workspace_id FROM requests r JOIN collections c ON c.id = r.collection_id \
             WHERE r.id = ?"
        }
        EntityKind::Environment => "SELECT workspace_id FROM environments WHERE id = ?",
        EntityKind::Globals => "SELECT workspace_id FROM globals WHERE workspace_id = ?",
    };
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found(entity, id))
}

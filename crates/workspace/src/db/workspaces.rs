//! Workspaces: the Scratch Pad (created on first open, always there, not renamed or
//! deleted, so every part of the app can count on it) and each account's own. Signing
//! out keeps an account's workspaces on the device; [`WorkspaceDb::remove_account_workspaces`]
//! is the separate, explicit "remove this device's copy".

use sqlx::SqliteConnection;

use super::changes::{bump, created};
use super::rows::{
    ACCOUNT, CollectionRow, EnvironmentRow, GlobalsRow, SCRATCH_PAD, WORKSPACE_COLUMNS,
    WorkspaceRow, fetch, globals_slot, insert_globals, insert_workspace, new_meta, select,
    variables_slot,
};
use super::secrets::{Column, Slot};
use super::{Error, Result, WorkspaceDb, Write, clean_name, new_id};
use crate::model::{EntityKind, Owner, Workspace};

/// Selects the rows of one workspace (with [`super::rows::select`]).
pub(super) const IN_WORKSPACE: &str = "workspace_id = ?";

/// The Scratch Pad's name.
pub const SCRATCH_PAD_NAME: &str = "Scratch Pad";

impl WorkspaceDb {
    pub(super) async fn ensure_scratch_pad(&self) -> Result<()> {
        let mut w = self.write().await?;
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM workspaces WHERE owner_kind = ?")
                .bind(SCRATCH_PAD)
                .fetch_optional(w.conn())
                .await?;
        if exists.is_none() {
            insert_new_workspace(&mut w, SCRATCH_PAD_NAME, &Owner::ScratchPad, None).await?;
        }
        w.commit().await
    }

    /// The Scratch Pad.
    pub async fn scratch_pad(&self) -> Result<Workspace> {
        let row: WorkspaceRow = sqlx::query_as(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE owner_kind = ?"
        ))
        .bind(SCRATCH_PAD)
        .fetch_one(&mut *self.read().await?)
        .await?;
        row.into_model()
    }

    /// The workspaces to show: the Scratch Pad first, then `account`'s own (none when
    /// no account is signed in), by name.
    pub async fn workspaces(&self, account: Option<&str>) -> Result<Vec<Workspace>> {
        let rows: Vec<WorkspaceRow> = sqlx::query_as(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces \
             WHERE owner_kind = ? OR owner_account = ? \
             ORDER BY owner_kind = ? DESC, name COLLATE NOCASE, created_at, id"
        ))
        .bind(SCRATCH_PAD)
        .bind(account)
        .bind(SCRATCH_PAD)
        .fetch_all(&mut *self.read().await?)
        .await?;
        rows.into_iter().map(WorkspaceRow::into_model).collect()
    }

    pub async fn workspace(&self, id: &str) -> Result<Workspace> {
        let row: WorkspaceRow = fetch(&mut *self.read().await?, id).await?;
        row.into_model()
    }

    /// A new workspace of `account`'s, with an empty set of globals.
    pub async fn create_workspace(&self, account: &str, name: &str) -> Result<Workspace> {
        self.create_synced_workspace(account, name, None).await
    }

    /// A new workspace of `account`'s, synced for its team `team_id`'s members when
    /// given (from its first moment, so it never reaches the server as the account's
    /// own).
    pub async fn create_synced_workspace(
        &self,
        account: &str,
        name: &str,
        team_id: Option<&str>,
    ) -> Result<Workspace> {
        if account.is_empty() {
            return Err(Error::invalid("a workspace needs an account"));
        }
        if team_id.is_some_and(str::is_empty) {
            return Err(Error::invalid("a team workspace needs a team"));
        }
        let name = clean_name(name)?;
        let mut w = self.write().await?;
        let owner = Owner::Account {
            account: account.to_owned(),
        };
        let workspace = insert_new_workspace(&mut w, &name, &owner, team_id).await?;
        w.commit().await?;
        Ok(workspace)
    }

    /// Renames an account's workspace (the Scratch Pad keeps its name).
    pub async fn rename_workspace(&self, id: &str, name: &str) -> Result<Workspace> {
        let name = clean_name(name)?;
        let mut w = self.write().await?;
        let row = workspace_row(w.conn(), id).await?;
        if row.owner_kind == SCRATCH_PAD {
            return Err(Error::invalid("the Scratch Pad cannot be renamed"));
        }
        sqlx::query("UPDATE workspaces SET name = ? WHERE id = ?")
            .bind(&name)
            .bind(id)
            .execute(w.conn())
            .await?;
        bump(&mut w, id, EntityKind::Workspace, id).await?;
        let workspace = workspace_row(w.conn(), id).await?.into_model()?;
        w.commit().await?;
        Ok(workspace)
    }

    /// Turns sealing of every variable value (not only secret ones) on or off for a
    /// workspace, re-storing its globals', environments' and collections' variables
    /// accordingly. Needs the device's key either way.
    pub async fn set_encrypt_values(&self, id: &str, on: bool) -> Result<Workspace> {
        self.vault()
            .require_key("changing which values are encrypted")?;
        let mut w = self.write().await?;
        let row = workspace_row(w.conn(), id).await?;
        if row.encrypt_values != on {
            sqlx::query("UPDATE workspaces SET encrypt_values = ? WHERE id = ?")
                .bind(on)
                .bind(id)
                .execute(w.conn())
                .await?;
            self.reseal_workspace(&mut w, id, on, Reseal::Every).await?;
            bump(&mut w, id, EntityKind::Workspace, id).await?;
        }
        let workspace = workspace_row(w.conn(), id).await?.into_model()?;
        w.commit().await?;
        Ok(workspace)
    }

    /// Re-stores the variable columns of a workspace with `seal_all`, as `reseal` says.
    /// Returns how many were stored again.
    pub(super) async fn reseal_workspace(
        &self,
        w: &mut Write,
        id: &str,
        seal_all: bool,
        reseal: Reseal,
    ) -> Result<usize> {
        let globals: GlobalsRow = fetch(w.conn(), id).await?;
        let environments: Vec<EnvironmentRow> = select(w.conn(), IN_WORKSPACE, id).await?;
        let collections: Vec<CollectionRow> = select(w.conn(), IN_WORKSPACE, id).await?;
        let columns = std::iter::once((EntityKind::Globals, globals_slot(id), &globals.variables))
            .chain(environments.iter().map(|env| {
                let slot = variables_slot(id, &env.meta.id);
                (EntityKind::Environment, slot, &env.variables)
            }))
            .chain(collections.iter().map(|collection| {
                let slot = variables_slot(id, &collection.meta.id);
                (EntityKind::Collection, slot, &collection.variables)
            }));
        let mut stored = 0;
        for (entity, slot, column) in columns {
            match reseal {
                Reseal::Every => {
                    let variables = self.vault().open(slot, column)?;
                    let resealed = self
                        .vault()
                        .seal(slot, &variables, seal_all, Some(column))?;
                    store_variables(w, entity, slot, resealed).await?;
                }
                Reseal::SealedAsChanges | Reseal::DeviceSealedAsChanges => {
                    let resealed = if reseal == Reseal::SealedAsChanges {
                        self.vault().reseal(slot, column, seal_all)?
                    } else {
                        self.vault().reseal_device_sealed(slot, column, seal_all)?
                    };
                    let Some(resealed) = resealed else {
                        continue;
                    };
                    store_variables(w, entity, slot, resealed).await?;
                    bump(w, id, entity, slot.entity_id).await?;
                }
            }
            stored += 1;
        }
        Ok(stored)
    }

    /// Removes every workspace of `account` from this device, with everything in
    /// them, their history, drafts and change log: "sign out and remove this device's
    /// copy". Not a change to sync (the account's copy elsewhere stays) and not
    /// undoable. Returns how many workspaces were removed.
    pub async fn remove_account_workspaces(&self, account: &str) -> Result<u64> {
        let mut w = self.write().await?;
        let ids: Vec<String> = sqlx::query_scalar(
            "DELETE FROM workspaces WHERE owner_kind = ? AND owner_account = ? RETURNING id",
        )
        .bind(ACCOUNT)
        .bind(account)
        .fetch_all(w.conn())
        .await?;
        for id in &ids {
            sqlx::query("DELETE FROM changes WHERE workspace_id = ?")
                .bind(id)
                .execute(w.conn())
                .await?;
        }
        w.commit().await?;
        for id in &ids {
            self.vault().forget_workspace(id);
        }
        Ok(ids.len() as u64)
    }

    /// Whether a workspace seals every variable value.
    pub(super) async fn seals_all(&self, conn: &mut SqliteConnection, id: &str) -> Result<bool> {
        Ok(workspace_row(conn, id).await?.encrypt_values)
    }
}

/// Which variable columns [`WorkspaceDb::reseal_workspace`] stores again, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reseal {
    /// Every column (which values are sealed changed); the values are the same, so no
    /// revision moves.
    Every,
    /// The columns that seal something, under the workspace's newest key, each one a
    /// logged change (so the values sync under it).
    SealedAsChanges,
    /// Like `SealedAsChanges`, only the columns holding a value sealed under this
    /// device's own key.
    DeviceSealedAsChanges,
}

pub(super) async fn workspace_row(conn: &mut SqliteConnection, id: &str) -> Result<WorkspaceRow> {
    fetch(conn, id).await
}

/// Writes a variable column (the caller bumps the revision when values changed).
pub(super) async fn store_variables(
    w: &mut Write,
    entity: EntityKind,
    slot: Slot<'_>,
    column: Column,
) -> Result<()> {
    let (table, id_column) = super::changes::table_of(entity);
    sqlx::query(&format!(
        "UPDATE {table} SET variables = ? WHERE {id_column} = ?"
    ))
    .bind(&column.json)
    .bind(slot.entity_id)
    .execute(w.conn())
    .await?;
    w.scrub |= column.scrub;
    Ok(())
}

async fn insert_new_workspace(
    w: &mut Write,
    name: &str,
    owner: &Owner,
    team_id: Option<&str>,
) -> Result<Workspace> {
    let (owner_kind, owner_account) = match owner {
        Owner::ScratchPad => (SCRATCH_PAD, None),
        Owner::Account { account } => (ACCOUNT, Some(account.clone())),
    };
    let row = WorkspaceRow {
        meta: new_meta(new_id(), w.now),
        name: name.to_owned(),
        owner_kind: owner_kind.to_owned(),
        owner_account,
        active_environment: None,
        encrypt_values: false,
    };
    insert_workspace(w.conn(), &row).await?;
    let id = row.meta.id.clone();
    let globals = GlobalsRow {
        meta: new_meta(id.clone(), w.now),
        variables: "[]".to_owned(),
    };
    insert_globals(w.conn(), &globals).await?;
    created(w, &id, EntityKind::Workspace, &id).await?;
    created(w, &id, EntityKind::Globals, &id).await?;
    if matches!(owner, Owner::Account { .. }) {
        // An account's workspace syncs from its first moment.
        sqlx::query("INSERT INTO sync_workspaces (workspace_id, team_id) VALUES (?, ?)")
            .bind(&id)
            .bind(team_id)
            .execute(w.conn())
            .await?;
    }
    row.into_model()
}

//! Environments (named sets of variables, one per workspace active) and the
//! workspace's globals. Their values go through the vault, so secret ones are stored
//! sealed and read back in plaintext (the UI masks them).

use super::changes::{bump, created, expect_revision};
use super::rows::{
    EnvironmentRow, GlobalsRow, fetch, globals_slot, insert_environment, new_meta, select,
    variables_slot,
};
use super::workspaces::{store_variables, workspace_row};
use super::{Error, Result, WorkspaceDb, clean_name, new_id};
use crate::model::{EntityKind, Environment, Globals, Variable, Workspace};

impl WorkspaceDb {
    /// A workspace's environments, oldest first.
    pub async fn environments(&self, workspace_id: &str) -> Result<Vec<Environment>> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let filter = "workspace_id = ? ORDER BY created_at, id";
        let rows: Vec<EnvironmentRow> = select(&mut conn, filter, workspace_id).await?;
        rows.into_iter()
            .map(|row| row.into_model(self.vault()))
            .collect()
    }

    pub async fn environment(&self, id: &str) -> Result<Environment> {
        let row: EnvironmentRow = fetch(&mut *self.read().await?, id).await?;
        row.into_model(self.vault())
    }

    pub async fn create_environment(
        &self,
        workspace_id: &str,
        name: &str,
        variables: &[Variable],
    ) -> Result<Environment> {
        let name = clean_name(name)?;
        let mut w = self.write().await?;
        let seal_all = workspace_row(w.conn(), workspace_id).await?.encrypt_values;
        let id = new_id();
        let row = EnvironmentRow {
            meta: new_meta(id.clone(), w.now),
            workspace_id: workspace_id.to_owned(),
            name,
            variables: self
                .vault()
                .seal(variables_slot(workspace_id, &id), variables, seal_all, None)?
                .json,
        };
        insert_environment(w.conn(), &row).await?;
        created(&mut w, workspace_id, EntityKind::Environment, &id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }

    /// Saves an environment's name and variables. `environment.meta.revision` must be
    /// the stored one ([`Error::Conflict`] otherwise: it changed since it was read).
    pub async fn update_environment(&self, environment: &Environment) -> Result<Environment> {
        let name = clean_name(&environment.name)?;
        let id = environment.meta.id.as_str();
        let mut w = self.write().await?;
        expect_revision(
            &mut w,
            EntityKind::Environment,
            id,
            environment.meta.revision,
        )
        .await?;
        let stored: EnvironmentRow = fetch(w.conn(), id).await?;
        let workspace_id = stored.workspace_id.as_str();
        let seal_all = self.seals_all(w.conn(), workspace_id).await?;
        let slot = variables_slot(workspace_id, id);
        let column = self.vault().seal(
            slot,
            &environment.variables,
            seal_all,
            Some(&stored.variables),
        )?;
        sqlx::query("UPDATE environments SET name = ? WHERE id = ?")
            .bind(&name)
            .bind(id)
            .execute(w.conn())
            .await?;
        store_variables(&mut w, EntityKind::Environment, slot, column).await?;
        bump(&mut w, workspace_id, EntityKind::Environment, id).await?;
        let row: EnvironmentRow = fetch(w.conn(), id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }

    /// Makes `environment_id` the workspace's active environment (`None`: none).
    pub async fn set_active_environment(
        &self,
        workspace_id: &str,
        environment_id: Option<&str>,
    ) -> Result<Workspace> {
        let mut w = self.write().await?;
        workspace_row(w.conn(), workspace_id).await?;
        if let Some(environment_id) = environment_id {
            let environment: EnvironmentRow = fetch(w.conn(), environment_id).await?;
            if environment.workspace_id != workspace_id {
                return Err(Error::invalid(
                    "that environment belongs to another workspace",
                ));
            }
        }
        sqlx::query("UPDATE workspaces SET active_environment = ? WHERE id = ?")
            .bind(environment_id)
            .bind(workspace_id)
            .execute(w.conn())
            .await?;
        bump(&mut w, workspace_id, EntityKind::Workspace, workspace_id).await?;
        let workspace = workspace_row(w.conn(), workspace_id).await?.into_model()?;
        w.commit().await?;
        Ok(workspace)
    }

    /// A workspace's global variables.
    pub async fn globals(&self, workspace_id: &str) -> Result<Globals> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let row: GlobalsRow = fetch(&mut conn, workspace_id).await?;
        row.into_model(self.vault())
    }

    /// Replaces a workspace's global variables.
    pub async fn set_globals(&self, workspace_id: &str, variables: &[Variable]) -> Result<Globals> {
        let mut w = self.write().await?;
        let seal_all = workspace_row(w.conn(), workspace_id).await?.encrypt_values;
        let stored: GlobalsRow = fetch(w.conn(), workspace_id).await?;
        let slot = globals_slot(workspace_id);
        let column = self
            .vault()
            .seal(slot, variables, seal_all, Some(&stored.variables))?;
        store_variables(&mut w, EntityKind::Globals, slot, column).await?;
        bump(&mut w, workspace_id, EntityKind::Globals, workspace_id).await?;
        let row: GlobalsRow = fetch(w.conn(), workspace_id).await?;
        w.commit().await?;
        row.into_model(self.vault())
    }
}

//! How a workspace's requests are sent: the timeout, whether redirects are followed and
//! whether TLS certificates are verified. Kept per workspace (a workspace talks to one
//! set of servers: the self-signed development server, the slow staging one), with
//! [`SendOptions::default`] until changed. Local to this device like drafts: not in
//! the change log.

use super::rows::{from_json, to_json};
use super::workspaces::workspace_row;
use super::{Result, WorkspaceDb};
use crate::model::SendOptions;

impl WorkspaceDb {
    /// The workspace's send options, the defaults when never changed.
    pub async fn send_options(&self, workspace_id: &str) -> Result<SendOptions> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let stored: Option<String> =
            sqlx::query_scalar("SELECT options FROM send_options WHERE workspace_id = ?")
                .bind(workspace_id)
                .fetch_optional(&mut *conn)
                .await?;
        match stored {
            Some(json) => from_json("send options", &json),
            None => Ok(SendOptions::default()),
        }
    }

    /// Keeps `options` as the workspace's.
    pub async fn set_send_options(
        &self,
        workspace_id: &str,
        options: &SendOptions,
    ) -> Result<SendOptions> {
        let mut w = self.write().await?;
        workspace_row(w.conn(), workspace_id).await?;
        let now = w.now;
        sqlx::query(
            "INSERT INTO send_options (workspace_id, options, updated_at) VALUES (?, ?, ?) \
             ON CONFLICT (workspace_id) DO UPDATE SET options = excluded.options, \
             updated_at = excluded.updated_at",
        )
        .bind(workspace_id)
        .bind(to_json(options)?)
        .bind(now)
        .execute(w.conn())
        .await?;
        w.commit().await?;
        Ok(options.clone())
    }
}

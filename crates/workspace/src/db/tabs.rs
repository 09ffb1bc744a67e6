//! The request editor's open tabs per workspace (which saved requests, in the strip's
//! order, and which one is on screen), so a restart brings them back with their
//! drafts. Local only: not in the change log. A deleted request takes its tab with it.

use serde::{Deserialize, Serialize};

use super::rows::workspace_of;
use super::workspaces::workspace_row;
use super::{Error, Result, WorkspaceDb};
use crate::model::EntityKind;

/// A workspace's tab strip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OpenTabs {
    /// Saved requests, in the strip's order.
    pub request_ids: Vec<String>,
    /// The one on screen, if any (always one of `request_ids`).
    pub active: Option<String>,
}

impl WorkspaceDb {
    /// A workspace's open tabs as last kept.
    pub async fn open_tabs(&self, workspace_id: &str) -> Result<OpenTabs> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let rows: Vec<(String, bool)> = sqlx::query_as(
            "SELECT request_id, active FROM open_tabs WHERE workspace_id = ? ORDER BY position",
        )
        .bind(workspace_id)
        .fetch_all(&mut *conn)
        .await?;
        let active = rows.iter().find(|(_, on)| *on).map(|(id, _)| id.clone());
        Ok(OpenTabs {
            request_ids: rows.into_iter().map(|(id, _)| id).collect(),
            active,
        })
    }

    /// Replaces a workspace's open tabs; returns what was kept. A request deleted
    /// meanwhile is left out (its tab is closing anyway), a repeated one kept once,
    /// and an `active` that is not among the tabs dropped; a request of another
    /// workspace is refused.
    pub async fn set_open_tabs(&self, workspace_id: &str, tabs: &OpenTabs) -> Result<OpenTabs> {
        let mut w = self.write().await?;
        workspace_row(w.conn(), workspace_id).await?;
        let mut kept: Vec<String> = Vec::new();
        for id in &tabs.request_ids {
            if kept.contains(id) {
                continue;
            }
            match workspace_of(w.conn(), EntityKind::Request, id).await {
                Ok(owner) if owner == workspace_id => kept.push(id.clone()),
                Ok(_) => return Err(Error::invalid("that request is in another workspace")),
                Err(Error::NotFound { .. }) => {}
                Err(error) => return Err(error),
            }
        }
        let active = tabs.active.clone().filter(|id| kept.contains(id));
        sqlx::query("DELETE FROM open_tabs WHERE workspace_id = ?")
            .bind(workspace_id)
            .execute(w.conn())
            .await?;
        for (position, id) in kept.iter().enumerate() {
            sqlx::query(
                "INSERT INTO open_tabs (workspace_id, request_id, position, active) \
                 VALUES (?, ?, ?, ?)",
            )
            .bind(workspace_id)
            .bind(id)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(active.as_deref() == Some(id.as_str()))
            .execute(w.conn())
            .await?;
        }
        w.commit().await?;
        Ok(OpenTabs {
            request_ids: kept,
            active,
        })
    }
}

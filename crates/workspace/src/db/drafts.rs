//! Unsaved editor changes, kept so they survive a restart or a crash: one draft per
//! open tab, of a saved request or of a request never saved. Saving the request or
//! discarding the tab discards its draft; deleting the request takes its draft with it.
//! Local only: not in the change log.

use serde::{Deserialize, Serialize};
use sqlx::FromRow;

use super::error::Noun;
use super::rows::{from_json, to_json, workspace_of};
use super::workspaces::workspace_row;
use super::{Error, Result, WorkspaceDb};
use crate::model::{EntityKind, RequestSpec};

/// Which tab a draft belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DraftKey {
    /// A saved request being edited.
    Request { request_id: String },
    /// A request not saved yet; `key` is the UI's name for its tab.
    New { key: String },
}

impl DraftKey {
    fn column(&self) -> String {
        match self {
            Self::Request { request_id } => format!("request:{request_id}"),
            Self::New { key } => format!("new:{key}"),
        }
    }

    fn from_column(column: &str) -> Result<Self> {
        match column.split_once(':') {
            Some(("request", id)) => Ok(Self::Request {
                request_id: id.to_owned(),
            }),
            Some(("new", key)) => Ok(Self::New {
                key: key.to_owned(),
            }),
            _ => Err(Error::corrupt("draft key", column)),
        }
    }
}

/// An unsaved request as the editor left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Draft {
    pub workspace_id: String,
    pub key: DraftKey,
    pub spec: RequestSpec,
    /// Unix milliseconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated_at: i64,
}

#[derive(FromRow)]
struct DraftRow {
    workspace_id: String,
    key: String,
    spec: String,
    updated_at: i64,
}

impl DraftRow {
    fn into_model(self) -> Result<Draft> {
        Ok(Draft {
            key: DraftKey::from_column(&self.key)?,
            workspace_id: self.workspace_id,
            spec: from_json("draft", &self.spec)?,
            updated_at: self.updated_at,
        })
    }
}

impl WorkspaceDb {
    /// Keeps (or replaces) the draft of a tab.
    pub async fn save_draft(
        &self,
        workspace_id: &str,
        key: &DraftKey,
        spec: &RequestSpec,
    ) -> Result<Draft> {
        let mut w = self.write().await?;
        workspace_row(w.conn(), workspace_id).await?;
        let request_id = match key {
            DraftKey::Request { request_id } => {
                if workspace_of(w.conn(), EntityKind::Request, request_id).await? != workspace_id {
                    return Err(Error::invalid("that request is in another workspace"));
                }
                Some(request_id.as_str())
            }
            DraftKey::New { key } if key.is_empty() => {
                return Err(Error::invalid("a new request's draft needs a key"));
            }
            DraftKey::New { .. } => None,
        };
        let draft = Draft {
            workspace_id: workspace_id.to_owned(),
            key: key.clone(),
            spec: spec.clone(),
            updated_at: w.now,
        };
        sqlx::query(
            "INSERT INTO drafts (workspace_id, key, request_id, spec, updated_at) \
             VALUES (?, ?, ?, ?, ?) ON CONFLICT (workspace_id, key) DO UPDATE SET \
             spec = excluded.spec, updated_at = excluded.updated_at",
        )
        .bind(workspace_id)
        .bind(key.column())
        .bind(request_id)
        .bind(to_json(spec)?)
        .bind(draft.updated_at)
        .execute(w.conn())
        .await?;
        w.commit().await?;
        Ok(draft)
    }

    /// Forgets a tab's draft ([`Error::NotFound`] when there was none).
    pub async fn discard_draft(&self, workspace_id: &str, key: &DraftKey) -> Result<()> {
        let mut w = self.write().await?;
        let done = sqlx::query("DELETE FROM drafts WHERE workspace_id = ? AND key = ?")
            .bind(workspace_id)
            .bind(key.column())
            .execute(w.conn())
            .await?;
        w.commit().await?;
        if done.rows_affected() == 0 {
            return Err(Error::NotFound {
                what: Noun::Draft,
                id: key.column(),
            });
        }
        Ok(())
    }

    /// A workspace's drafts, most recently changed first.
    pub async fn drafts(&self, workspace_id: &str) -> Result<Vec<Draft>> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let rows: Vec<DraftRow> = sqlx::query_as(
            "SELECT workspace_id, key, spec, updated_at FROM drafts WHERE workspace_id = ? \
             ORDER BY updated_at DESC, key",
        )
        .bind(workspace_id)
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter().map(DraftRow::into_model).collect()
    }
}

//! A workspace's History: the requests it sent, newest first, at most
//! [`Options::history_limit`](super::Options) kept (older ones leave as new ones come).
//! Secret values are masked on the way in, whatever the caller passed. Local only: not
//! in the change log.

use sqlx::FromRow;

use super::workspaces::workspace_row;
use super::{Result, WorkspaceDb, new_id};
use crate::model::HistoryEntry;
use crate::resolve::Resolver;

#[derive(FromRow)]
struct HistoryRow {
    id: String,
    workspace_id: String,
    request_id: Option<String>,
    sent_at: i64,
    method: String,
    url: String,
    status: Option<u16>,
    duration_ms: i64,
    size: i64,
    error: Option<String>,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(row: HistoryRow) -> Self {
        Self {
            id: row.id,
            workspace_id: row.workspace_id,
            request_id: row.request_id,
            sent_at: row.sent_at,
            method: row.method,
            url: row.url,
            status: row.status,
            duration_ms: u64::try_from(row.duration_ms).unwrap_or_default(),
            size: u64::try_from(row.size).unwrap_or_default(),
            error: row.error,
        }
    }
}

impl WorkspaceDb {
    /// Adds a sent request to its workspace's history, its URL and error masked with
    /// `secrets` (the resolver the request was sent with), and drops the oldest
    /// entries beyond the limit. `entry.id` is ignored: the entry gets a new id.
    pub async fn append_history(
        &self,
        entry: &HistoryEntry,
        secrets: &Resolver,
    ) -> Result<HistoryEntry> {
        let stored = HistoryEntry {
            id: new_id(),
            url: secrets.mask(&entry.url),
            error: entry.error.as_deref().map(|error| secrets.mask(error)),
            ..entry.clone()
        };
        let mut w = self.write().await?;
        workspace_row(w.conn(), &stored.workspace_id).await?;
        sqlx::query(
            "INSERT INTO history (id, workspace_id, request_id, sent_at, method, url, status, \
             duration_ms, size, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&stored.id)
        .bind(&stored.workspace_id)
        .bind(&stored.request_id)
        .bind(stored.sent_at)
        .bind(&stored.method)
        .bind(&stored.url)
        .bind(stored.status)
        .bind(i64::try_from(stored.duration_ms).unwrap_or(i64::MAX))
        .bind(i64::try_from(stored.size).unwrap_or(i64::MAX))
        .bind(&stored.error)
        .execute(w.conn())
        .await?;
        // Everything older than the limit-th newest entry goes.
        sqlx::query(
            "DELETE FROM history WHERE workspace_id = ?1 AND seq IN (SELECT seq FROM history \
             WHERE workspace_id = ?1 ORDER BY sent_at DESC, seq DESC LIMIT -1 OFFSET ?2)",
        )
        .bind(&stored.workspace_id)
        .bind(self.inner.history_limit)
        .execute(w.conn())
        .await?;
        w.commit().await?;
        Ok(stored)
    }

    /// A workspace's history, newest first, at most `limit` entries.
    pub async fn history(&self, workspace_id: &str, limit: u32) -> Result<Vec<HistoryEntry>> {
        let mut conn = self.read().await?;
        workspace_row(&mut conn, workspace_id).await?;
        let rows: Vec<HistoryRow> = sqlx::query_as(
            "SELECT id, workspace_id, request_id, sent_at, method, url, status, duration_ms, \
             size, error FROM history WHERE workspace_id = ? \
             ORDER BY sent_at DESC, seq DESC LIMIT ?",
        )
        .bind(workspace_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
        Ok(rows.into_iter().map(HistoryEntry::from).collect())
    }

    /// Empties a workspace's history; returns how many entries went.
    pub async fn clear_history(&self, workspace_id: &str) -> Result<u64> {
        let mut w = self.write().await?;
        workspace_row(w.conn(), workspace_id).await?;
        let done = sqlx::query("DELETE FROM history WHERE workspace_id = ?")
            .bind(workspace_id)
            .execute(w.conn())
            .await?;
        w.commit().await?;
        Ok(done.rows_affected())
    }
}

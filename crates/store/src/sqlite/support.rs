//! SQLite side of [`Support`]: `support_requests`.

use super::SqliteStore;
use crate::{Result, Support, SupportRecord};

const SUPPORT_COLUMNS: &str =
    "id, user_id, category, subject, description, status, created_at, updated_at";

#[async_trait::async_trait]
impl Support for SqliteStore {
    async fn insert_support_request(&self, request: &SupportRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO support_requests (id, user_id, category, subject, description, status, \
             created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&request.id)
        .bind(&request.user_id)
        .bind(&request.category)
        .bind(&request.subject)
        .bind(&request.description)
        .bind(&request.status)
        .bind(request.created_at)
        .bind(request.updated_at)
        .execute(&self.writes)
        .await?;
        Ok(())
    }

    async fn support_requests(&self, user_id: &str) -> Result<Vec<SupportRecord>> {
        let sql = format!(
            "SELECT {SUPPORT_COLUMNS} FROM support_requests WHERE user_id = ? \
             ORDER BY created_at DESC, rowid DESC"
        );
        Ok(sqlx::query_as(&sql)
            .bind(user_id)
            .fetch_all(&self.reads)
            .await?)
    }
}

//! PostgreSQL side of [`Support`]: `support_requests`.

use super::PgStore;
use crate::{Result, Support, SupportRecord};

#[async_trait::async_trait]
impl Support for PgStore {
    async fn insert_support_request(&self, request: &SupportRecord) -> Result<()> {
        sqlx::query(
            "INSERT INTO support_requests (id, user_id, category, subject, description, status, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&request.id)
        .bind(&request.user_id)
        .bind(&request.category)
        .bind(&request.subject)
        .bind(&request.description)
        .bind(&request.status)
        .bind(request.created_at)
        .bind(request.updated_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn support_requests(&self, user_id: &str) -> Result<Vec<SupportRecord>> {
        Ok(sqlx::query_as(
            "SELECT id, user_id, category, subject, description, status, created_at, updated_at \
             FROM support_requests WHERE user_id = $1 ORDER BY created_at DESC, seq DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

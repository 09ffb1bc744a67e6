//! Support requests sent from Account Settings.

use crate::{Result, UnixTime};

/// A support request as stored; `category` and `status` are the wire names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupportRecord {
    pub id: String,
    pub user_id: String,
    pub category: String,
    pub subject: String,
    pub description: String,
    pub status: String,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

/// Support requests.
#[async_trait::async_trait]
pub trait Support: Send + Sync {
    async fn insert_support_request(&self, request: &SupportRecord) -> Result<()>;
    /// The account's support requests, newest first (the later insert first when two
    /// share a second).
    async fn support_requests(&self, user_id: &str) -> Result<Vec<SupportRecord>>;
}

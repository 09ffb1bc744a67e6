//! Accounts: creating one, finding one by id, email or username, and replacing its
//! password (from Account Settings, or through a reset link).

use crate::{KeepSessions, LinkOutcome, Result, UnixTime};

/// An account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub name: Option<String>,
    pub email_confirmed_at: Option<UnixTime>,
    pub created_at: UnixTime,
}

/// Accounts and their passwords.
#[async_trait::async_trait]
pub trait Accounts: Send + Sync {
    /// Inserts a new account; `StoreError::Conflict` when the email or username is taken.
    async fn create_user(&self, user: &User) -> Result<()>;
    async fn user_by_id(&self, id: &str) -> Result<Option<User>>;
    /// Finds an account by email or username, case-insensitively; an email match
    /// wins over a username match.
    async fn user_by_login(&self, identifier: &str) -> Result<Option<User>>;
    /// Finds an account by email, case-insensitively.
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    /// Whether an account has `username`, case-insensitively.
    async fn username_taken(&self, username: &str) -> Result<bool>;

    /// Replaces the password hash, records when, ends sessions as `keep` says and
    /// cancels a waiting email change (its links spent), in one transaction; returns the
    /// ids of the sessions ended.
    async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
    ) -> Result<Vec<String>>;
    /// Spends a password reset link (and every other unspent reset link of its
    /// account), sets the new hash, marks the address confirmed if the link went to
    /// the account's current address (opening it proved the mailbox), cancels a
    /// waiting email change and ends every session of the account, in one
    /// transaction; the ids ended come with a `Used` outcome. A refused link
    /// ([`crate::links::judge`]) changes nothing.
    async fn reset_password(
        &self,
        digest: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<(LinkOutcome, Vec<String>)>;
}

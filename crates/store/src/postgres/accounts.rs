//! PostgreSQL side of [`Accounts`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl Accounts for PgStore {
    async fn create_user(&self, user: &User) -> Result<()> {
        Err(super::not_yet())
    }

    async fn user_by_id(&self, id: &str) -> Result<Option<User>> {
        Err(super::not_yet())
    }

    async fn user_by_login(&self, identifier: &str) -> Result<Option<User>> {
        Err(super::not_yet())
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>> {
        Err(super::not_yet())
    }

    async fn username_taken(&self, username: &str) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
    ) -> Result<Vec<String>> {
        Err(super::not_yet())
    }

    async fn reset_password(
        &self,
        digest: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<(LinkOutcome, Vec<String>)> {
        Err(super::not_yet())
    }
}

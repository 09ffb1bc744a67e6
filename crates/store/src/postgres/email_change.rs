//! PostgreSQL side of [`EmailChanges`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl EmailChanges for PgStore {
    async fn request_email_change(
        &self,
        user_id: &str,
        new_email: Option<&str>,
        link: Option<&MailLink>,
        now: UnixTime,
    ) -> Result<()> {
        Err(super::not_yet())
    }

    async fn confirm_email_change(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<EmailChangeOutcome> {
        Err(super::not_yet())
    }
}

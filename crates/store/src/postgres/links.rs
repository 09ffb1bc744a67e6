//! PostgreSQL side of [`MailLinks`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl MailLinks for PgStore {
    async fn insert_mail_link(&self, link: &MailLink) -> Result<()> {
        Err(super::not_yet())
    }

    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        Err(super::not_yet())
    }

    async fn check_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome> {
        Err(super::not_yet())
    }
}

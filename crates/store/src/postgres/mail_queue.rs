//! PostgreSQL side of [`MailQueue`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl MailQueue for PgStore {
    async fn enqueue_mail(&self, mail: &OutgoingMail) -> Result<()> {
        Err(super::not_yet())
    }

    async fn claim_mails(&self, now: UnixTime, limit: u32) -> Result<Claimed> {
        Err(super::not_yet())
    }

    async fn mail_delivered(&self, id: &str, now: UnixTime) -> Result<()> {
        Err(super::not_yet())
    }

    async fn mail_failed(&self, id: &str, attempt: u32, now: UnixTime) -> Result<MailFailure> {
        Err(super::not_yet())
    }

    async fn queued_mail(&self, id: &str) -> Result<Option<MailRecord>> {
        Err(super::not_yet())
    }
}

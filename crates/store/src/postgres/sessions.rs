//! PostgreSQL side of [`WebSessions`], [`Sessions`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl WebSessions for PgStore {
    async fn create_web_session(
        &self,
        session: &NewWebSession,
        replaces: Option<&str>,
    ) -> Result<()> {
        Err(super::not_yet())
    }

    async fn web_session(&self, digest: &str, now: UnixTime) -> Result<Option<(WebSession, User)>> {
        Err(super::not_yet())
    }

    async fn end_web_session(&self, digest: &str, now: UnixTime) -> Result<()> {
        Err(super::not_yet())
    }

    async fn touch_web_session(&self, id: &str, now: UnixTime) -> Result<()> {
        Err(super::not_yet())
    }
}

#[async_trait::async_trait]
impl Sessions for PgStore {
    async fn live_sessions(&self, user_id: &str, now: UnixTime) -> Result<Vec<SessionRecord>> {
        Err(super::not_yet())
    }

    async fn revoke_session(
        &self,
        user_id: &str,
        session_id: &str,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn revoke_sessions(
        &self,
        user_id: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<Vec<String>> {
        Err(super::not_yet())
    }
}

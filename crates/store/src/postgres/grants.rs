//! PostgreSQL side of [`Grants`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl Grants for PgStore {
    async fn rotate_refresh_token(
        &self,
        digest: &str,
        client_id: &str,
        now: UnixTime,
        tokens: &IssuedTokens,
        seen: &ClientSeen,
        reuse_grace: UnixTime,
    ) -> Result<RefreshOutcome> {
        Err(super::not_yet())
    }

    async fn access_context(&self, digest: &str, now: UnixTime) -> Result<Option<AccessContext>> {
        Err(super::not_yet())
    }

    async fn touch_grant(&self, grant_id: &str, now: UnixTime) -> Result<()> {
        Err(super::not_yet())
    }

    async fn grant(&self, grant_id: &str) -> Result<Option<Grant>> {
        Err(super::not_yet())
    }

    async fn grant_of_refresh_token(&self, digest: &str) -> Result<Option<Grant>> {
        Err(super::not_yet())
    }

    async fn revoke_grant(
        &self,
        grant_id: &str,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<()> {
        Err(super::not_yet())
    }

    async fn revoke_grant_of_token(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Option<RevokedGrant>> {
        Err(super::not_yet())
    }

    async fn earlier_grants(&self, grant: &Grant) -> Result<EarlierGrants> {
        Err(super::not_yet())
    }
}

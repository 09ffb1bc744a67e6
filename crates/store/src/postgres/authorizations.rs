//! PostgreSQL side of [`Authorizations`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl Authorizations for PgStore {
    async fn insert_auth_request(&self, request: &AuthRequest) -> Result<()> {
        Err(super::not_yet())
    }

    async fn auth_request(&self, id: &str) -> Result<Option<AuthRequest>> {
        Err(super::not_yet())
    }

    async fn complete_auth_request(&self, code: &AuthCode, now: UnixTime) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn cancel_auth_request(&self, id: &str, now: UnixTime) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn auth_code(&self, digest: &str) -> Result<Option<AuthCode>> {
        Err(super::not_yet())
    }

    async fn redeem_code(
        &self,
        digest: &str,
        now: UnixTime,
        grant: &Grant,
        tokens: &IssuedTokens,
    ) -> Result<RedeemOutcome> {
        Err(super::not_yet())
    }

    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<Option<RevokedGrant>> {
        Err(super::not_yet())
    }
}

//! PostgreSQL side of [`Discovery`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl Discovery for PgStore {
    async fn discovery(&self, team_id: &str) -> Result<DiscoveryRecord> {
        Err(super::not_yet())
    }

    async fn set_discovery(
        &self,
        team_id: &str,
        settings: &DiscoveryRecord,
        now: UnixTime,
    ) -> Result<()> {
        Err(super::not_yet())
    }

    async fn confirmed_admin_emails(&self, team_id: &str) -> Result<Vec<String>> {
        Err(super::not_yet())
    }

    async fn discoverable_teams(&self, user_id: &str) -> Result<Vec<DiscoverableRecord>> {
        Err(super::not_yet())
    }

    async fn join_team(
        &self,
        team_id: &str,
        user_id: &str,
        request_id: &str,
        now: UnixTime,
    ) -> Result<JoinResult> {
        Err(super::not_yet())
    }

    async fn withdraw_join_request(
        &self,
        team_id: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn join_requests(&self, team_id: &str) -> Result<Vec<JoinRequestRecord>> {
        Err(super::not_yet())
    }

    async fn decide_join_request(
        &self,
        team_id: &str,
        request_id: &str,
        approve: bool,
        by: &str,
        now: UnixTime,
    ) -> Result<Decision> {
        Err(super::not_yet())
    }
}

//! PostgreSQL side of [`Teams`]: not written yet.

#![allow(unused_variables)]

use super::PgStore;
use crate::*;

#[async_trait::async_trait]
impl Teams for PgStore {
    async fn create_team(&self, team: &TeamRecord, creator: &str) -> Result<()> {
        Err(super::not_yet())
    }

    async fn team(&self, id: &str) -> Result<Option<TeamRecord>> {
        Err(super::not_yet())
    }

    async fn team_by_slug(&self, slug: &str) -> Result<Option<TeamRecord>> {
        Err(super::not_yet())
    }

    async fn update_team(&self, id: &str, name: &str, slug: &str, now: UnixTime) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn teams_of(&self, user_id: &str) -> Result<Vec<Membership>> {
        Err(super::not_yet())
    }

    async fn role_in(&self, team_id: &str, user_id: &str) -> Result<Option<TeamRole>> {
        Err(super::not_yet())
    }

    async fn members(&self, team_id: &str) -> Result<Vec<MemberRecord>> {
        Err(super::not_yet())
    }

    async fn set_role(&self, team_id: &str, user_id: &str, role: TeamRole) -> Result<MemberChange> {
        Err(super::not_yet())
    }

    async fn remove_member(&self, team_id: &str, user_id: &str) -> Result<MemberChange> {
        Err(super::not_yet())
    }

    async fn invite(&self, invitation: &NewInvitation) -> Result<Invited> {
        Err(super::not_yet())
    }

    async fn invitations(&self, team_id: &str) -> Result<Vec<InvitationRecord>> {
        Err(super::not_yet())
    }

    async fn renew_invitation(
        &self,
        team_id: &str,
        id: &str,
        digest: &str,
        now: UnixTime,
        expires_at: UnixTime,
    ) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn cancel_invitation(&self, team_id: &str, id: &str, now: UnixTime) -> Result<bool> {
        Err(super::not_yet())
    }

    async fn check_invitation(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Result<LiveInvitation, InvitationRefusal>> {
        Err(super::not_yet())
    }

    async fn accept_invitation(
        &self,
        digest: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<Acceptance> {
        Err(super::not_yet())
    }
}

//! The account API's teams (`/api/v1/teams`, `/api/v1/invitations/accept`): the
//! account's teams, creating and renaming one, members and roles, leaving,
//! invitations, and discovery by email domain with requests to join. Who may do what is the server's call; its refusals arrive as
//! [`Error::Api`](crate::Error::Api) (`not_found`, `forbidden`, `conflict`, …).

use courier_proto::{
    DiscoverableTeam, DiscoverySettings, EmailAddress, Invitation, InvitationAcceptance,
    JoinOutcome, JoinRequest, NewInvitations, RoleChange, Team, TeamDiscovery, TeamFields,
    TeamMember, TeamRole,
};
use reqwest::Method;
use serde::Deserialize;

use super::AccountApi;
use super::request::{Body, json};
use crate::error::Result;

#[derive(Deserialize)]
struct UrlSuggestion {
    slug: String,
}

impl AccountApi<'_> {
    /// `GET /api/v1/teams`: the account's teams with its role in each.
    pub async fn teams(&self) -> Result<Vec<Team>> {
        let response = self.send(Method::GET, &["teams"], Body::Empty).await?;
        json(response).await
    }

    /// `POST /api/v1/teams`: a new team with this account as its admin.
    pub async fn create_team(&self, name: &str, slug: &str) -> Result<Team> {
        let fields = TeamFields {
            name: name.to_owned(),
            slug: slug.to_owned(),
        };
        let response = self
            .send(Method::POST, &["teams"], Body::json(&fields)?)
            .await?;
        json(response).await
    }

    /// `GET /api/v1/teams/url-suggestion?name=`: a free team URL made from `name`.
    pub async fn team_url_suggestion(&self, name: &str) -> Result<String> {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("name", name)
            .finish();
        let response = self
            .send_with_query(Method::GET, &["teams", "url-suggestion"], &query)
            .await?;
        Ok(json::<UrlSuggestion>(response).await?.slug)
    }

    /// `PUT /api/v1/teams/{id}` (admins): a new name and URL.
    pub async fn update_team(&self, team_id: &str, name: &str, slug: &str) -> Result<Team> {
        let fields = TeamFields {
            name: name.to_owned(),
            slug: slug.to_owned(),
        };
        let response = self
            .send(Method::PUT, &["teams", team_id], Body::json(&fields)?)
            .await?;
        json(response).await
    }

    /// `GET /api/v1/teams/{id}/members`: admins first.
    pub async fn team_members(&self, team_id: &str) -> Result<Vec<TeamMember>> {
        let response = self
            .send(Method::GET, &["teams", team_id, "members"], Body::Empty)
            .await?;
        json(response).await
    }

    /// `PUT /api/v1/teams/{id}/members/{user_id}/role` (admins).
    pub async fn set_member_role(
        &self,
        team_id: &str,
        user_id: &str,
        role: TeamRole,
    ) -> Result<TeamMember> {
        let segments = ["teams", team_id, "members", user_id, "role"];
        let response = self
            .send(Method::PUT, &segments, Body::json(&RoleChange { role })?)
            .await?;
        json(response).await
    }

    /// `DELETE /api/v1/teams/{id}/members/{user_id}` (admins; anyone for themselves).
    pub async fn remove_member(&self, team_id: &str, user_id: &str) -> Result<()> {
        let segments = ["teams", team_id, "members", user_id];
        self.send(Method::DELETE, &segments, Body::Empty).await?;
        Ok(())
    }

    /// Leaves the team (the last admin cannot: `conflict`).
    pub async fn leave_team(&self, team_id: &str) -> Result<()> {
        let account = self.courier.account(self.account_id).await?;
        self.remove_member(team_id, &account.user_id).await
    }

    /// `GET /api/v1/teams/{id}/invitations` (admins): pending, newest first.
    pub async fn team_invitations(&self, team_id: &str) -> Result<Vec<Invitation>> {
        let segments = ["teams", team_id, "invitations"];
        let response = self.send(Method::GET, &segments, Body::Empty).await?;
        json(response).await
    }

    /// `POST /api/v1/teams/{id}/invitations` (admins): a mail to each address.
    pub async fn invite(
        &self,
        team_id: &str,
        emails: &[String],
        role: TeamRole,
    ) -> Result<Vec<Invitation>> {
        let invitations = NewInvitations {
            emails: emails.iter().cloned().map(EmailAddress).collect(),
            role,
        };
        let segments = ["teams", team_id, "invitations"];
        let response = self
            .send(Method::POST, &segments, Body::json(&invitations)?)
            .await?;
        json(response).await
    }

    /// `POST /api/v1/teams/{id}/invitations/{invitation_id}/resend` (admins).
    pub async fn resend_invitation(
        &self,
        team_id: &str,
        invitation_id: &str,
    ) -> Result<Invitation> {
        let segments = ["teams", team_id, "invitations", invitation_id, "resend"];
        let response = self.send(Method::POST, &segments, Body::Empty).await?;
        json(response).await
    }

    /// `DELETE /api/v1/teams/{id}/invitations/{invitation_id}` (admins).
    pub async fn cancel_invitation(&self, team_id: &str, invitation_id: &str) -> Result<()> {
        let segments = ["teams", team_id, "invitations", invitation_id];
        self.send(Method::DELETE, &segments, Body::Empty).await?;
        Ok(())
    }

    /// `POST /api/v1/invitations/accept`: joins the team the link's `token` invites to.
    pub async fn accept_invitation(&self, token: &str) -> Result<Team> {
        let acceptance = InvitationAcceptance {
            token: token.to_owned(),
        };
        let response = self
            .send(
                Method::POST,
                &["invitations", "accept"],
                Body::json(&acceptance)?,
            )
            .await?;
        json(response).await
    }

    /// `GET /api/v1/teams/{id}/discovery` (admins).
    pub async fn team_discovery(&self, team_id: &str) -> Result<TeamDiscovery> {
        let segments = ["teams", team_id, "discovery"];
        json(self.send(Method::GET, &segments, Body::Empty).await?).await
    }

    /// `PUT /api/v1/teams/{id}/discovery` (admins).
    pub async fn set_team_discovery(
        &self,
        team_id: &str,
        settings: &DiscoverySettings,
    ) -> Result<TeamDiscovery> {
        let segments = ["teams", team_id, "discovery"];
        let response = self
            .send(Method::PUT, &segments, Body::json(settings)?)
            .await?;
        json(response).await
    }

    /// `GET /api/v1/teams/discoverable`: teams the account may join by its address's domain.
    pub async fn discoverable_teams(&self) -> Result<Vec<DiscoverableTeam>> {
        let segments = ["teams", "discoverable"];
        json(self.send(Method::GET, &segments, Body::Empty).await?).await
    }

    /// `POST /api/v1/teams/{id}/join`: joins a discoverable team, or asks to.
    pub async fn join_team(&self, team_id: &str) -> Result<JoinOutcome> {
        let segments = ["teams", team_id, "join"];
        json(self.send(Method::POST, &segments, Body::Empty).await?).await
    }

    /// `DELETE /api/v1/teams/{id}/join`: takes back a pending request to join.
    pub async fn withdraw_join_request(&self, team_id: &str) -> Result<()> {
        let segments = ["teams", team_id, "join"];
        self.send(Method::DELETE, &segments, Body::Empty).await?;
        Ok(())
    }

    /// `GET /api/v1/teams/{id}/join-requests` (admins): pending, oldest first.
    pub async fn join_requests(&self, team_id: &str) -> Result<Vec<JoinRequest>> {
        let segments = ["teams", team_id, "join-requests"];
        json(self.send(Method::GET, &segments, Body::Empty).await?).await
    }

    /// `POST /api/v1/teams/{id}/join-requests/{request_id}/approve` (admins).
    pub async fn approve_join_request(
        &self,
        team_id: &str,
        request_id: &str,
    ) -> Result<TeamMember> {
        let segments = ["teams", team_id, "join-requests", request_id, "approve"];
        json(self.send(Method::POST, &segments, Body::Empty).await?).await
    }

    /// `POST /api/v1/teams/{id}/join-requests/{request_id}/decline` (admins).
    pub async fn decline_join_request(&self, team_id: &str, request_id: &str) -> Result<()> {
        let segments = ["teams", team_id, "join-requests", request_id, "decline"];
        self.send(Method::POST, &segments, Body::Empty).await?;
        Ok(())
    }
}

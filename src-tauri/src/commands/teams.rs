//! Commands of the team screens: one account API call each, for the account the UI
//! names (`accountId`); who may do what is the server's call, and its refusals reach
//! the UI as `{kind, message}`. A call refused because the sign-in ended also pushes
//! `account_changed` (through `DesktopState::answer`), as the settings screens do.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_proto::{
    DiscoverableTeam, DiscoverySettings, Invitation, JoinOutcome, JoinRequest, NewInvitations,
    Team, TeamDiscovery, TeamFields, TeamMember, TeamRole,
};

pub async fn teams(state: &DesktopState, account_id: String) -> Result<Vec<Team>> {
    on_account!(state, account_id, teams())
}

pub async fn create_team(
    state: &DesktopState,
    account_id: String,
    fields: TeamFields,
) -> Result<Team> {
    on_account!(state, account_id, create_team(&fields.name, &fields.slug))
}

pub async fn team_url_suggestion(
    state: &DesktopState,
    account_id: String,
    name: String,
) -> Result<String> {
    on_account!(state, account_id, team_url_suggestion(&name))
}

pub async fn update_team(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    fields: TeamFields,
) -> Result<Team> {
    on_account!(
        state,
        account_id,
        update_team(&team_id, &fields.name, &fields.slug)
    )
}

pub async fn team_members(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<Vec<TeamMember>> {
    on_account!(state, account_id, team_members(&team_id))
}

pub async fn set_member_role(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    user_id: String,
    role: TeamRole,
) -> Result<TeamMember> {
    on_account!(state, account_id, set_member_role(&team_id, &user_id, role))
}

pub async fn remove_member(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    user_id: String,
) -> Result<()> {
    on_account!(state, account_id, remove_member(&team_id, &user_id))
}

pub async fn leave_team(state: &DesktopState, account_id: String, team_id: String) -> Result<()> {
    on_account!(state, account_id, leave_team(&team_id))
}

pub async fn team_invitations(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<Vec<Invitation>> {
    on_account!(state, account_id, team_invitations(&team_id))
}

pub async fn invite(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    invitations: NewInvitations,
) -> Result<Vec<Invitation>> {
    let emails: Vec<String> = invitations.emails.into_iter().map(|e| e.0).collect();
    on_account!(
        state,
        account_id,
        invite(&team_id, &emails, invitations.role)
    )
}

pub async fn resend_invitation(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    invitation_id: String,
) -> Result<Invitation> {
    on_account!(
        state,
        account_id,
        resend_invitation(&team_id, &invitation_id)
    )
}

pub async fn cancel_invitation(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    invitation_id: String,
) -> Result<()> {
    on_account!(
        state,
        account_id,
        cancel_invitation(&team_id, &invitation_id)
    )
}

pub async fn team_discovery(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<TeamDiscovery> {
    on_account!(state, account_id, team_discovery(&team_id))
}

pub async fn set_team_discovery(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    settings: DiscoverySettings,
) -> Result<TeamDiscovery> {
    on_account!(state, account_id, set_team_discovery(&team_id, &settings))
}

pub async fn discoverable_teams(
    state: &DesktopState,
    account_id: String,
) -> Result<Vec<DiscoverableTeam>> {
    on_account!(state, account_id, discoverable_teams())
}

pub async fn join_team(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<JoinOutcome> {
    on_account!(state, account_id, join_team(&team_id))
}

pub async fn withdraw_join_request(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<()> {
    on_account!(state, account_id, withdraw_join_request(&team_id))
}

pub async fn join_requests(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<Vec<JoinRequest>> {
    on_account!(state, account_id, join_requests(&team_id))
}

pub async fn approve_join_request(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    request_id: String,
) -> Result<TeamMember> {
    on_account!(
        state,
        account_id,
        approve_join_request(&team_id, &request_id)
    )
}

pub async fn decline_join_request(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    request_id: String,
) -> Result<()> {
    on_account!(
        state,
        account_id,
        decline_join_request(&team_id, &request_id)
    )
}

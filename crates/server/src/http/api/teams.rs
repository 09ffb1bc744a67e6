//! `/api/v1/teams` and `/api/v1/invitations/accept`: the caller's teams, creating and
//! renaming one, members and roles, leaving, and invitations. Who may do what is the
//! `teams` domain's call ([`teams::access`]): a team the caller is not in answers the
//! same 404 as one that does not exist; a member asking for an admin's action gets 403.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use courier_proto::{
    ErrorBody, ErrorKind, FieldError, Invitation, InvitationAcceptance, NewInvitations, RoleChange,
    Team, TeamFields, TeamMember,
};
use serde::{Deserialize, Serialize};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use crate::state::AppState;
use crate::teams::{self, Access, TeamError, invitations, slug};

/// Ids in paths are at most this long; longer ones are simply not found.
pub(super) const MAX_ID_LEN: usize = 64;

impl From<TeamError> for ApiError {
    fn from(error: TeamError) -> Self {
        match error {
            TeamError::NotFound | TeamError::NoSuchMember => ApiError::not_found(),
            TeamError::AdminOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorKind::Forbidden,
                error.to_string(),
            ),
            TeamError::LastAdmin => ApiError::conflict(error.to_string()),
            TeamError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            TeamError::UrlTaken { suggestion } => {
                let message = format!("That team URL is taken; “{suggestion}” is free.");
                let mut answer = ApiError::conflict(message.clone());
                answer.body.fields = vec![FieldError {
                    field: "slug".to_owned(),
                    message,
                }];
                answer
            }
            TeamError::PlanLimit(message) => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorKind::PlanLimit, message)
            }
            TeamError::RateLimited(seconds) => ApiError::too_many_requests(seconds),
            TeamError::Internal(error) => error.into(),
        }
    }
}

/// The caller's access to `team_id`, or 404.
pub(super) async fn access(
    state: &AppState,
    auth: &Authenticated,
    team_id: &str,
) -> Result<Access, ApiError> {
    if team_id.len() > MAX_ID_LEN {
        return Err(ApiError::not_found());
    }
    Ok(teams::access(&*state.store, team_id, &auth.user.id).await?)
}

/// The caller's teams, by name.
#[utoipa::path(
    get,
    path = "/api/v1/teams",
    tag = "teams",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's teams with its role in each", body = [Team]),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn list(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Vec<Team>>, ApiError> {
    Ok(Json(teams::mine(&*state.store, &auth.user.id).await?))
}

/// Creates a team; the caller is its admin.
#[utoipa::path(
    post,
    path = "/api/v1/teams",
    tag = "teams",
    security(("bearer" = [])),
    request_body = TeamFields,
    responses(
        (status = 201, description = "The new team", body = Team),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 409, description = "The team URL is taken; the message names a free one", body = ErrorBody),
    )
)]
pub async fn create(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(fields): ApiJson<TeamFields>,
) -> Result<(StatusCode, Json<Team>), ApiError> {
    let deps = teams::Deps::from(&state);
    let team = teams::create(&deps, &auth.user.id, &fields.name, &fields.slug).await?;
    Ok((StatusCode::CREATED, Json(team)))
}

/// `?name=`: the team's name, as typed so far (read leniently: a query that does not
/// decode gives the suggestion for an empty name rather than an error).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct SuggestionQuery {
    /// The team's name, as typed so far.
    #[allow(dead_code)]
    name: String,
}

/// A free team URL made from a name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UrlSuggestion {
    slug: String,
}

/// Suggests a free team URL for a name (Create a team fills it in as the name is typed).
#[utoipa::path(
    get,
    path = "/api/v1/teams/url-suggestion",
    tag = "teams",
    security(("bearer" = [])),
    params(SuggestionQuery),
    responses(
        (status = 200, description = "A team URL free now", body = UrlSuggestion),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn url_suggestion(
    _auth: Authenticated,
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<UrlSuggestion>, ApiError> {
    let query = query.unwrap_or_default();
    let name: String = url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "name")
        .map(|(_, value)| value.chars().take(teams::MAX_NAME_CHARS).collect())
        .unwrap_or_default();
    let slug = slug::free_like(&*state.store, &slug::suggest(&name)).await?;
    Ok(Json(UrlSuggestion { slug }))
}

/// One of the caller's teams.
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "The team with the caller's role", body = Team),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn show(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Team>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    Ok(Json(teams::view(access.team, access.role)))
}

/// Renames the team and sets its URL (admins).
#[utoipa::path(
    put,
    path = "/api/v1/teams/{id}",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = TeamFields,
    responses(
        (status = 200, description = "The team as it is now", body = Team),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
        (status = 409, description = "The team URL is taken; the message names a free one", body = ErrorBody),
    )
)]
pub async fn update(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(fields): ApiJson<TeamFields>,
) -> Result<Json<Team>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    Ok(Json(
        teams::update(&deps, access, &fields.name, &fields.slug).await?,
    ))
}

/// The team's members, admins first (any member).
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/members",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "Every member with their role", body = [TeamMember]),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn members(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<TeamMember>>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    Ok(Json(teams::members(&*state.store, &access).await?))
}

/// Gives a member another role (admins). The last admin cannot be demoted.
#[utoipa::path(
    put,
    path = "/api/v1/teams/{id}/members/{user_id}/role",
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("user_id" = String, Path, description = "The member's account id"),
    ),
    request_body = RoleChange,
    responses(
        (status = 200, description = "The member with the new role", body = TeamMember),
        (status = 400, description = "The body was refused", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team or member", body = ErrorBody),
        (status = 409, description = "That would leave the team without an admin", body = ErrorBody),
    )
)]
pub async fn set_role(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
    ApiJson(change): ApiJson<RoleChange>,
) -> Result<Json<TeamMember>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    Ok(Json(
        teams::set_role(&*state.store, &state.events, access, &user_id, change.role).await?,
    ))
}

/// Removes a member (admins), or leaves the team (the caller's own id: any member).
/// The last admin cannot leave or be removed.
#[utoipa::path(
    delete,
    path = "/api/v1/teams/{id}/members/{user_id}",
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("user_id" = String, Path, description = "The member's account id (the caller's own: leave)"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can remove others", body = ErrorBody),
        (status = 404, description = "No such team or member", body = ErrorBody),
        (status = 409, description = "That would leave the team without an admin", body = ErrorBody),
    )
)]
pub async fn remove_member(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, user_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &auth, &id).await?;
    teams::remove(
        &*state.store,
        &state.events,
        access,
        &auth.user.id,
        &user_id,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's pending invitations, newest first (admins).
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/invitations",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "Pending invitations (expired ones marked)", body = [Invitation]),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn invitations(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Invitation>>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    Ok(Json(invitations::list(&deps, access).await?))
}

/// Invites one or more addresses (admins): a mail each with a link valid 7 days.
/// Inviting an address again sends a fresh link and the old one stops working.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/invitations",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = NewInvitations,
    responses(
        (status = 201, description = "The invitations sent", body = [Invitation]),
        (status = 400, description = "An address was refused (see `fields`: `emails[i]`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
        (status = 429, description = "Too many invitations; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn invite(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<NewInvitations>,
) -> Result<(StatusCode, Json<Vec<Invitation>>), ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    let emails: Vec<String> = request.emails.into_iter().map(|email| email.0).collect();
    let sent = invitations::invite(&deps, access, &auth.user, &emails, request.role).await?;
    Ok((StatusCode::CREATED, Json(sent)))
}

/// Sends a pending invitation again with a fresh link (admins).
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/invitations/{invitation_id}/resend",
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("invitation_id" = String, Path, description = "The invitation's id"),
    ),
    responses(
        (status = 200, description = "The invitation, sent again", body = Invitation),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team or pending invitation", body = ErrorBody),
        (status = 429, description = "Too many invitations; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn resend_invitation(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, invitation_id)): Path<(String, String)>,
) -> Result<Json<Invitation>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    Ok(Json(
        invitations::resend(&deps, access, &auth.user, &invitation_id).await?,
    ))
}

/// Cancels a pending invitation (admins); its link stops working.
#[utoipa::path(
    delete,
    path = "/api/v1/teams/{id}/invitations/{invitation_id}",
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("invitation_id" = String, Path, description = "The invitation's id"),
    ),
    responses(
        (status = 204, description = "Cancelled"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team or pending invitation", body = ErrorBody),
    )
)]
pub async fn cancel_invitation(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, invitation_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &auth, &id).await?;
    invitations::cancel(&*state.store, state.clock.now(), access, &invitation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts an invitation with the token from its link: the caller joins the team
/// (or, already a member, stays as it is).
#[utoipa::path(
    post,
    path = "/api/v1/invitations/accept",
    tag = "teams",
    security(("bearer" = [])),
    request_body = InvitationAcceptance,
    responses(
        (status = 200, description = "The team the caller is now in", body = Team),
        (status = 400, description = "The body was refused", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 409, description = "The link is not valid, expired, cancelled or already accepted (see `message`)", body = ErrorBody),
    )
)]
pub async fn accept(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(acceptance): ApiJson<InvitationAcceptance>,
) -> Result<Json<Team>, ApiError> {
    let accepted = invitations::accept(
        &*state.store,
        &state.events,
        state.clock.now(),
        &acceptance.token,
        &auth.user.id,
    )
    .await?;
    match accepted {
        invitations::Accepted::Joined(team) | invitations::Accepted::AlreadyMember(team) => {
            Ok(Json(team))
        }
        invitations::Accepted::Refused(refusal) => {
            Err(ApiError::conflict(invitations::refusal_message(refusal)))
        }
    }
}

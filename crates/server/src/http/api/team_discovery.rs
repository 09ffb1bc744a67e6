//! `/api/v1/teams/{id}/discovery`, `/api/v1/teams/discoverable`, `/api/v1/teams/{id}/join`
//! and `/api/v1/teams/{id}/join-requests`: discovery by email domain and requests to
//! join. The rules are the `teams::discovery` domain's; a team the caller cannot
//! discover answers the same 404 as one that does not exist.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use courier_proto::{
    DiscoverableTeam, DiscoverySettings, ErrorBody, JoinOutcome, JoinRequest, TeamDiscovery,
    TeamMember,
};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use super::teams::{MAX_ID_LEN, access};
use crate::state::AppState;
use crate::teams::{self, discovery};

/// The team's discovery settings and the domains it may claim (admins).
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/discovery",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "Discovery settings and claimable domains", body = TeamDiscovery),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn show(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TeamDiscovery>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    Ok(Json(discovery::settings(&*state.store, access).await?))
}

/// Turns discovery on or off, with its policy and domains (admins). Each domain must
/// be one of the team's claimable domains; public mail domains never are.
#[utoipa::path(
    put,
    path = "/api/v1/teams/{id}/discovery",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    request_body = DiscoverySettings,
    responses(
        (status = 200, description = "The settings as saved", body = TeamDiscovery),
        (status = 400, description = "A domain was refused (see `fields`: `domains[i]`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn update(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(settings): ApiJson<DiscoverySettings>,
) -> Result<Json<TeamDiscovery>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    Ok(Json(discovery::update(&deps, access, &settings).await?))
}

/// Teams the caller may join, found by the domain of its confirmed address.
#[utoipa::path(
    get,
    path = "/api/v1/teams/discoverable",
    tag = "teams",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Teams the caller is not in and may join or ask to join", body = [DiscoverableTeam]),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn discoverable(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Vec<DiscoverableTeam>>, ApiError> {
    Ok(Json(
        discovery::discoverable(&*state.store, &auth.user.id).await?,
    ))
}

/// Joins a discoverable team at once (policy anyone), or asks to (approval; asking
/// again answers the same pending request).
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/join",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "Joined, or asked and waiting for an admin", body = JoinOutcome),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The team's plan allows no more members (`plan_limit`)", body = ErrorBody),
        (status = 404, description = "No such team, or not discoverable by the caller", body = ErrorBody),
        (status = 429, description = "Too many requests to join; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn join(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JoinOutcome>, ApiError> {
    if id.len() > MAX_ID_LEN {
        return Err(ApiError::not_found());
    }
    let deps = teams::Deps::from(&state);
    Ok(Json(discovery::join(&deps, &auth.user, &id).await?))
}

/// Takes back the caller's pending request to join.
#[utoipa::path(
    delete,
    path = "/api/v1/teams/{id}/join",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No pending request to this team", body = ErrorBody),
    )
)]
pub async fn withdraw(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.len() > MAX_ID_LEN {
        return Err(ApiError::not_found());
    }
    let deps = teams::Deps::from(&state);
    discovery::withdraw(&deps, &auth.user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The team's pending requests to join, oldest first (admins).
#[utoipa::path(
    get,
    path = "/api/v1/teams/{id}/join-requests",
    tag = "teams",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The team's id")),
    responses(
        (status = 200, description = "Pending requests, oldest first", body = [JoinRequest]),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that", body = ErrorBody),
        (status = 404, description = "No such team, or the caller is not in it", body = ErrorBody),
    )
)]
pub async fn requests(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<JoinRequest>>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    Ok(Json(discovery::requests(&*state.store, access).await?))
}

/// Approves a pending request (admins): the requester becomes a member and is mailed.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/join-requests/{request_id}/approve",
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("request_id" = String, Path, description = "The request's id"),
    ),
    responses(
        (status = 200, description = "The new member", body = TeamMember),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that, or the plan allows no more members", body = ErrorBody),
        (status = 404, description = "No such team or pending request", body = ErrorBody),
    )
)]
pub async fn approve(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, request_id)): Path<(String, String)>,
) -> Result<Json<TeamMember>, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    discovery::decide(&deps, access, &auth.user, &request_id, true)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// Declines a pending request (admins); the requester is mailed.
#[utoipa::path(
    post,
    path = "/api/v1/teams/{id}/join-requests/{request_id}/decline",
    tag = "teams",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The team's id"),
        ("request_id" = String, Path, description = "The request's id"),
    ),
    responses(
        (status = 204, description = "Declined"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "Only the team's admins can do that", body = ErrorBody),
        (status = 404, description = "No such team or pending request", body = ErrorBody),
    )
)]
pub async fn decline(
    auth: Authenticated,
    State(state): State<AppState>,
    Path((id, request_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let access = access(&state, &auth, &id).await?;
    let deps = teams::Deps::from(&state);
    discovery::decide(&deps, access, &auth.user, &request_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/v1/sessions`: the account's active sessions (apps and browsers), revoking
//! one, and revoking all but the caller's own.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use courier_proto::{ErrorBody, RevokedSessions, Session};

use super::auth::Authenticated;
use super::error::ApiError;
use crate::sessions;
use crate::state::AppState;

/// Every live session of the account, most recently used first.
#[utoipa::path(
    get,
    path = "/api/v1/sessions",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account's live sessions", body = [Session]),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn list(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Vec<Session>>, ApiError> {
    Ok(Json(
        sessions::list(
            &*state.store,
            state.clock.now(),
            &auth.user.id,
            &auth.session_id,
        )
        .await?,
    ))
}

/// Revokes one session of the account; its tokens stop working at once and its
/// events channel is told and closed.
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/{id}",
    tag = "sessions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The session's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "The account has no such live session", body = ErrorBody),
    )
)]
pub async fn revoke(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if id.len() > 64
        || !sessions::revoke(
            &*state.store,
            &state.events,
            state.clock.now(),
            &auth.user.id,
            &id,
        )
        .await?
    {
        return Err(ApiError::not_found());
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes every session of the account except the one making the request.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/revoke-others",
    tag = "sessions",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many sessions were revoked", body = RevokedSessions),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn revoke_others(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<RevokedSessions>, ApiError> {
    let revoked = sessions::revoke_others(
        &*state.store,
        &state.events,
        state.clock.now(),
        &auth.user.id,
        &auth.session_id,
    )
    .await?;
    Ok(Json(RevokedSessions {
        revoked: u32::try_from(revoked).unwrap_or(u32::MAX),
    }))
}

//! `/api/v1/account/key` and `/api/v1/workspaces/{id}/keys`: the caller's key pair and
//! a synced workspace's wrapped data keys, for end-to-end sealed secret values. The
//! rules are the `sync_keys` domain's; a workspace the caller does not reach answers the
//! same 404 as one that does not exist.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use courier_proto::{
    AccountKey, ErrorBody, ErrorKind, NewAccountKey, PublishWorkspaceKey, WorkspaceKeys,
};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use crate::state::AppState;
use crate::sync_keys::{self, KeyError};
use crate::workspaces::Deps;

/// The largest publish body: the most wrapped keys, each of the longest text.
pub const MAX_PUBLISH_BYTES: usize = 2 * 1024 * 1024;

/// The publish route's body limit.
pub fn publish_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_PUBLISH_BYTES)
}

impl From<KeyError> for ApiError {
    fn from(error: KeyError) -> Self {
        match error {
            KeyError::NotFound => ApiError::not_found(),
            KeyError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            KeyError::VersionTaken { .. } => ApiError::conflict(error.to_string()),
            KeyError::NoAccountKey => ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorKind::InvalidInput,
                error.to_string(),
            ),
            KeyError::Internal(error) => error.into(),
        }
    }
}

/// The caller's key pair: its public key and its private key sealed under its recovery
/// key.
#[utoipa::path(
    get,
    path = "/api/v1/account/key",
    tag = "keys",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's key pair", body = AccountKey),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "The account has published no key pair yet", body = ErrorBody),
    )
)]
pub async fn show_account_key(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<AccountKey>, ApiError> {
    Ok(Json(
        sync_keys::account_key(&*state.store, &auth.user.id).await?,
    ))
}

/// Publishes the caller's key pair, or replaces it. A different public key drops the
/// workspace keys wrapped for the old one; everyone who reaches those workspaces hears
/// `workspace_keys_changed`, so a device that holds each key wraps it again.
#[utoipa::path(
    put,
    path = "/api/v1/account/key",
    tag = "keys",
    security(("bearer" = [])),
    request_body = NewAccountKey,
    responses(
        (status = 200, description = "The key pair as kept", body = AccountKey),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn put_account_key(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewAccountKey>,
) -> Result<Json<AccountKey>, ApiError> {
    let deps = Deps::from(&state);
    Ok(Json(
        sync_keys::put_account_key(&deps, &auth.user.id, &new).await?,
    ))
}

/// The workspace's keys as the caller sees them: the current version, the caller's
/// copies, who reaches the workspace and whether each holds the current version, and
/// whether a rotation is due.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{id}/keys",
    tag = "keys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "The workspace's keys", body = WorkspaceKeys),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such workspace, or the caller does not reach it", body = ErrorBody),
    )
)]
pub async fn show_workspace_keys(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<WorkspaceKeys>, ApiError> {
    Ok(Json(
        sync_keys::workspace_keys(&*state.store, &auth.user.id, &id).await?,
    ))
}

/// Publishes a new version of the workspace's key (`current_version + 1`, including
/// the caller's own copy) or copies of the current version for members who lack one.
/// Everyone who reaches the workspace hears `workspace_keys_changed`.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{id}/keys",
    tag = "keys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    request_body = PublishWorkspaceKey,
    responses(
        (status = 200, description = "Stored; the workspace's keys as they now stand", body = WorkspaceKeys),
        (status = 400, description = "A field was refused (see `fields`), or the caller has no key pair; nothing was stored", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such workspace, or the caller does not reach it", body = ErrorBody),
        (status = 409, description = "The version is taken (another device rotated first), or a copy is for someone who holds the current version: read the keys again", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn publish_workspace_key(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(publish): ApiJson<PublishWorkspaceKey>,
) -> Result<Json<WorkspaceKeys>, ApiError> {
    let deps = Deps::from(&state);
    Ok(Json(
        sync_keys::publish(&deps, &auth.user.id, &id, &publish).await?,
    ))
}

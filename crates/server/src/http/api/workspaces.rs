//! `/api/v1/workspaces`: the workspaces the caller reaches, registering one made on a
//! device, deleting one, and its changes (push and pull). The rules are the `workspaces` domain's;
//! a workspace the caller does not reach answers the same 404 as one that does not
//! exist.

use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, RawQuery, State};
use axum::http::StatusCode;
use courier_proto::{
    ErrorBody, ErrorKind, NewSyncedWorkspace, PushOperations, PushOutcome, SyncedWorkspace,
    WorkspaceChanges,
};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use crate::state::AppState;
use crate::workspaces::{self, SyncError};

/// The largest push body: a full batch of large entities.
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;

/// The push route's body limit.
pub fn push_body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(MAX_PUSH_BYTES)
}

impl From<SyncError> for ApiError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::NotFound => ApiError::not_found(),
            SyncError::IdTaken => ApiError::conflict(error.to_string()),
            SyncError::AdminOnly => ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorKind::Forbidden,
                "Only the team's admins can delete a team's workspace.",
            ),
            SyncError::Invalid(field, message) => ApiError::invalid_field(&field, message),
            SyncError::PlanLimit(message) => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorKind::PlanLimit, message)
            }
            SyncError::Internal(error) => error.into(),
        }
    }
}

/// The workspaces the caller reaches: its own and its teams', oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces",
    tag = "workspaces",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's workspaces and its teams'", body = [SyncedWorkspace]),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn list(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Vec<SyncedWorkspace>>, ApiError> {
    Ok(Json(workspaces::mine(&*state.store, &auth.user.id).await?))
}

/// Registers a workspace made on a device (under the device's id for it); for a team
/// the caller is in when `team_id` is given. Registering it again answers 200.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces",
    tag = "workspaces",
    security(("bearer" = [])),
    request_body = NewSyncedWorkspace,
    responses(
        (status = 201, description = "Registered", body = SyncedWorkspace),
        (status = 200, description = "Already registered, as it is", body = SyncedWorkspace),
        (status = 400, description = "A field was refused (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "The team's plan allows no more workspaces (`plan_limit`)", body = ErrorBody),
        (status = 409, description = "The id is someone else's workspace, or the team is not the caller's", body = ErrorBody),
    )
)]
pub async fn create(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewSyncedWorkspace>,
) -> Result<(StatusCode, Json<SyncedWorkspace>), ApiError> {
    let deps = workspaces::Deps::from(&state);
    let (created, workspace) = workspaces::create(&deps, &auth.user.id, &new).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(workspace)))
}

/// One workspace the caller reaches, with its last sequence number.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{id}",
    tag = "workspaces",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    responses(
        (status = 200, description = "The workspace", body = SyncedWorkspace),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such workspace, or the caller does not reach it", body = ErrorBody),
    )
)]
pub async fn show(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SyncedWorkspace>, ApiError> {
    Ok(Json(
        workspaces::one(&*state.store, &auth.user.id, &id).await?,
    ))
}

/// Deletes the workspace for everyone who reaches it, with its changes and keys; their
/// devices hear `workspace_deleted`. An account's own workspace: its owner; a team's:
/// the team's admins.
#[utoipa::path(
    delete,
    path = "/api/v1/workspaces/{id}",
    tag = "workspaces",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 403, description = "A team's workspace, and the caller is not one of the team's admins", body = ErrorBody),
        (status = 404, description = "No such workspace, or the caller does not reach it", body = ErrorBody),
    )
)]
pub async fn delete(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let deps = workspaces::Deps::from(&state);
    workspaces::delete(&deps, &auth.user.id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `?since=&limit=`, read strictly: a value that is not a number in its range is refused.
fn page_query(query: Option<&str>) -> Result<(i64, Option<u32>), ApiError> {
    let mut since = 0;
    let mut limit = None;
    for (key, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        let refused = |what: &str| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorKind::InvalidInput,
                format!("`{key}` must be {what}."),
            )
        };
        match &*key {
            "since" => {
                since = value
                    .parse()
                    .ok()
                    .filter(|since: &i64| *since >= 0)
                    .ok_or_else(|| refused("a whole number from 0"))?;
            }
            "limit" => {
                let most = courier_store::MAX_PAGE;
                limit = Some(
                    value
                        .parse()
                        .ok()
                        .filter(|limit: &u32| (1..=most).contains(limit))
                        .ok_or_else(|| refused(&format!("a whole number from 1 to {most}")))?,
                );
            }
            _ => {}
        }
    }
    Ok((since, limit))
}

/// The entities changed after `since` (a sequence number this device has), oldest
/// change first, each once as it stands now (deleted ones with `fields: null`). Pull
/// again at once from `seq` while `more` is true.
#[utoipa::path(
    get,
    path = "/api/v1/workspaces/{id}/changes",
    tag = "workspaces",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The workspace's id"),
        ("since" = Option<i64>, Query, minimum = 0, description = "The last sequence number this device has (default 0: everything)"),
        ("limit" = Option<u32>, Query, minimum = 1, maximum = 1000, description = "At most this many entities (1–1000, default 500)"),
    ),
    responses(
        (status = 200, description = "The changes after `since`", body = WorkspaceChanges),
        (status = 400, description = "`since` is not a whole number from 0, or `limit` not one from 1 to 1000", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such workspace, or the caller does not reach it", body = ErrorBody),
    )
)]
pub async fn pull(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<WorkspaceChanges>, ApiError> {
    let (since, limit) = page_query(query.as_deref())?;
    Ok(Json(
        workspaces::pull(&*state.store, &auth.user.id, &id, since, limit).await?,
    ))
}

/// Applies operations in order, each only on the revision it was made on; the others
/// come back as conflicts with the entity as it stands, to merge and push again. An
/// operation id already applied is answered as it was the first time.
#[utoipa::path(
    post,
    path = "/api/v1/workspaces/{id}/changes",
    tag = "workspaces",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The workspace's id")),
    request_body = PushOperations,
    responses(
        (status = 200, description = "One outcome per operation, and the workspace's sequence number", body = PushOutcome),
        (status = 400, description = "An operation was refused (see `fields`); none was applied", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 404, description = "No such workspace, or the caller does not reach it", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn push(
    auth: Authenticated,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(push): ApiJson<PushOperations>,
) -> Result<Json<PushOutcome>, ApiError> {
    let deps = workspaces::Deps::from(&state);
    Ok(Json(
        workspaces::push(&deps, &auth.user.id, &id, &push.operations).await?,
    ))
}

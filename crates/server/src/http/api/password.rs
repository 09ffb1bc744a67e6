//! `POST /api/v1/me/password`: change the password with the current one.

use axum::extract::State;
use axum::http::StatusCode;
use courier_proto::{ErrorBody, PasswordChange};
use secrecy::SecretString;

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use crate::accounts::password::{self, ChangeError};
use crate::state::AppState;

/// Changes the password. Unless `keep_other_sessions`, every other session of the
/// account (apps and browsers) is revoked; a security mail says what happened.
#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "account",
    security(("bearer" = [])),
    request_body = PasswordChange,
    responses(
        (status = 204, description = "Changed"),
        (status = 400, description = "Wrong current password or weak new one", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 429, description = "Too many attempts", body = ErrorBody),
    )
)]
pub async fn change(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(change): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let current = SecretString::from(change.current_password);
    let new = SecretString::from(change.new_password);
    match password::change(
        &password::Deps::from(&state),
        &auth.user.id,
        &auth.session_id,
        &current,
        &new,
        change.keep_other_sessions,
    )
    .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(ChangeError::WrongCurrentPassword) => Err(ApiError::invalid_field(
            "current_password",
            "This is not your current password.",
        )),
        Err(ChangeError::Weak(message)) => Err(ApiError::invalid_field("new_password", message)),
        Err(ChangeError::RateLimited(retry)) => Err(ApiError::too_many_requests(retry.0)),
        Err(ChangeError::AccountGone) => {
            Err(ApiError::unauthorized("this account no longer exists"))
        }
        Err(ChangeError::Internal(error)) => Err(error.into()),
    }
}

//! `POST /api/v1/me/email`: asks to change the account's address (the password is
//! checked here; the mails and the waiting address are [`crate::email_change`]'s);
//! `DELETE /api/v1/me/email` cancels a change still waiting for its link.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use courier_proto::{EmailChange, ErrorBody, Profile, ServerEvent};
use secrecy::SecretString;

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use super::profile::current;
use crate::email_change;
use crate::platform::ratelimit::Rule;
use crate::platform::validate;
use crate::state::AppState;

fn rule(state: &AppState) -> Rule {
    Rule {
        name: "email_change",
        max: state.settings.rate_limits.email_change_per_account_per_hour,
        window: 3600,
    }
}

/// Sends a confirmation link to `new_email` and a notice to the current address.
/// The address changes only when the link is followed; until then the profile shows
/// it as `pending_email`.
#[utoipa::path(
    post,
    path = "/api/v1/me/email",
    tag = "profile",
    security(("bearer" = [])),
    request_body = EmailChange,
    responses(
        (status = 202, description = "Link sent; the profile with `pending_email`", body = Profile),
        (status = 400, description = "Invalid address or wrong password (see `fields`)", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 429, description = "Too many attempts; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn change(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(change): ApiJson<EmailChange>,
) -> Result<(StatusCode, Json<Profile>), ApiError> {
    let user = auth.user;
    let new_email = change.new_email.trim();
    if let Err(message) = validate::email(new_email) {
        return Err(ApiError::invalid_field("new_email", message));
    }
    if new_email.eq_ignore_ascii_case(&user.email) {
        return Err(ApiError::invalid_field(
            "new_email",
            "That is already your account's address.",
        ));
    }
    if change.current_password.is_empty() {
        return Err(ApiError::invalid_field(
            "current_password",
            "Enter your current password.",
        ));
    }
    // Counted before the (slow) password check: this is where guessing would happen.
    state
        .limiter
        .hit(rule(&state), &user.id)
        .map_err(|retry| ApiError::too_many_requests(retry.0))?;
    let password = SecretString::from(change.current_password);
    // Against the hash stored now: the authenticated copy (perhaps from the access
    // cache) holds none.
    let stored = state
        .store
        .user_by_id(&user.id)
        .await?
        .ok_or_else(|| ApiError::unauthorized("this account no longer exists"))?;
    if !state
        .passwords
        .verify(&password, Some(&stored.password_hash))
        .await?
    {
        return Err(ApiError::invalid_field(
            "current_password",
            "That password is not correct.",
        ));
    }
    email_change::request(
        &*state.store,
        &state.mailer,
        &state.issuer,
        state.clock.now(),
        &user,
        new_email,
    )
    .await?;
    state.events.publish(&user.id, ServerEvent::ProfileChanged);
    Ok((StatusCode::ACCEPTED, Json(current(&state, &user.id).await?)))
}

/// Cancels the waiting address change: its link stops working and the profile no
/// longer shows a pending address. Nothing waiting: nothing to do, same answer.
#[utoipa::path(
    delete,
    path = "/api/v1/me/email",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile, with no `pending_email`", body = Profile),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn cancel(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Profile>, ApiError> {
    let user = auth.user;
    state
        .store
        .request_email_change(&user.id, None, None, state.clock.now())
        .await?;
    state.events.publish(&user.id, ServerEvent::ProfileChanged);
    Ok(Json(current(&state, &user.id).await?))
}

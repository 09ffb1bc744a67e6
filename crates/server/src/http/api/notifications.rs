//! `/api/v1/me/notifications`: which mail and in-app notifications the account
//! gets. Security mail honours these through [`crate::notices`].

use axum::Json;
use axum::extract::State;
use courier_proto::{ErrorBody, NotificationPreferences};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::ApiJson;
use crate::state::AppState;

/// The account's notification preferences (defaults until it sets its own).
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The preferences", body = NotificationPreferences),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn show(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<NotificationPreferences>, ApiError> {
    Ok(Json(
        state.store.notification_preferences(&auth.user.id).await?,
    ))
}

/// Replaces every preference (Update Preferences).
#[utoipa::path(
    put,
    path = "/api/v1/me/notifications",
    tag = "notifications",
    security(("bearer" = [])),
    request_body = NotificationPreferences,
    responses(
        (status = 200, description = "The stored preferences", body = NotificationPreferences),
        (status = 400, description = "Not a complete preferences document", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn replace(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(preferences): ApiJson<NotificationPreferences>,
) -> Result<Json<NotificationPreferences>, ApiError> {
    state
        .store
        .set_notification_preferences(&auth.user.id, &preferences, state.clock.now())
        .await?;
    Ok(Json(
        state.store.notification_preferences(&auth.user.id).await?,
    ))
}

//! `/api/v1/me` (the signed-in person's profile), `/api/v1/me/avatar` and the public
//! `/api/v1/users/{username}`. Profile rules live in [`crate::profile`], image rules
//! in [`crate::profile::avatar`].

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use courier_proto::{ErrorBody, FieldError, Profile, ProfileUpdate, PublicProfile, ServerEvent};

use super::auth::Authenticated;
use super::error::ApiError;
use super::json::{ApiJson, payload_too_large};
use crate::http::oauth::userinfo::{self, Freshness};
use crate::platform::crypto::new_id;
use crate::platform::ratelimit::Rule;
use crate::profile;
use crate::profile::avatar::{self, AvatarError};
use crate::state::AppState;
use courier_store::{NewAvatar, ProfileChanges};

/// The caller's profile as stored now (after a change).
pub(super) async fn current(state: &AppState, user_id: &str) -> Result<Profile, ApiError> {
    owner_profile(state, user_id, Freshness::Database).await
}

/// The caller's profile, from the instance's copy when `freshness` allows.
async fn owner_profile(
    state: &AppState,
    user_id: &str,
    freshness: Freshness,
) -> Result<Profile, ApiError> {
    let record = userinfo::remembered_profile(state, user_id, freshness)
        .await?
        // The token was valid a moment ago; the account has gone since.
        .ok_or_else(|| ApiError::unauthorized("this account no longer exists"))?;
    Ok(profile::owner_view(&state.issuer, &record))
}

/// Your profile.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in account's profile", body = Profile),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn show(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Profile>, ApiError> {
    Ok(Json(
        owner_profile(&state, &auth.user.id, auth.freshness).await?,
    ))
}

/// Updates the fields present in the body (all or none); an empty string clears an
/// optional field. A new username frees the old one at once.
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "profile",
    security(("bearer" = [])),
    request_body = ProfileUpdate,
    responses(
        (status = 200, description = "The updated profile", body = Profile),
        (status = 400, description = "A field was refused (see `fields`); nothing changed", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 409, description = "The username is taken; nothing changed", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
    )
)]
pub async fn update(
    auth: Authenticated,
    State(state): State<AppState>,
    ApiJson(update): ApiJson<ProfileUpdate>,
) -> Result<Json<Profile>, ApiError> {
    let changes = profile::changes(&update).map_err(ApiError::invalid_fields)?;
    let updated = state
        .store
        .update_profile(&auth.user.id, &changes, state.clock.now())
        .await
        .map_err(|error| {
            if error.is_conflict() {
                username_taken()
            } else {
                error.into()
            }
        })?
        .ok_or_else(|| ApiError::unauthorized("this account no longer exists"))?;
    if changes != ProfileChanges::default() {
        state
            .events
            .publish(&auth.user.id, ServerEvent::ProfileChanged);
    }
    Ok(Json(profile::owner_view(&state.issuer, &updated)))
}

fn username_taken() -> ApiError {
    let mut error = ApiError::conflict("That username is taken. Try another.");
    error.body.fields = vec![FieldError {
        field: "username".to_owned(),
        message: "That username is taken. Try another.".to_owned(),
    }];
    error
}

fn avatar_rule(state: &AppState) -> Rule {
    Rule {
        name: "avatar",
        max: state.settings.rate_limits.avatar_per_account_per_hour,
        window: 3600,
    }
}

/// Sets the avatar from a PNG or JPEG (at most 1 MiB and 4096 × 4096 pixels). The
/// server keeps a 256 × 256 PNG of its central square, without metadata.
#[utoipa::path(
    put,
    path = "/api/v1/me/avatar",
    tag = "profile",
    security(("bearer" = [])),
    request_body(
        description = "The image file itself",
        content(("image/png"), ("image/jpeg"))
    ),
    responses(
        (status = 200, description = "The profile with its new `avatar_url`", body = Profile),
        (status = 400, description = "Not a PNG or JPEG image, damaged or too many pixels", body = ErrorBody),
        (status = 401, description = "No valid access token", body = ErrorBody),
        (status = 413, description = "The file is larger than 1 MiB", body = ErrorBody),
        (status = 429, description = "Too many uploads; see `Retry-After`", body = ErrorBody),
    )
)]
pub async fn upload_avatar(
    auth: Authenticated,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Profile>, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            payload_too_large()
        } else {
            ApiError::invalid_field("avatar", "The image could not be received.")
        }
    })?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|value| value.trim().to_ascii_lowercase());
    if !matches!(content_type.as_deref(), Some("image/png" | "image/jpeg")) {
        return Err(ApiError::invalid_field(
            "avatar",
            "Send the image as image/png or image/jpeg.",
        ));
    }
    state
        .limiter
        .hit(avatar_rule(&state), &auth.user.id)
        .map_err(|retry| ApiError::too_many_requests(retry.0))?;
    let png = avatar::process(body.to_vec())
        .await
        .map_err(|error| match error {
            AvatarError::Internal => {
                tracing::error!("avatar processing failed");
                ApiError::internal()
            }
            refused => ApiError::invalid_field("avatar", refused.to_string()),
        })?;
    state
        .store
        .set_avatar(&NewAvatar {
            user_id: auth.user.id.clone(),
            version: new_id(),
            png,
            updated_at: state.clock.now(),
        })
        .await?;
    state
        .events
        .publish(&auth.user.id, ServerEvent::ProfileChanged);
    Ok(Json(current(&state, &auth.user.id).await?))
}

/// Removes the avatar (the apps show initials again).
#[utoipa::path(
    delete,
    path = "/api/v1/me/avatar",
    tag = "profile",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The profile without `avatar_url`", body = Profile),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn delete_avatar(
    auth: Authenticated,
    State(state): State<AppState>,
) -> Result<Json<Profile>, ApiError> {
    if state
        .store
        .delete_avatar(&auth.user.id, state.clock.now())
        .await?
    {
        state
            .events
            .publish(&auth.user.id, ServerEvent::ProfileChanged);
    }
    Ok(Json(current(&state, &auth.user.id).await?))
}

/// A public profile. A private profile and an unknown username get the same 404.
#[utoipa::path(
    get,
    path = "/api/v1/users/{username}",
    tag = "users",
    params(("username" = String, Path, description = "Case-insensitive")),
    responses(
        (status = 200, description = "The fields the person made public", body = PublicProfile),
        (status = 404, description = "No public profile under this name", body = ErrorBody),
    )
)]
pub async fn public(
    State(state): State<AppState>,
    Path(username): Path<String>,
) -> Result<Json<PublicProfile>, ApiError> {
    let record = state.store.profile_by_username(&username).await?;
    record
        .and_then(|record| profile::public_view(&state.issuer, &record))
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

//! The user info endpoint (OIDC Core §5.3) and the bearer-token check it shares
//! with the JSON API.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use courier_proto::UserInfo;

use super::error::OAuthError;
use crate::platform::clock::durations;
use crate::platform::crypto::token_digest;
use crate::state::AppState;
use courier_store::AccessContext;

/// How stale a grant's "last used" may get before a request refreshes it; keeps
/// the hot path free of writes.
const LAST_USED_RESOLUTION: i64 = durations::MINUTE;

/// The live grant and account behind the request's `Authorization: Bearer` token.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<AccessContext, OAuthError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or_else(|| OAuthError::invalid_token("an access token is required"))?;
    let now = state.clock.now();
    let context = state
        .store
        .access_context(&token_digest(token), now)
        .await?
        .ok_or_else(|| OAuthError::invalid_token("the access token is not valid or has expired"))?;
    if now - context.last_used_at >= LAST_USED_RESOLUTION
        && let Err(error) = state.store.touch_grant(&context.grant_id, now).await
    {
        // "Last active" on the sessions screen may lag; the request itself is fine.
        tracing::warn!(%error, "recording a session's last use failed");
    }
    Ok(context)
}

/// `GET|POST /oauth/userinfo`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<UserInfo>, OAuthError> {
    let context = authenticate(&state, &headers).await?;
    let scopes: Vec<&str> = context.scope.split(' ').collect();
    let user = context.user;
    let with_email = scopes.contains(&"email");
    let with_profile = scopes.contains(&"profile");
    // The profile name and the avatar's (versioned, absolute) URL.
    let picture = if with_profile {
        state
            .store
            .profile(&user.id)
            .await?
            .and_then(|record| crate::profile::owner_view(&state.issuer, &record).avatar_url)
    } else {
        None
    };
    Ok(Json(UserInfo {
        sub: user.id,
        email_verified: with_email.then_some(user.email_confirmed_at.is_some()),
        email: with_email.then_some(user.email),
        preferred_username: with_profile.then_some(user.username),
        name: if with_profile { user.name } else { None },
        picture,
    }))
}

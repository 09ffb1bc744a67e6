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
use courier_store::{AccessContext, ProfileRecord, StoreError};

/// How stale a grant's "last used" may get before a request refreshes it; keeps
/// the hot path free of writes.
const LAST_USED_RESOLUTION: i64 = durations::MINUTE;

/// Where a read may be answered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The instance's [`AccessCache`](crate::platform::access_cache) will do.
    CopyWillDo,
    /// The database: the request said `Cache-Control: no-cache` (or `max-age=0`), as
    /// a client does right after a change that may have gone through another instance.
    Database,
}

impl Freshness {
    /// What the request's `Cache-Control` asks for.
    pub fn asked_by(headers: &HeaderMap) -> Self {
        let no_copy = headers
            .get_all(header::CACHE_CONTROL)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(|directive| directive.trim().to_ascii_lowercase())
            .any(|directive| directive == "no-cache" || directive == "max-age=0");
        if no_copy {
            Self::Database
        } else {
            Self::CopyWillDo
        }
    }
}

/// The live grant and account behind the request's `Authorization: Bearer` token,
/// from the instance's [`AccessCache`](crate::platform::access_cache) when it has them
/// and `freshness` (what the request asked, [`Freshness::asked_by`]) allows.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    freshness: Freshness,
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
    let digest = token_digest(token);
    let cache = state.events.access_cache();
    let remembered = match freshness {
        Freshness::CopyWillDo => cache.context(&digest, now),
        Freshness::Database => None,
    };
    let context = match remembered {
        Some(context) => context,
        None => {
            let read = cache.begin_read();
            let context = state
                .store
                .access_context(&digest, now)
                .await?
                .ok_or_else(|| {
                    OAuthError::invalid_token("the access token is not valid or has expired")
                })?;
            cache.keep_context(read, &digest, &context, now);
            context
        }
    };
    if now - context.last_used_at >= LAST_USED_RESOLUTION {
        match state.store.touch_grant(&context.grant_id, now).await {
            Ok(()) => cache.touched(&digest, now),
            // "Last active" on the sessions screen may lag; the request itself is fine.
            Err(error) => tracing::warn!(%error, "recording a session's last use failed"),
        }
    }
    Ok(context)
}

/// The profile of an account a request was just authenticated for, from the
/// instance's cache when it has it and `freshness` allows (read paths only: after a
/// change, read the store).
pub async fn remembered_profile(
    state: &AppState,
    user_id: &str,
    freshness: Freshness,
) -> Result<Option<ProfileRecord>, StoreError> {
    let now = state.clock.now();
    let cache = state.events.access_cache();
    if freshness == Freshness::CopyWillDo
        && let Some(profile) = cache.profile(user_id, now)
    {
        return Ok(Some(profile));
    }
    let read = cache.begin_read();
    let profile = state.store.profile(user_id).await?;
    if let Some(profile) = &profile {
        cache.keep_profile(read, profile, now);
    }
    Ok(profile)
}

/// `GET|POST /oauth/userinfo`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<UserInfo>, OAuthError> {
    let freshness = Freshness::asked_by(&headers);
    let context = authenticate(&state, &headers, freshness).await?;
    let scopes: Vec<&str> = context.scope.split(' ').collect();
    let user = context.user;
    let with_email = scopes.contains(&"email");
    let with_profile = scopes.contains(&"profile");
    // The profile name and the avatar's (versioned, absolute) URL.
    let picture = if with_profile {
        remembered_profile(&state, &user.id, freshness)
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

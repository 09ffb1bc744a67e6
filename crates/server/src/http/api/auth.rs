//! Who is calling: the [`Authenticated`] extractor checks the bearer access token (the
//! same check as `/oauth/userinfo`) against the live grant, so a revoked session's
//! token stops working on its very next request, and that its grant's scope covers
//! the account API ([`API_SCOPES`]).

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use courier_proto::ErrorKind;

use super::error::ApiError;
use crate::http::oauth::userinfo::{self, Freshness};
use crate::state::AppState;
use courier_store::{AccessContext, UnixTime, User};

/// The scopes a token's grant needs for `/api/v1`: the API reads and changes the
/// profile and the email address, so a token granted less (an OpenID client that
/// asked for `openid` alone) gets 403 `forbidden` there, and still works at userinfo.
pub const API_SCOPES: [&str; 2] = ["profile", "email"];

/// The account and the session (grant) behind the request's access token.
pub struct Authenticated {
    pub user: User,
    /// The grant the token belongs to: "this device" on the sessions screen.
    pub session_id: String,
    /// When that grant ends (Keep me signed in: 30 days, else 30 minutes).
    pub session_expires_at: UnixTime,
    /// Whether the request let reads come from the instance's copies.
    pub freshness: Freshness,
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let freshness = Freshness::asked_by(&parts.headers);
        let AccessContext {
            grant_id,
            scope,
            user,
            grant_expires_at,
            ..
        } = userinfo::authenticate(state, &parts.headers, freshness)
            .await
            .map_err(|error| {
                if error.status.is_server_error() {
                    ApiError::internal()
                } else {
                    ApiError::unauthorized(error.description)
                }
            })?;
        let granted: Vec<&str> = scope.split(' ').collect();
        if !API_SCOPES.iter().all(|needed| granted.contains(needed)) {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorKind::Forbidden,
                "this token was not granted the profile and email scopes the account API needs",
            ));
        }
        Ok(Self {
            user,
            session_id: grant_id,
            session_expires_at: grant_expires_at,
            freshness,
        })
    }
}

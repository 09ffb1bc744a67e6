//! The OAuth 2.0 authorization server and OpenID provider for native apps (RFC 6749,
//! 7636, 8252, 7009, 8414, 9207, OIDC Core): which clients exist and where they may
//! be redirected, request parameters, token issuance with refresh rotation,
//! revocation, user info, discovery and the JWK set. The authorize endpoint is a
//! browser flow and lives with the pages ([`crate::http::pages`]), which depend on
//! this module and never the other way.

pub(crate) mod clients;
mod error;
mod metadata;
pub(crate) mod params;
mod token;
pub(crate) mod userinfo;

use axum::Router;
use axum::routing::{get, post};

use crate::platform::clock::durations;
use crate::state::AppState;

/// An authorization request must be completed in the browser within this time.
pub const AUTH_REQUEST_LIFETIME: i64 = 5 * durations::MINUTE;
/// Authorization codes are exchanged within this time or not at all.
pub const CODE_LIFETIME: i64 = 60;
/// Access tokens are short-lived; refresh tokens renew them.
pub const ACCESS_TOKEN_LIFETIME: i64 = 10 * durations::MINUTE;

/// Scopes this server understands.
pub const SUPPORTED_SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(metadata::discovery),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(metadata::discovery),
        )
        .route("/oauth/jwks", get(metadata::jwks))
        .route("/oauth/token", post(token::exchange))
        .route("/oauth/revoke", post(token::revoke))
        .route("/oauth/userinfo", get(userinfo::show).post(userinfo::show))
}

//! The whole HTTP surface: pages, OAuth endpoints, the JSON API, health and readiness, and the
//! layers every request passes through (body limit, timeout, tracing, security
//! headers). Unknown addresses and methods answer as a page, or as JSON under `/api/`.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, Uri};
use axum::middleware;
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use courier_proto::ErrorKind;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::http::api::error::ApiError;
use crate::http::pages::{self, PageError};
use crate::state::AppState;

/// No form or token request needs more than this.
const MAX_BODY_BYTES: usize = 64 * 1024;

pub fn build(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(crate::http::oauth::routes())
        .merge(crate::http::api::routes())
        .route("/health", get(crate::http::health::health))
        .route("/ready", get(crate::http::health::ready))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::http::headers::security_headers,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Whether `uri` is under the JSON API, whose errors are `{kind, message}` too.
fn is_api(uri: &Uri) -> bool {
    uri.path().starts_with("/api/")
}

async fn method_not_allowed(uri: Uri) -> Response {
    if is_api(&uri) {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::InvalidInput,
            "this address does not take that method",
        )
        .into_response();
    }
    PageError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "This address does not take that request",
        "Go back and use the page's own buttons and links.",
    )
    .into_response()
}

async fn not_found(uri: Uri) -> Response {
    if is_api(&uri) {
        return ApiError::not_found().into_response();
    }
    PageError::not_found().into_response()
}

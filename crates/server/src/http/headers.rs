//! The headers every response carries, whichever part of the surface answered:
//! no sniffing, no framing, no referrer to other sites; pages get their CSP; pages
//! and JSON answers are never stored by a cache unless their handler said otherwise
//! (discovery and keys are public); HSTS once the issuer is https.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::AppState;

/// Scripts only from the server's own files (the proof-of-work solver), no inline
/// scripts or styles, nothing from other origins, never framed. Forms post only to the
/// server itself, and the redirect a sign-in form answers with may go only to an
/// app's loopback listener (browsers apply `form-action` to that redirect too).
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; \
     form-action 'self' http://127.0.0.1:* http://[::1]:*";

/// Two years, the usual preload value; sent only when the issuer is https.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=63072000; includeSubDomains";

/// Adds the headers of the module header to `next`'s response.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    // `same-origin`, not `no-referrer`: under `no-referrer` browsers send `Origin: null`
    // on same-origin form posts, which the CSRF check must refuse. Other sites (the
    // app's loopback callback among them) still get no referrer.
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    if state.issuer.is_https() {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    match content_kind(headers) {
        ContentKind::Html => {
            // A document that sets its own (stricter) policy keeps it: an invoice.
            if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                );
            }
            // Pages carry CSRF tokens and personal details.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        ContentKind::Json if !headers.contains_key(header::CACHE_CONTROL) => {
            // Who someone is, their sessions, their tokens: no cache keeps any of it.
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        ContentKind::Json | ContentKind::Other => {}
    }
    response
}

enum ContentKind {
    Html,
    Json,
    Other,
}

fn content_kind(headers: &HeaderMap) -> ContentKind {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("text/html") {
        ContentKind::Html
    } else if content_type.starts_with("application/json") {
        ContentKind::Json
    } else {
        ContentKind::Other
    }
}

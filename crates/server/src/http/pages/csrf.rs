//! Cross-site request forgery protection for every form: a random token in an
//! HttpOnly cookie that each form repeats in a hidden field (double submit), plus an
//! `Origin` check when the browser sends one.

use axum::http::{HeaderMap, HeaderValue, header};

use super::PageError;
use super::session::{cookie_name, read_cookie, set_cookie};
use crate::platform::crypto::{constant_time_eq, new_token};
use crate::state::AppState;

const CSRF_COOKIE: &str = "courier_csrf";

/// The token a form must carry, and the cookie to set if the browser had none.
pub struct CsrfToken {
    pub value: String,
    pub set_cookie: Option<HeaderValue>,
}

/// Reuses the browser's token, or makes one.
pub fn token_for(state: &AppState, headers: &HeaderMap) -> CsrfToken {
    let name = cookie_name(&state.issuer, CSRF_COOKIE);
    match read_cookie(headers, &name).filter(|value| value.len() >= 32) {
        Some(value) => CsrfToken {
            value,
            set_cookie: None,
        },
        None => {
            let value = new_token("csrf");
            let cookie = set_cookie(&state.issuer, &name, &value, None);
            CsrfToken {
                value,
                set_cookie: Some(cookie),
            }
        }
    }
}

/// Refuses a form POST whose token does not match its cookie, or that comes from
/// another origin.
pub fn verify(state: &AppState, headers: &HeaderMap, submitted: &str) -> Result<(), PageError> {
    if let Some(origin) = headers.get(header::ORIGIN)
        && origin.as_bytes() != state.issuer.origin().as_bytes()
    {
        return Err(PageError::csrf());
    }
    let name = cookie_name(&state.issuer, CSRF_COOKIE);
    match read_cookie(headers, &name) {
        Some(expected) if !submitted.is_empty() && constant_time_eq(&expected, submitted) => Ok(()),
        _ => Err(PageError::csrf()),
    }
}

//! The server's own web pages: the authorization endpoint's browser flow, sign-up,
//! sign-in, the consent page, email confirmation, Trouble signing in?, public
//! profiles, team pages and a team's billing page, invitations, sign-out and terms, and
//! test mode's bank page. Server-rendered HTML that works without JavaScript and loads
//! nothing from elsewhere; every form carries a CSRF token and answers a POST with 303.

mod authorize;
mod billing;
mod confirm;
mod consent;
mod csrf;
mod forgot;
mod home;
mod invitation;
mod layout;
mod profile;
mod robot_check;
mod session;
mod signin;
mod signup;
mod team;
mod test_bank;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::error::Error;
use crate::platform::ratelimit::RetryAfter;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/terms", get(home::terms))
        .route("/oauth/authorize", get(authorize::start))
        .route("/static/style.css", get(layout::stylesheet))
        .route("/static/altcha.js", get(layout::altcha_script))
        .route("/forgot", get(forgot::show).post(forgot::submit))
        .route("/reset", get(forgot::show_reset).post(forgot::reset))
        .route("/signup", get(signup::show).post(signup::submit))
        .route("/signin", get(signin::show).post(signin::submit))
        .route(
            "/authorize/choose",
            get(consent::show).post(consent::submit),
        )
        .route("/authorize/cancel", post(consent::cancel))
        .route("/signout", get(home::show_signout).post(home::signout))
        .route("/confirm-email", get(confirm::show).post(confirm::submit))
        .route("/confirm-email/result", get(confirm::show_result))
        .route(
            crate::teams::invitations::ACCEPT_PATH,
            get(invitation::show).post(invitation::submit),
        )
        .route("/t/{slug}", get(team::show))
        .route("/t/{slug}/billing", get(billing::show))
        .route("/t/{slug}/billing/invoices/{file}", get(billing::document))
        .route(
            "/billing/test-mode/confirm/{handle}",
            get(test_bank::show).post(test_bank::submit),
        )
        .route("/u/{username}", get(profile::show))
        .route("/avatars/{user_id}/{file}", get(profile::avatar))
        .route(
            "/confirm-email/resend",
            get(confirm::show_resend).post(confirm::resend),
        )
}

/// A page that explains what went wrong, with the status that goes with it.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
    pub retry_after: Option<u64>,
}

impl PageError {
    pub fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            title,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "Something is wrong with this request",
            message,
        )
    }

    /// The page for an address that leads nowhere: unknown, or not to be revealed.
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Page not found",
            "There is nothing at this address.",
        )
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "Go back, reload the page and try again.",
        )
    }

    pub fn too_many(RetryAfter(seconds): RetryAfter) -> Self {
        Self {
            retry_after: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many attempts",
                format!("Wait {} and try again.", layout::duration_words(seconds)),
            )
        }
    }

    pub fn expired_request() -> Self {
        Self::new(
            StatusCode::GONE,
            "This sign-in request has expired",
            "Sign-in requests are valid for five minutes. Return to Courier and start again.",
        )
    }
}

impl From<courier_store::StoreError> for PageError {
    fn from(error: courier_store::StoreError) -> Self {
        Error::from(error).into()
    }
}

impl From<Error> for PageError {
    fn from(error: Error) -> Self {
        if error.is_unstorable_text() {
            return Self::bad_request("A field holds a character that is not allowed.");
        }
        tracing::error!(%error, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The server could not finish this. Please try again in a moment.",
        )
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = layout::message_page(self.title, &self.message);
        let mut response = (self.status, page).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// A form body, with any decoding failure answered as a page rather than plain text.
pub struct PageForm<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, PageError> {
        match axum::Form::<T>::from_request(request, state).await {
            Ok(axum::Form(value)) => Ok(Self(value)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(PageError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "Too much data",
                    "This form is too large.",
                ))
            }
            Err(_) => Err(PageError::bad_request(
                "The form could not be read. Reload it and try again.",
            )),
        }
    }
}

/// A query string, with any decoding failure (a repeated or missing parameter)
/// answered as a page rather than plain text.
pub struct PageQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for PageQuery<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, PageError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(_) => Err(PageError::bad_request(
                "This address is incomplete or garbled. Check that you copied all of it.",
            )),
        }
    }
}

/// Adds `Set-Cookie` headers to a response.
pub fn with_cookies(
    mut response: Response,
    cookies: impl IntoIterator<Item = axum::http::HeaderValue>,
) -> Response {
    for cookie in cookies {
        response
            .headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
    }
    response
}

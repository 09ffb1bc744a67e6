//! The server's errors. [`Error`] is what library code returns; it becomes a response
//! in one of three shapes, chosen by the surface that failed: [`ApiError`] (`{kind,
//! message}` JSON), [`OAuthError`] (RFC 6749 JSON) and `web::PageError` (an HTML page).
//! Internal failures are logged here and answered without details.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use courier_proto::{ErrorBody, ErrorKind, FieldError, OAuthErrorBody};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Failures below the HTTP layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("storage: {0}")]
    Store(#[from] courier_store::StoreError),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(String),
    #[error("signing key: {0}")]
    Key(String),
    #[error("password hashing: {0}")]
    PasswordHash(String),
}

impl Error {
    /// True when a unique constraint refused the write (the store's `Conflict`).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Store(error) if error.is_conflict())
    }
}

/// A JSON API error: `{ "kind": "...", "message": "..." }`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            status,
            body: ErrorBody::new(kind, message),
            retry_after: None,
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorKind::Unauthorized, message)
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorKind::NotFound, "not found")
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, ErrorKind::Conflict, message)
    }

    pub fn too_many_requests(retry_after_secs: u64) -> Self {
        let mut error = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::RateLimited,
            "too many attempts; try again later",
        );
        error.retry_after = Some(retry_after_secs);
        error
    }

    /// A failure whose details belong in the log only.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Internal,
            "internal server error",
        )
    }

    /// `invalid_input` with a message beside each refused field.
    pub fn invalid_fields(fields: Vec<FieldError>) -> Self {
        let message = match fields.as_slice() {
            [only] => only.message.clone(),
            _ => "some fields need another look".to_owned(),
        };
        let mut error = Self::new(StatusCode::BAD_REQUEST, ErrorKind::InvalidInput, message);
        error.body.fields = fields;
        error
    }

    /// `invalid_input` for one field.
    pub fn invalid_field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid_fields(vec![FieldError {
            field: field.to_owned(),
            message: message.into(),
        }])
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        if error.is_unique_violation() {
            return Self::new(StatusCode::CONFLICT, ErrorKind::Conflict, "already exists");
        }
        tracing::error!(%error, "internal error");
        Self::internal()
    }
}

impl From<courier_store::StoreError> for ApiError {
    fn from(error: courier_store::StoreError) -> Self {
        Error::from(error).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// An OAuth 2.0 error from the token, revocation or userinfo endpoints (RFC 6749 §5.2,
/// RFC 6750 §3). Never cached.
#[derive(Debug)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub description: String,
    pub retry_after: Option<u64>,
}

impl OAuthError {
    pub fn new(status: StatusCode, error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            error,
            description: description.into(),
            retry_after: None,
        }
    }

    pub fn invalid_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub fn invalid_grant(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_grant", description)
    }

    pub fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    pub fn invalid_token(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_token", description)
    }
}

impl From<Error> for OAuthError {
    fn from(error: Error) -> Self {
        tracing::error!(%error, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal server error",
        )
    }
}

impl From<courier_store::StoreError> for OAuthError {
    fn from(error: courier_store::StoreError) -> Self {
        Error::from(error).into()
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let body = OAuthErrorBody {
            error: self.error.to_owned(),
            error_description: Some(self.description),
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.error == "invalid_token" {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer error=\"invalid_token\""),
            );
        } else if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

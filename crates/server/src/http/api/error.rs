//! The JSON API's error answer, `{ "kind": "...", "message": "..." }`: what a handler
//! returns, and how a domain [`Error`] becomes one (logged, answered without details).

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use courier_proto::{ErrorBody, ErrorKind, FieldError};

use crate::error::Error;

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
        if error.is_unstorable_text() {
            return Self::new(
                StatusCode::BAD_REQUEST,
                ErrorKind::InvalidInput,
                "a value holds a character that is not allowed (NUL)",
            );
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

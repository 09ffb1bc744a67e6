//! Error bodies: `{kind, message}` for Courier's JSON API, RFC 6749 §5.2 for OAuth.

use serde::{Deserialize, Serialize};

/// What went wrong, as a machine-readable kind a client can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The request was malformed or a field failed validation.
    InvalidInput,
    /// No valid credentials were presented.
    Unauthorized,
    /// The credentials are valid but do not allow this.
    Forbidden,
    /// The thing asked for does not exist (or is not visible to the caller).
    NotFound,
    /// The request conflicts with the current state (for example a taken username).
    Conflict,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// The team's plan does not allow this (more members or workspaces than it
    /// includes); the message names the plan that does. HTTP 403.
    PlanLimit,
    /// The payment provider refused the card (declined, insufficient funds, a failed
    /// confirmation); nothing changed. HTTP 402.
    PaymentFailed,
    /// Too many requests; retry after the time given in `Retry-After`.
    RateLimited,
    /// The server failed; details are in its log, never in the response.
    Internal,
}

/// The body of every non-OAuth JSON error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub kind: ErrorKind,
    pub message: String,
    /// With `invalid_input`: which fields were refused and why, to show beside them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

impl ErrorBody {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            fields: Vec::new(),
        }
    }
}

/// One refused field: its name as in the request, and a sentence for the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An OAuth 2.0 error response (RFC 6749 §5.2), as the token and revocation endpoints send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

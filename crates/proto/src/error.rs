//! Error bodies: `{kind, message}` for Courier's JSON API, RFC 6749 §5.2 for OAuth.

use serde::{Deserialize, Serialize};

/// What went wrong, as a machine-readable kind a client can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
    /// Too many requests; retry after the time given in `Retry-After`.
    RateLimited,
    /// The server failed; details are in its log, never in the response.
    Internal,
}

/// The body of every non-OAuth JSON error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub kind: ErrorKind,
    pub message: String,
}

/// An OAuth 2.0 error response (RFC 6749 §5.2), as the token and revocation endpoints send it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
}

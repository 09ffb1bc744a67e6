//! The server's errors below the HTTP layer. [`Error`] is what domain and platform
//! code returns; the HTTP layer turns it into a response in one of three shapes,
//! chosen by the surface that failed: `http::api::error::ApiError` (`{kind, message}`
//! JSON), `http::oauth::error::OAuthError` (RFC 6749 JSON) and `http::pages::PageError`
//! (an HTML page), each logging internal failures and answering without details.

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
    /// Stored data that no longer reads as what wrote it.
    #[error("stored data: {0}")]
    Corrupt(String),
}

impl Error {
    /// True when a unique constraint refused the write (the store's `Conflict`).
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Store(error) if error.is_conflict())
    }

    /// True when the input held text the database cannot store (a NUL character):
    /// the caller's mistake, answered 400 on every surface.
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, Error::Store(error) if error.is_unstorable_text())
    }
}

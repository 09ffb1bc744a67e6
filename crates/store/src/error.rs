//! The store's errors. A refused unique value is [`StoreError::Conflict`] whatever
//! the backend, so callers can answer 409 without knowing which database said no.

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique value (email, username, …) is already taken; names what.
    #[error("a unique value is already taken: {0}")]
    Conflict(&'static str),
    #[error("database: {0}")]
    Database(sqlx::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A text value holds a character the database cannot store (PostgreSQL refuses
    /// NUL in text, even as a value looked up): the input was bad, not the server.
    #[error("a text value holds a character the database cannot store")]
    UnstorableText,
    /// The database URL names a backend this build does not have.
    #[error("configuration: {0}")]
    UnsupportedUrl(String),
    /// A move between databases was refused before anything was written (the
    /// target already holds rows).
    #[error("refused: {0}")]
    Refused(String),
    /// A value could not be encoded for storage.
    #[error("encoding {what}: {message}")]
    Encode { what: &'static str, message: String },
}

impl StoreError {
    /// True when a unique constraint refused the write.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict(_))
    }

    /// True when the input held text the database cannot store.
    pub fn is_unstorable_text(&self) -> bool {
        matches!(self, StoreError::UnstorableText)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict("a unique value")
            }
            // PostgreSQL's character_not_in_repertoire: a NUL in a text parameter.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("22021") => {
                StoreError::UnstorableText
            }
            _ => StoreError::Database(error),
        }
    }
}

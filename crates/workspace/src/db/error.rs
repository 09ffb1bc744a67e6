//! The local database's errors, in kinds a screen can branch on: something is gone
//! ([`Error::NotFound`]), the request makes no sense ([`Error::Invalid`]), it collides
//! with the stored state ([`Error::Conflict`]), or the storage itself failed
//! ([`Error::Storage`]). Bad input is always one of the first three, never a panic.

use crate::model::EntityKind;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No such workspace, collection, folder, request, environment or draft (or it
    /// is not where the caller said).
    #[error("this {} no longer exists", noun(*.what))]
    NotFound { what: Noun, id: String },
    /// The operation cannot be done as asked; the message says why, for a person.
    #[error("{0}")]
    Invalid(String),
    /// The operation collides with what is stored (changed elsewhere since it was
    /// read, already restored, its parent deleted); the message says what.
    #[error("{0}")]
    Conflict(String),
    /// The database file could not be opened, read or written.
    #[error("the local database failed: {0}")]
    Storage(String),
}

/// What was not found: an entity, or one of the things around them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    Entity(EntityKind),
    Draft,
}

fn noun(what: Noun) -> &'static str {
    match what {
        Noun::Entity(EntityKind::Workspace) => "workspace",
        Noun::Entity(EntityKind::Collection) => "collection",
        Noun::Entity(EntityKind::Folder) => "folder",
        Noun::Entity(EntityKind::Request) => "request",
        Noun::Entity(EntityKind::Environment) => "environment",
        Noun::Entity(EntityKind::Globals) => "set of globals",
        Noun::Draft => "draft",
    }
}

/// The kinds as the UI spells them (`{ "kind": "not_found", … }`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    NotFound,
    Invalid,
    Conflict,
    Storage,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Invalid => "invalid",
            Self::Conflict => "conflict",
            Self::Storage => "storage",
        }
    }
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::NotFound { .. } => ErrorKind::NotFound,
            Self::Invalid(_) => ErrorKind::Invalid,
            Self::Conflict(_) => ErrorKind::Conflict,
            Self::Storage(_) => ErrorKind::Storage,
        }
    }

    pub(crate) fn not_found(what: EntityKind, id: &str) -> Self {
        Self::NotFound {
            what: Noun::Entity(what),
            id: id.to_owned(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict(message.into())
    }

    /// A stored value that does not decode: the file was changed behind our back.
    pub(crate) fn corrupt(what: &str, error: impl std::fmt::Display) -> Self {
        Self::Storage(format!("a stored {what} cannot be read: {error}"))
    }
}

impl From<sqlx::Error> for Error {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                Self::Conflict("it exists already".to_owned())
            }
            _ => Self::Storage(error.to_string()),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for Error {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        Self::Storage(format!("updating the database's tables: {error}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Self {
        Self::Storage(error.to_string())
    }
}

//! Wire types shared by `courier-server` and its clients: the JSON error body, OpenID
//! discovery metadata, user info and OAuth token responses. Serde only; no behaviour.

mod discovery;
mod error;
mod user;

pub use discovery::ProviderMetadata;
pub use error::{ErrorBody, ErrorKind, OAuthErrorBody};
pub use user::UserInfo;

/// The OAuth client id of Courier's own desktop app and CLI (a public native client).
pub const DESKTOP_CLIENT_ID: &str = "courier-desktop";

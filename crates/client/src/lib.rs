//! `courier-client`: everything the desktop app does that is not UI, usable headless
//! by the CLI. Sign-in through the system browser on a loopback listener, tokens in
//! the OS keyring ([`auth`]), the accounts on this device
//! ([`accounts`]) and the [`Courier`] facade that ties them together: several
//! accounts at once, switching, transparent refresh, sign-out. The account API
//! ([`api`], as `courier.api(account_id)`) and each account's events channel
//! ([`channel`], the `/api/v1/events` WebSocket) build on it, and the desktop app's
//! state without its window ([`app`]: view types, IPC table) on all of them.

#![forbid(unsafe_code)]

pub mod accounts;
pub mod api;
pub mod app;
pub mod auth;
pub mod channel;
pub mod clock;
pub mod config;
mod courier;
pub mod error;

/// The wire types the API methods take and return.
pub use courier_proto as proto;
/// The local work the desktop's `work` commands take and return.
pub use courier_workspace as workspace;

pub use accounts::Account;
pub use api::AccountApi;
pub use auth::signin::SignInAttempt;
pub use courier::{Courier, SignInMode, SignOutOutcome};
pub use error::{Error, Result, SignInFailure};

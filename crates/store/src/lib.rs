//! `courier-store`: everything the Courier account server keeps, behind one trait per
//! area ([`Accounts`], [`MailLinks`], [`EmailChanges`], [`WebSessions`],
//! [`Authorizations`], [`Grants`], [`Sessions`], [`Profiles`], [`Support`], [`Teams`],
//! [`Discovery`], [`MailQueue`], [`ServerSecrets`], [`Upkeep`], [`WorkspaceSync`], [`SyncKeys`],
//! [`Billing`])
//! and their sum [`Store`], which the server holds as `Arc<dyn Store>`.
//! Each method is one atomic operation (one transaction), so the server never sees a
//! half-written account or grant.
//!
//! What an operation *decides* (a replayed code or refresh token revokes its grant, a
//! link is refused once spent or expired, an email change is superseded, …) is written
//! once, beside each trait, as a function of the rows a backend reads; every backend
//! calls it inside its transaction, so a second backend cannot decide differently.
//! The backend is chosen from the database URL's scheme ([`connect`]): [`sqlite`] (the
//! embedded default) or [`postgres`] (several server instances on one database). `tests/conformance` runs every method against the backend a URL names.
//! [`transfer`] moves an installation from SQLite to PostgreSQL.

mod accounts;
mod authorizations;
mod billing;
mod discovery;
mod email_change;
mod error;
mod grants;
mod links;
mod mail_queue;
pub mod postgres;
mod profiles;
mod rotations;
mod server_secrets;
mod sessions;
pub mod sqlite;
mod support;
mod sync_keys;
mod teams;
pub mod transfer;
mod upkeep;
mod workspaces;

use std::sync::Arc;

pub use accounts::{Accounts, User};
pub use authorizations::{AuthCode, AuthRequest, Authorizations, RedeemOutcome};
pub use billing::{
    Billing, BillingAccountRecord, BillingWrite, InvoiceRecord, InvoiceUpdate, TeamUsage,
};
pub use discovery::{
    Decision, DiscoverableRecord, Discovery, DiscoveryRecord, JoinPolicy, JoinRequestRecord,
    JoinResult, email_domain,
};
pub use email_change::{EmailChangeOutcome, EmailChanges};
pub use error::{Result, StoreError};
pub use grants::{
    AccessContext, ClientSeen, DEFAULT_REFRESH_REUSE_GRACE, EarlierGrants, Grant, Grants,
    IssuedTokens, RefreshOutcome, RevokeReason, RevokedGrant,
};
pub use links::{LinkOutcome, LinkPurpose, MailLink, MailLinks};
pub use mail_queue::{
    AbandonedMail, Claimed, ClaimedMail, MAIL_ATTEMPTS, MAIL_LEASE, MailFailure, MailQueue,
    MailRecord, MailStatus, OutgoingMail, retry_delay,
};
pub use profiles::{NewAvatar, ProfileChanges, ProfileRecord, Profiles};
#[doc(hidden)]
pub use rotations::RotationHold;
pub use server_secrets::{ServerSecrets, SigningKeyRecord};
pub use sessions::{
    KeepSessions, NewWebSession, SessionRecord, SessionSource, Sessions, WebSession, WebSessions,
};
pub use support::{Support, SupportRecord};
pub use sync_keys::{
    AccountKeyPut, AccountKeyRecord, MemberKeyRecord, PublishOutcome, PublishRefusal, SyncKeys,
    WorkspaceKeysView, WrappedKeyRecord,
};
pub use teams::{
    Acceptance, InvitationRecord, InvitationRefusal, Invited, LiveInvitation, MemberChange,
    MemberRecord, Membership, NewInvitation, TeamRecord, TeamRole, Teams,
};
pub use upkeep::Upkeep;
pub use workspaces::{
    ChangesPage, EntityRecord, MAX_PAGE, Operation, OperationResult, Pushed, WorkspaceCreation,
    WorkspaceDeletion, WorkspaceOwner, WorkspaceRecord, WorkspaceSync,
};

/// Seconds since the Unix epoch: every time the store keeps or compares.
pub type UnixTime = i64;

/// Everything the server stores: every area's trait, so one `Arc<dyn Store>` reaches
/// them all. Implemented for any type that implements the areas.
pub trait Store:
    Accounts
    + MailLinks
    + EmailChanges
    + WebSessions
    + Authorizations
    + Grants
    + Sessions
    + Profiles
    + Support
    + Teams
    + Discovery
    + MailQueue
    + ServerSecrets
    + Upkeep
    + WorkspaceSync
    + SyncKeys
    + Billing
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: Accounts
        + MailLinks
        + EmailChanges
        + WebSessions
        + Authorizations
        + Grants
        + Sessions
        + Profiles
        + Support
        + Teams
        + Discovery
        + MailQueue
        + ServerSecrets
        + Upkeep
        + WorkspaceSync
        + SyncKeys
        + Billing
        + Send
        + Sync
        + 'static
{
}

/// Opens the store a database URL names and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(sqlite::SqliteStore::open(url).await?));
    }
    if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        return Ok(Arc::new(postgres::PgStore::open(url).await?));
    }
    Err(StoreError::UnsupportedUrl(format!(
        "unsupported database URL {:?}: use sqlite://PATH or postgres://…",
        url.split(':').next().unwrap_or_default()
    )))
}

//! Storage: the records the server keeps and the [`Store`] trait that reads and writes
//! them. Each method is one atomic operation, so handlers never see a half-written
//! account or grant and a PostgreSQL backend can be added beside [`sqlite`] without
//! touching them. The backend is chosen from the database URL's scheme.

pub mod sqlite;

use std::sync::Arc;

use courier_proto::NotificationPreferences;

use crate::clock::UnixTime;
use crate::error::{Error, Result};

/// An account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    pub id: String,
    pub email: String,
    pub username: String,
    pub password_hash: String,
    pub name: Option<String>,
    pub email_confirmed_at: Option<UnixTime>,
    pub created_at: UnixTime,
}

/// A single-use link sent by mail.
#[derive(Debug, Clone)]
pub struct MailLink {
    pub digest: String,
    pub user_id: String,
    pub purpose: LinkPurpose,
    /// The address the link was sent to; confirming applies only while it is current.
    pub email: String,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    ConfirmEmail,
    /// Confirms a new address (`MailLink::email`) before it replaces the old one.
    ChangeEmail,
    /// Trouble signing in: sets a new password (1 hour, single use).
    ResetPassword,
}

impl LinkPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkPurpose::ConfirmEmail => "confirm_email",
            LinkPurpose::ChangeEmail => "change_email",
            LinkPurpose::ResetPassword => "reset_password",
        }
    }
}

/// What using a mail link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// The link was valid and is now spent.
    Used {
        user_id: String,
    },
    Expired,
    AlreadyUsed,
    Unknown,
}

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct NewWebSession {
    pub digest: String,
    pub id: String,
    pub user_id: String,
    pub keep_signed_in: bool,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WebSession {
    pub id: String,
    pub user_id: String,
    pub keep_signed_in: bool,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// An authorization request waiting for the person in the browser.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthRequest {
    pub id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub prompt: Option<String>,
    pub login_hint: Option<String>,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub completed_at: Option<UnixTime>,
}

/// An authorization code, as issued at the end of an authorization request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuthCode {
    pub digest: String,
    pub request_id: String,
    pub user_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub keep_signed_in: bool,
    pub auth_time: UnixTime,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
}

/// One signed-in app on one device.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Grant {
    pub id: String,
    pub user_id: String,
    pub client_id: String,
    pub scope: String,
    pub keep_signed_in: bool,
    pub auth_time: UnixTime,
    pub created_at: UnixTime,
    pub expires_at: UnixTime,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub first_used_at: UnixTime,
    pub last_used_at: UnixTime,
}

/// Digests of a freshly issued access token and (optionally) refresh token.
#[derive(Debug, Clone)]
pub struct IssuedTokens {
    pub access_digest: String,
    pub access_expires_at: UnixTime,
    pub refresh_digest: Option<String>,
}

/// Where a token request came from, recorded on the grant.
#[derive(Debug, Clone, Default)]
pub struct ClientSeen {
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

#[derive(Debug, Clone)]
pub enum RedeemOutcome {
    Redeemed {
        grant: Box<Grant>,
        user: Box<User>,
    },
    /// The code was used before; whatever that use issued has now been revoked.
    Reused,
    Expired,
    Unknown,
}

#[derive(Debug, Clone)]
pub enum RefreshOutcome {
    Rotated {
        grant: Box<Grant>,
        user: Box<User>,
    },
    /// A spent refresh token came back: the whole grant has been revoked.
    Reused,
    /// Unknown token, or its grant has ended.
    Invalid,
}

/// What an access token stands for.
#[derive(Debug, Clone)]
pub struct AccessContext {
    pub grant_id: String,
    pub scope: String,
    pub last_used_at: UnixTime,
    pub user: User,
}

/// Why a grant was revoked, recorded for the sessions screen and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    SignedOut,
    RefreshReuse,
    CodeReuse,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::SignedOut => "signed_out",
            RevokeReason::RefreshReuse => "refresh_token_reuse",
            RevokeReason::CodeReuse => "code_reuse",
        }
    }
}

/// Everything the server stores. One method, one transaction.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Inserts a new account; `Error::Conflict` when the email or username is taken.
    async fn create_user(&self, user: &User) -> Result<()>;
    async fn user_by_id(&self, id: &str) -> Result<Option<User>>;
    /// Finds an account by email or username, case-insensitively.
    async fn user_by_login(&self, identifier: &str) -> Result<Option<User>>;
    async fn user_by_email(&self, email: &str) -> Result<Option<User>>;
    async fn username_taken(&self, username: &str) -> Result<bool>;

    async fn insert_mail_link(&self, link: &MailLink) -> Result<()>;
    /// Spends a link: confirming an email marks the address confirmed if it is
    /// still the account's address.
    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome>;

    /// Starts a browser session, ending `replaces` (the session id is cycled at sign-in).
    async fn create_web_session(
        &self,
        session: &NewWebSession,
        replaces: Option<&str>,
    ) -> Result<()>;
    /// The live session and its account behind a cookie's digest.
    async fn web_session(&self, digest: &str, now: UnixTime) -> Result<Option<(WebSession, User)>>;
    async fn end_web_session(&self, digest: &str, now: UnixTime) -> Result<()>;

    async fn insert_auth_request(&self, request: &AuthRequest) -> Result<()>;
    async fn auth_request(&self, id: &str) -> Result<Option<AuthRequest>>;
    /// Completes a pending, unexpired request by issuing `code`; false if the request
    /// is expired, already completed or unknown.
    async fn complete_auth_request(&self, code: &AuthCode, now: UnixTime) -> Result<bool>;

    /// Ends a pending, unexpired request without a code (the person pressed Cancel);
    /// false if it was not pending.
    async fn cancel_auth_request(&self, id: &str, now: UnixTime) -> Result<bool>;

    async fn auth_code(&self, digest: &str) -> Result<Option<AuthCode>>;
    /// Spends a code and creates its grant with its first tokens.
    async fn redeem_code(
        &self,
        digest: &str,
        now: UnixTime,
        grant: &Grant,
        tokens: &IssuedTokens,
    ) -> Result<RedeemOutcome>;
    /// Spends a code without issuing anything (a failed exchange); a reused code
    /// revokes what its first use issued.
    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<()>;

    /// Exchanges a refresh token issued to `client_id` for `tokens`, detecting reuse.
    async fn rotate_refresh_token(
        &self,
        digest: &str,
        client_id: &str,
        now: UnixTime,
        tokens: &IssuedTokens,
        seen: &ClientSeen,
    ) -> Result<RefreshOutcome>;

    /// The live grant and account behind an access token.
    async fn access_context(&self, digest: &str, now: UnixTime) -> Result<Option<AccessContext>>;
    async fn touch_grant(&self, grant_id: &str, now: UnixTime) -> Result<()>;
    async fn grant(&self, grant_id: &str) -> Result<Option<Grant>>;
    async fn revoke_grant(&self, grant_id: &str, now: UnixTime, reason: RevokeReason)
    -> Result<()>;
    /// Revokes the grant an access or refresh token belongs to; false if none.
    async fn revoke_grant_of_token(&self, digest: &str, now: UnixTime) -> Result<bool>;

    /// The account's notification preferences (the defaults until it sets its own).
    async fn notification_preferences(&self, user_id: &str) -> Result<NotificationPreferences>;
    async fn set_notification_preferences(
        &self,
        user_id: &str,
        preferences: &NotificationPreferences,
        now: UnixTime,
    ) -> Result<()>;

    /// Deletes rows that can no longer be used (expired codes, tokens, requests).
    async fn purge_expired(&self, now: UnixTime) -> Result<u64>;
}

/// Opens the store a database URL names and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(sqlite::SqliteStore::open(url).await?));
    }
    Err(Error::Config(format!(
        "unsupported database URL {:?}: this build stores data in SQLite (sqlite://PATH)",
        url.split(':').next().unwrap_or_default()
    )))
}

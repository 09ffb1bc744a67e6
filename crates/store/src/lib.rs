//! `courier-store`: everything the Courier account server keeps. The records, the
//! [`Store`] trait that reads and writes them and its SQLite backend ([`sqlite`]).
//! Each method is one atomic operation, so the server never sees a half-written
//! account or grant. The backend is chosen from the database URL's scheme
//! ([`connect`]).

mod error;
mod profiles;
pub mod sqlite;

pub use error::{Result, StoreError};
pub use profiles::{EmailChangeOutcome, NewAvatar, ProfileChanges, ProfileRecord, SupportRecord};

use std::sync::Arc;

use courier_proto::NotificationPreferences;

/// Seconds since the Unix epoch: every time the store keeps or compares.
pub type UnixTime = i64;

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
    /// When the browser last used it (kept to within a minute; Sessions shows it).
    pub last_seen_at: UnixTime,
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
    Reused(Option<RevokedGrant>),
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
    Reused(RevokedGrant),
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

/// A grant that an operation has just revoked: whose it was, so the account's event
/// channels can be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedGrant {
    pub grant_id: String,
    pub user_id: String,
}

/// Whether a live session is an app's grant or a signed-in browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionSource {
    Grant,
    Browser,
}

/// One live session of an account, as the sessions screen lists it.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub id: String,
    pub source: SessionSource,
    /// The OAuth client of a grant; `None` for a browser.
    pub client_id: Option<String>,
    pub device_name: Option<String>,
    pub device_os: Option<String>,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
    pub first_seen: UnixTime,
    pub last_seen: UnixTime,
}

/// Which of an account's sessions survive an operation that ends sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepSessions<'a> {
    /// End none of them.
    All,
    /// End every session but this one (a grant or browser session id).
    Only(&'a str),
    /// End every session.
    None,
}

/// What the account's earlier grants say about a new one (for the new-device notice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EarlierGrants {
    /// The account had any grant before this one.
    pub any: bool,
    /// One of them was from the same device (name and OS, or else user agent).
    pub same_device: bool,
}

/// Why a grant was revoked, recorded for the sessions screen and the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeReason {
    SignedOut,
    RefreshReuse,
    CodeReuse,
    /// Revoked from the sessions screen (one, or all others).
    RevokedByUser,
    PasswordChanged,
    PasswordReset,
}

impl RevokeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::SignedOut => "signed_out",
            RevokeReason::RefreshReuse => "refresh_token_reuse",
            RevokeReason::CodeReuse => "code_reuse",
            RevokeReason::RevokedByUser => "revoked_by_user",
            RevokeReason::PasswordChanged => "password_changed",
            RevokeReason::PasswordReset => "password_reset",
        }
    }
}

/// Everything the server stores. One method, one transaction.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Inserts a new account; `StoreError::Conflict` when the email or username is taken.
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
    /// Records that the browser session `id` was used at `now`.
    async fn touch_web_session(&self, id: &str, now: UnixTime) -> Result<()>;

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
    async fn burn_code(&self, digest: &str, now: UnixTime) -> Result<Option<RevokedGrant>>;

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
    /// Revokes the grant an access or refresh token belongs to; `None` if none.
    async fn revoke_grant_of_token(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Option<RevokedGrant>>;

    /// The account's live sessions: unrevoked, unexpired grants and browser sessions.
    async fn live_sessions(&self, user_id: &str, now: UnixTime) -> Result<Vec<SessionRecord>>;
    /// Ends one live session (grant or browser) of `user_id`; false if the account has
    /// no such live session.
    async fn revoke_session(
        &self,
        user_id: &str,
        session_id: &str,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<bool>;
    /// Ends the account's live sessions except those `keep` names; returns the ids ended.
    async fn revoke_sessions(
        &self,
        user_id: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
        reason: RevokeReason,
    ) -> Result<Vec<String>>;
    /// Replaces the password hash, records when, and ends sessions as `keep` says, in
    /// one transaction; returns the ids of the sessions ended.
    async fn change_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: KeepSessions<'_>,
        now: UnixTime,
    ) -> Result<Vec<String>>;
    /// What spending a mail link would do now, without spending it (`Used` means it
    /// is valid and names its account).
    async fn check_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome>;
    /// Spends a password reset link, sets the new hash and ends every session of the
    /// account, in one transaction; the ids ended come with a `Used` outcome.
    async fn reset_password(
        &self,
        digest: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<(LinkOutcome, Vec<String>)>;
    /// Records a solved proof-of-work challenge; false if it was already spent.
    async fn spend_challenge(&self, digest: &str, expires_at: UnixTime) -> Result<bool>;
    /// Whether `user_id` had grants before `grant` and one of them from the same device.
    async fn earlier_grants(&self, grant: &Grant) -> Result<EarlierGrants>;

    /// The account's notification preferences (the defaults until it sets its own).
    async fn notification_preferences(&self, user_id: &str) -> Result<NotificationPreferences>;
    async fn set_notification_preferences(
        &self,
        user_id: &str,
        preferences: &NotificationPreferences,
        now: UnixTime,
    ) -> Result<()>;

    // Account settings: profile, avatar, email change, support requests.

    /// The account's profile, or `None` for an unknown id.
    async fn profile(&self, user_id: &str) -> Result<Option<ProfileRecord>>;
    /// The profile whose username is `username`, case-insensitively.
    async fn profile_by_username(&self, username: &str) -> Result<Option<ProfileRecord>>;
    /// Applies every change or none; `StoreError::Conflict` when the new username is taken.
    /// `None` for an unknown account.
    async fn update_profile(
        &self,
        user_id: &str,
        changes: &ProfileChanges,
        now: UnixTime,
    ) -> Result<Option<ProfileRecord>>;
    /// Replaces the account's avatar.
    async fn set_avatar(&self, avatar: &NewAvatar) -> Result<()>;
    /// Removes the avatar; false if there was none.
    async fn delete_avatar(&self, user_id: &str, now: UnixTime) -> Result<bool>;
    /// The PNG of the account's avatar if `version` is its current one.
    async fn avatar_png(&self, user_id: &str, version: &str) -> Result<Option<Vec<u8>>>;
    /// Records `new_email` as waiting and stores its confirmation `link` (spending
    /// the account's earlier change links). Without a link (the address belongs to
    /// another account) only the waiting address is recorded; without an address the
    /// waiting change is cancelled (its links spent).
    async fn request_email_change(
        &self,
        user_id: &str,
        new_email: Option<&str>,
        link: Option<&MailLink>,
        now: UnixTime,
    ) -> Result<()>;
    /// Spends an email-change link and, if its address is still the one waiting,
    /// makes it the account's address.
    async fn confirm_email_change(&self, digest: &str, now: UnixTime)
    -> Result<EmailChangeOutcome>;
    async fn insert_support_request(&self, request: &SupportRecord) -> Result<()>;
    /// The account's support requests, newest first.
    async fn support_requests(&self, user_id: &str) -> Result<Vec<SupportRecord>>;

    /// Deletes rows that can no longer be used (expired codes, tokens, requests).
    async fn purge_expired(&self, now: UnixTime) -> Result<u64>;
}

/// Opens the store a database URL names and brings its schema up to date.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        return Ok(Arc::new(sqlite::SqliteStore::open(url).await?));
    }
    Err(StoreError::UnsupportedUrl(format!(
        "unsupported database URL {:?}: this build stores data in SQLite (sqlite://PATH)",
        url.split(':').next().unwrap_or_default()
    )))
}

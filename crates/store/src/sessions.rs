//! Signed-in browsers ([`WebSessions`]) and an account's live sessions of both kinds,
//! apps' grants and browsers ([`Sessions`]), in the order [`newest_first`] gives.

use crate::{Result, RevokeReason, UnixTime, User};

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

/// Signed-in browsers.
#[async_trait::async_trait]
pub trait WebSessions: Send + Sync {
    /// Starts a browser session, ending `replaces` (the digest of the session cycled
    /// at sign-in).
    async fn create_web_session(
        &self,
        session: &NewWebSession,
        replaces: Option<&str>,
    ) -> Result<()>;
    /// The live (unrevoked, unexpired) session and its account behind a cookie's digest.
    async fn web_session(&self, digest: &str, now: UnixTime) -> Result<Option<(WebSession, User)>>;
    async fn end_web_session(&self, digest: &str, now: UnixTime) -> Result<()>;
    /// Records that the browser session `id` was used at `now` (never moves back).
    async fn touch_web_session(&self, id: &str, now: UnixTime) -> Result<()>;
}

/// An account's live sessions, grants and browsers together.
#[async_trait::async_trait]
pub trait Sessions: Send + Sync {
    /// The account's live sessions: unrevoked, unexpired grants and browser sessions,
    /// [`newest_first`].
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
}

/// The order the sessions screen shows: last seen first, then first seen, then id.
pub(crate) fn newest_first(sessions: &mut [SessionRecord]) {
    sessions.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then(b.first_seen.cmp(&a.first_seen))
            .then(a.id.cmp(&b.id))
    });
}

//! Single-use links sent by mail (confirm an address, change it, reset a password),
//! and the rule every backend applies to them: [`judge`].

use crate::{Result, UnixTime};

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

/// Mail links: storing, checking and spending them.
#[async_trait::async_trait]
pub trait MailLinks: Send + Sync {
    async fn insert_mail_link(&self, link: &MailLink) -> Result<()>;
    /// Spends a link: confirming an email marks the address confirmed if it is
    /// still the account's address (case-insensitively).
    async fn use_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome>;
    /// What spending a mail link would do now, without spending it (`Used` means it
    /// is valid and names its account).
    async fn check_mail_link(
        &self,
        digest: &str,
        purpose: LinkPurpose,
        now: UnixTime,
    ) -> Result<LinkOutcome>;
}

/// A stored link as a backend reads it (by digest and purpose), for [`judge`].
#[derive(Debug, Clone)]
pub(crate) struct LinkRow {
    pub user_id: String,
    pub email: String,
    pub expires_at: UnixTime,
    pub used_at: Option<UnixTime>,
}

/// A link that can still be used: whose account, and the address it was sent to.
#[derive(Debug, Clone)]
pub(crate) struct LiveLink {
    pub user_id: String,
    pub email: String,
}

/// Whether the link behind `row` can be used at `now`; if not, why not. Spent wins
/// over expired, and a link is expired from its `expires_at` second on.
pub(crate) fn judge(row: Option<LinkRow>, now: UnixTime) -> Result<LiveLink, LinkOutcome> {
    match row {
        None => Err(LinkOutcome::Unknown),
        Some(LinkRow {
            used_at: Some(_), ..
        }) => Err(LinkOutcome::AlreadyUsed),
        Some(LinkRow { expires_at, .. }) if now >= expires_at => Err(LinkOutcome::Expired),
        Some(LinkRow { user_id, email, .. }) => Ok(LiveLink { user_id, email }),
    }
}

/// The outcome spending a judged link reports.
pub(crate) fn outcome(judged: Result<LiveLink, LinkOutcome>) -> LinkOutcome {
    match judged {
        Ok(LiveLink { user_id, .. }) => LinkOutcome::Used { user_id },
        Err(outcome) => outcome,
    }
}

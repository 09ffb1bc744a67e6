//! The records behind Account Settings (profile, avatar, email change, support
//! requests) as the [`crate::Store`] reads and writes them. Validation happens
//! before these are built (the server's profile rules); the store only applies them.

use crate::UnixTime;

/// An account's profile columns, with its avatar's current version (if any).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileRecord {
    pub id: String,
    pub username: String,
    pub email: String,
    pub email_confirmed_at: Option<UnixTime>,
    pub pending_email: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub website: Option<String>,
    /// A JSON array of URLs, as stored.
    pub links: String,
    pub public_profile: bool,
    pub configured_at: Option<UnixTime>,
    pub created_at: UnixTime,
    pub avatar_version: Option<String>,
}

impl ProfileRecord {
    /// The social links; a value this version cannot read shows as none.
    pub fn links(&self) -> Vec<String> {
        serde_json::from_str(&self.links).unwrap_or_default()
    }
}

/// A validated profile change. `None` leaves a field as it is; for optional fields
/// `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChanges {
    pub name: Option<Option<String>>,
    pub username: Option<String>,
    pub bio: Option<Option<String>>,
    pub website: Option<Option<String>>,
    pub links: Option<Vec<String>>,
    pub public: Option<bool>,
    /// `true` records that Configure your account is done (the first time only).
    pub configured: Option<bool>,
}

/// A re-encoded avatar; `version` is new and random for every upload.
#[derive(Debug, Clone)]
pub struct NewAvatar {
    pub user_id: String,
    pub version: String,
    pub png: Vec<u8>,
    pub updated_at: UnixTime,
}

/// What following an email-change link did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailChangeOutcome {
    /// The account's address is now `new_email`; the link is spent.
    Changed {
        user_id: String,
        old_email: String,
        new_email: String,
    },
    /// A later request replaced (or cancelled) this address; the link is spent and
    /// nothing changed.
    Superseded,
    /// Another account has the address now; nothing changed, the link still works.
    Taken,
    Expired,
    AlreadyUsed,
    Unknown,
}

/// A support request as stored; `category` and `status` are the wire names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SupportRecord {
    pub id: String,
    pub user_id: String,
    pub category: String,
    pub subject: String,
    pub description: String,
    pub status: String,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

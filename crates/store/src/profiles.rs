//! Profiles: the columns Account Settings shows and edits, the avatar and the
//! notification preferences. Validation happens before these records are built (the
//! server's profile rules); the store only applies them.

use courier_proto::NotificationPreferences;

use crate::{Result, UnixTime};

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

/// Profiles, avatars and notification preferences.
#[async_trait::async_trait]
pub trait Profiles: Send + Sync {
    /// The account's profile, or `None` for an unknown id.
    async fn profile(&self, user_id: &str) -> Result<Option<ProfileRecord>>;
    /// The profile whose username is `username`, case-insensitively.
    async fn profile_by_username(&self, username: &str) -> Result<Option<ProfileRecord>>;
    /// Applies every change or none; `StoreError::Conflict` when the new username is
    /// taken. `None` for an unknown account.
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

    /// The account's notification preferences (the defaults until it sets its own, or
    /// when the stored ones cannot be read).
    async fn notification_preferences(&self, user_id: &str) -> Result<NotificationPreferences>;
    async fn set_notification_preferences(
        &self,
        user_id: &str,
        preferences: &NotificationPreferences,
        now: UnixTime,
    ) -> Result<()>;
}

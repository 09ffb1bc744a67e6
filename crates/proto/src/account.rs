//! The account API's documents (`/api/v1/me…`): the profile and its update, the
//! email and password changes, and notification preferences.

use serde::{Deserialize, Serialize};

/// The signed-in person's own account, as Account Settings shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Profile {
    pub id: String,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    /// A new address waiting for its confirmation link; `email` stays until then.
    pub pending_email: Option<String>,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub website: Option<String>,
    /// Social links (absolute `https` URLs), in the order the person gave them.
    pub links: Vec<String>,
    /// Where the avatar image is served; `None` shows initials.
    pub avatar_url: Option<String>,
    /// Whether `/u/{username}` shows the public fields.
    pub public: bool,
    /// Whether the person has been through (or skipped) Configure your account.
    pub configured: bool,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

/// `PATCH /api/v1/me`: only the fields present change. An empty string clears an
/// optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, optional_fields))]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// 3–39 letters, digits, `-` or `_`, starting with a letter or digit; unique.
    #[cfg_attr(
        feature = "openapi",
        schema(pattern = "^[A-Za-z0-9][A-Za-z0-9_-]{2,38}$")
    )]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// An absolute `http(s)` URL, or empty to clear.
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub website: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Up to 10 absolute `http(s)` URLs.
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub links: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// Marks Configure your account as done (or skipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configured: Option<bool>,
}

/// `POST /api/v1/me/email`: a confirmation link goes to `new_email`, a notice to the
/// current address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct EmailChange {
    #[cfg_attr(feature = "openapi", schema(format = Email, max_length = 254))]
    pub new_email: String,
    pub current_password: String,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    /// Keep the account's other sessions signed in (default: revoke them).
    #[serde(default)]
    pub keep_other_sessions: bool,
}

// `Channels` in the OpenAPI document, as it was before the Rust name said what it is.
/// Where one kind of notification is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = Channels))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct DeliveryChannels {
    pub email: bool,
    pub in_app: bool,
}

/// `GET|PUT /api/v1/me/notifications`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct NotificationPreferences {
    pub security: DeliveryChannels,
    pub usage: DeliveryChannels,
    pub monitors: DeliveryChannels,
    pub comments: DeliveryChannels,
}

impl Default for NotificationPreferences {
    fn default() -> Self {
        let both = DeliveryChannels {
            email: true,
            in_app: true,
        };
        Self {
            security: both,
            usage: both,
            monitors: both,
            comments: DeliveryChannels {
                email: false,
                in_app: true,
            },
        }
    }
}

/// A public profile (`GET /api/v1/users/{username}` and the page `/u/{username}`):
/// only what the person chose to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicProfile {
    pub username: String,
    pub name: Option<String>,
    pub bio: Option<String>,
    pub website: Option<String>,
    pub links: Vec<String>,
    pub avatar_url: Option<String>,
}

//! Active sessions (`/api/v1/sessions`) and the events pushed over `/api/v1/events`.

use serde::{Deserialize, Serialize};

/// Whether a session is an app's grant or a signed-in browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    App,
    Browser,
}

/// One place the account is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Session {
    pub id: String,
    pub kind: SessionKind,
    /// The device's name as the app reported it (apps), or `None`.
    pub device_name: Option<String>,
    /// "Courier desktop", "Courier CLI", or the browser ("Firefox 133").
    pub client: String,
    /// "Linux", "macOS 15", …; `None` when unknown.
    pub os: Option<String>,
    pub ip: Option<String>,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub first_seen: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last_seen: i64,
    /// The session making this request.
    pub current: bool,
}

/// `POST /api/v1/sessions/revoke-others`: how many were revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RevokedSessions {
    pub revoked: u32,
}

/// A message on the events channel (`/api/v1/events`, JSON text frames).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// The channel is authenticated and live; sent first.
    Ready { session_id: String },
    /// This session was revoked (signed out elsewhere, password changed or reset):
    /// its tokens no longer work. The server closes the channel after sending it.
    SessionRevoked { session_id: String },
    /// The account's profile or email changed; fetch `/api/v1/me` again.
    ProfileChanged,
    /// One of the account's teams changed (joined, left or removed, a role, the
    /// members, the name): read `/api/v1/teams` (and the team's pages) again.
    TeamsChanged { team_id: String },
    /// A workspace the account reaches changed up to `seq`: pull its changes after the
    /// last sequence number this device has (nothing to do if it has `seq` already).
    WorkspaceChanged { workspace_id: String, seq: i64 },
    /// A workspace's keys changed (a new version, or copies for members who lacked
    /// one): read `/api/v1/workspaces/{id}/keys` again.
    WorkspaceKeysChanged { workspace_id: String },
    /// A workspace the account reached was deleted (by its owner, or a team's admin):
    /// remove this device's copy (keeping what it has not synced yet).
    WorkspaceDeleted { workspace_id: String },
    /// The team's plan or billing changed (a payment confirmed, a renewal, a
    /// downgrade): read its billing again. Sent to its admins and billing managers.
    BillingChanged { team_id: String },
}

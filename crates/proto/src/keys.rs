//! End-to-end keys for synced secret values (`/api/v1/account/key`,
//! `/api/v1/workspaces/{id}/keys`). Every synced workspace has a symmetric data key
//! made on a device; the server keeps it only *wrapped* for each member's X25519 public
//! key (a sealed box), and each account's private key only sealed under a recovery key
//! the server never sees. The server can open none of these: they are opaque text.

use serde::{Deserialize, Serialize};

/// An account's key pair as the server keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AccountKey {
    /// The X25519 public key, 32 bytes in standard base64 without padding.
    pub public_key: String,
    /// The private key sealed under the account's recovery key (opaque, ≤ 1,024
    /// characters).
    pub recovery_sealed: String,
    /// When this key pair was published (Unix seconds).
    pub created_at: i64,
}

/// `PUT /api/v1/account/key`: publish the account's key pair, or replace it (a lost
/// recovery key). Replacing drops every workspace key wrapped for the old public key:
/// the account's other devices or teammates wrap them again for the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct NewAccountKey {
    /// 32 bytes in standard base64 without padding.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 43,
            max_length = 43,
            pattern = "^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$"
        )
    )]
    pub public_key: String,
    /// Opaque, 1 to 1,024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub recovery_sealed: String,
}

/// One version of a workspace's data key, wrapped for the caller's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WrappedKey {
    /// 1, 2, …: a new version each time the key is rotated.
    pub version: u32,
    /// The data key in a sealed box for the holder's public key (opaque, ≤ 1,024
    /// characters).
    pub wrapped: String,
}

/// Someone who reaches a workspace, as far as its keys go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MemberKey {
    pub account_id: String,
    /// Their public key; `None` until one of their devices publishes one.
    pub public_key: Option<String>,
    /// Whether the current version is wrapped for their current public key.
    pub holds_current: bool,
}

/// `GET /api/v1/workspaces/{id}/keys`: what the caller needs to read the workspace's
/// secret values and to share its key with everyone who should have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WorkspaceKeys {
    /// The newest version published; 0 when none is yet.
    pub current_version: u32,
    /// Every version wrapped for the caller's current public key, oldest first.
    pub mine: Vec<WrappedKey>,
    /// Everyone who reaches the workspace now (the owner, or the team's members).
    pub members: Vec<MemberKey>,
    /// Someone who was given the current version no longer reaches the workspace: the
    /// next device that holds it should publish a new version (and seal values anew).
    pub rotation_needed: bool,
}

/// A wrapped key for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WrappedFor {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 64))]
    pub account_id: String,
    /// Opaque, 1 to 1,024 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1024))]
    pub wrapped: String,
}

/// `POST /api/v1/workspaces/{id}/keys`: either a new version (`current_version + 1`,
/// which must include the caller's own copy) or more copies of the current version
/// for members who lack it. Existing copies are never replaced. Any other version, or
/// a copy of the current version for someone who already holds it (a rotation that
/// lost the race wraps for whoever won it), is refused with `409 conflict`: another
/// device rotated first, read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PublishWorkspaceKey {
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub version: u32,
    /// 1 to 1,000; each for an account that reaches the workspace and has a
    /// public key.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 1000))]
    pub wrapped: Vec<WrappedFor>,
}

/// Bounds the server enforces (the wrapped texts are opaque but not unbounded); a
/// text's bound counts characters.
pub const MAX_KEY_TEXT: usize = 1024;
pub const MAX_WRAPPED_PER_PUBLISH: usize = 1000;

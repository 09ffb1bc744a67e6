//! Teams (`/api/v1/teams`): the team, its members and roles, invitations by email, and
//! discovery by email domain with requests to join.

use serde::{Deserialize, Serialize};

/// A member's role in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum TeamRole {
    /// Members, roles, invitations and the team's settings.
    Admin,
    Member,
    /// A member who also sees and edits billing.
    BillingManager,
}

/// A team the caller belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Team {
    pub id: String,
    pub name: String,
    /// The team URL's last part: `/t/{slug}`.
    pub slug: String,
    /// The caller's role in it.
    pub role: TeamRole,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

/// `POST /api/v1/teams`, and `PATCH /api/v1/teams/{id}` (admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct TeamFields {
    /// 1–100 characters on one line, not only spaces.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$"
        )
    )]
    pub name: String,
    /// 3–40 lowercase letters, digits and single `-` between them; unique.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 3, max_length = 40, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")
    )]
    pub slug: String,
}

/// A member as the team's page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TeamMember {
    pub user_id: String,
    pub username: String,
    pub name: Option<String>,
    pub email: String,
    pub role: TeamRole,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub joined_at: i64,
}

/// `PUT /api/v1/teams/{id}/members/{user_id}/role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: TeamRole,
}

/// An email address (to invite).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, format = Email, max_length = 254)
)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export, type = "string"))]
#[serde(transparent)]
pub struct EmailAddress(pub String);

/// `POST /api/v1/teams/{id}/invitations`: one mail per address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct NewInvitations {
    /// 1–50 addresses.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 50))]
    pub emails: Vec<EmailAddress>,
    pub role: TeamRole,
}

/// A pending invitation (admins see them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Invitation {
    pub id: String,
    pub email: String,
    pub role: TeamRole,
    /// Unix seconds: first invited, last sent, and when the last link stops working.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent_at: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires_at: i64,
    /// The link has expired; Resend sends a fresh one.
    pub expired: bool,
}

/// `POST /api/v1/invitations/accept`: the token from the invitation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct InvitationAcceptance {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
}

/// Who may join a team found by discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum JoinPolicy {
    /// Anyone on a discovery domain joins at once, as a member.
    Anyone,
    /// Each person asks; an admin approves or declines.
    Approval,
}

/// `GET /api/v1/teams/{id}/discovery` (admins): whether people whose confirmed address
/// is on one of `domains` see the team and may join it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TeamDiscovery {
    pub enabled: bool,
    pub join_policy: JoinPolicy,
    /// The domains the team is found on: some of `claimable_domains`.
    pub domains: Vec<String>,
    /// The domains it may claim: those of its admins' confirmed addresses, public mail
    /// domains (gmail.com, …) never among them.
    pub claimable_domains: Vec<String>,
}

/// `PUT /api/v1/teams/{id}/discovery` (admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct DiscoverySettings {
    pub enabled: bool,
    pub join_policy: JoinPolicy,
    /// Each one of the team's claimable domains; at most 20.
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub domains: Vec<String>,
}

/// `GET /api/v1/teams/discoverable`: a team the caller is not in and may join, found by
/// the domain of their confirmed address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DiscoverableTeam {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// The caller's domain it was found by.
    pub domain: String,
    pub member_count: u32,
    pub join_policy: JoinPolicy,
    /// The caller has asked to join and waits for an admin.
    pub request_pending: bool,
}

/// `POST /api/v1/teams/{id}/join`: in at once, or asked and waiting for an admin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum JoinOutcome {
    Joined { team: Team },
    Requested { request_id: String },
}

/// A pending request to join (admins see them on the team's page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct JoinRequest {
    pub id: String,
    pub user_id: String,
    pub username: String,
    pub name: Option<String>,
    pub email: String,
    /// Unix seconds.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at: i64,
}

//! Teams: the team (name and URL), its members and their roles, and invitations by
//! email; and the rules every backend applies inside its transaction:
//! [`member_change`] (a team never loses its last admin) and [`judge_invitation`]
//! (cancelled, then accepted, then expired, in that order of precedence).

use crate::{Result, UnixTime};

/// A member's role in a team.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TeamRole {
    /// Everything, including members, roles, invitations and the team's settings.
    Admin,
    Member,
    /// A member who also sees and edits billing (with plans).
    BillingManager,
}

impl TeamRole {
    pub fn as_str(self) -> &'static str {
        match self {
            TeamRole::Admin => "admin",
            TeamRole::Member => "member",
            TeamRole::BillingManager => "billing_manager",
        }
    }

    /// The role stored as `name`; `None` for a name this build does not know.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "admin" => Some(TeamRole::Admin),
            "member" => Some(TeamRole::Member),
            "billing_manager" => Some(TeamRole::BillingManager),
            _ => None,
        }
    }
}

/// A team as stored. `slug` is its URL (`/t/{slug}`), unique case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamRecord {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

/// One of an account's teams, with its role there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub team: TeamRecord,
    pub role: TeamRole,
}

/// A member as the team's page lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub user_id: String,
    pub username: String,
    pub name: Option<String>,
    pub email: String,
    pub role: TeamRole,
    pub joined_at: UnixTime,
}

/// What changing a member's role, or removing a member, did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Done,
    /// The account is not a member of the team (nothing changed).
    NotMember,
    /// The account is the team's only admin: it cannot be demoted, removed or leave.
    LastAdmin,
}

/// An invitation to make or send again.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// Used when no invitation for this address is pending; otherwise the pending
    /// one's id stays.
    pub id: String,
    pub team_id: String,
    pub email: String,
    pub role: TeamRole,
    /// The digest of the token in the mailed link.
    pub digest: String,
    pub invited_by: String,
    pub now: UnixTime,
    pub expires_at: UnixTime,
}

/// What [`Teams::invite`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invited {
    /// A new invitation.
    Created { id: String },
    /// The address already had a pending invitation: it now carries the new token,
    /// role and expiry (the old link stops working).
    Renewed { id: String },
}

impl Invited {
    pub fn id(&self) -> &str {
        match self {
            Invited::Created { id } | Invited::Renewed { id } => id,
        }
    }
}

/// A pending invitation, as the team's admins see it (expired ones too, until
/// resent or cancelled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationRecord {
    pub id: String,
    pub team_id: String,
    pub email: String,
    pub role: TeamRole,
    pub invited_by: Option<String>,
    pub created_at: UnixTime,
    pub sent_at: UnixTime,
    pub expires_at: UnixTime,
}

/// Why an invitation link does not lead into its team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationRefusal {
    Unknown,
    Cancelled,
    AlreadyAccepted,
    Expired,
}

/// A link that can still be accepted: into which team, as what, sent to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveInvitation {
    pub id: String,
    pub team_id: String,
    pub email: String,
    pub role: TeamRole,
}

/// What accepting an invitation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acceptance {
    /// The account joined the team with the invitation's role.
    Joined {
        team_id: String,
        role: TeamRole,
    },
    /// The account was already a member: its role stays, the invitation is spent.
    AlreadyMember {
        team_id: String,
    },
    Refused(InvitationRefusal),
}

/// Teams, members, roles and invitations. Every method is one transaction; the
/// member and invitation rules are [`member_change`] and [`judge_invitation`].
#[async_trait::async_trait]
pub trait Teams: Send + Sync {
    /// Stores `team` with `creator` as its admin. `Conflict` when the URL is taken.
    async fn create_team(&self, team: &TeamRecord, creator: &str) -> Result<()>;
    async fn team(&self, id: &str) -> Result<Option<TeamRecord>>;
    /// The team whose URL is `slug`, case-insensitively.
    async fn team_by_slug(&self, slug: &str) -> Result<Option<TeamRecord>>;
    /// New name and URL. `Conflict` when the URL is another team's; `false` when
    /// there is no such team.
    async fn update_team(&self, id: &str, name: &str, slug: &str, now: UnixTime) -> Result<bool>;
    /// The account's teams and its role in each, by name.
    async fn teams_of(&self, user_id: &str) -> Result<Vec<Membership>>;
    /// The account's role in the team, or `None` when it is not a member.
    async fn role_in(&self, team_id: &str, user_id: &str) -> Result<Option<TeamRole>>;
    /// Every member, admins first, then by username.
    async fn members(&self, team_id: &str) -> Result<Vec<MemberRecord>>;
    async fn set_role(&self, team_id: &str, user_id: &str, role: TeamRole) -> Result<MemberChange>;
    /// Removes a member (or the member leaves).
    async fn remove_member(&self, team_id: &str, user_id: &str) -> Result<MemberChange>;
    /// Invites an address, or renews its pending invitation.
    async fn invite(&self, invitation: &NewInvitation) -> Result<Invited>;
    /// The team's pending invitations, newest first.
    async fn invitations(&self, team_id: &str) -> Result<Vec<InvitationRecord>>;
    /// Sends a pending invitation again with a new token (`false`: no such pending
    /// invitation in this team).
    async fn renew_invitation(
        &self,
        team_id: &str,
        id: &str,
        digest: &str,
        now: UnixTime,
        expires_at: UnixTime,
    ) -> Result<bool>;
    /// `false`: no such pending invitation in this team.
    async fn cancel_invitation(&self, team_id: &str, id: &str, now: UnixTime) -> Result<bool>;
    /// What accepting the link would do now, without accepting it.
    async fn check_invitation(
        &self,
        digest: &str,
        now: UnixTime,
    ) -> Result<Result<LiveInvitation, InvitationRefusal>>;
    /// Accepts the link for `user_id`: joins the team (or finds it already a member)
    /// and spends the invitation, at once.
    async fn accept_invitation(
        &self,
        digest: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<Acceptance>;
}

/// Whether `target` (its current role, `None` when not a member) may become `to`
/// (`None`: removed, or leaving) in a team that has `admins` admins now.
pub(crate) fn member_change(
    admins: usize,
    target: Option<TeamRole>,
    to: Option<TeamRole>,
) -> MemberChange {
    match target {
        None => MemberChange::NotMember,
        Some(TeamRole::Admin) if to != Some(TeamRole::Admin) && admins <= 1 => {
            MemberChange::LastAdmin
        }
        Some(_) => MemberChange::Done,
    }
}

/// A stored invitation as a backend reads it (by digest), for [`judge_invitation`].
#[derive(Debug, Clone)]
pub(crate) struct InvitationRow {
    pub id: String,
    pub team_id: String,
    pub email: String,
    pub role: TeamRole,
    pub expires_at: UnixTime,
    pub accepted_at: Option<UnixTime>,
    pub cancelled_at: Option<UnixTime>,
}

/// Whether the invitation behind `row` can be accepted at `now`. Cancelled wins over
/// accepted, which wins over expired; expired from the `expires_at` second on.
pub(crate) fn judge_invitation(
    row: Option<InvitationRow>,
    now: UnixTime,
) -> Result<LiveInvitation, InvitationRefusal> {
    let Some(row) = row else {
        return Err(InvitationRefusal::Unknown);
    };
    if row.cancelled_at.is_some() {
        Err(InvitationRefusal::Cancelled)
    } else if row.accepted_at.is_some() {
        Err(InvitationRefusal::AlreadyAccepted)
    } else if now >= row.expires_at {
        Err(InvitationRefusal::Expired)
    } else {
        Ok(LiveInvitation {
            id: row.id,
            team_id: row.team_id,
            email: row.email,
            role: row.role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_admin_stays_and_other_changes_go_through() {
        use TeamRole::*;
        assert_eq!(
            member_change(1, Some(Admin), Some(Member)),
            MemberChange::LastAdmin
        );
        assert_eq!(member_change(1, Some(Admin), None), MemberChange::LastAdmin);
        assert_eq!(
            member_change(1, Some(Admin), Some(Admin)),
            MemberChange::Done
        );
        assert_eq!(member_change(2, Some(Admin), None), MemberChange::Done);
        assert_eq!(member_change(1, Some(Member), None), MemberChange::Done);
        assert_eq!(
            member_change(1, Some(Member), Some(Admin)),
            MemberChange::Done
        );
        assert_eq!(
            member_change(3, None, Some(Member)),
            MemberChange::NotMember
        );
    }

    #[test]
    fn an_invitation_is_judged_cancelled_then_accepted_then_expired() {
        let row = |accepted_at, cancelled_at| InvitationRow {
            id: "i".into(),
            team_id: "t".into(),
            email: "a@b.test".into(),
            role: TeamRole::Member,
            expires_at: 100,
            accepted_at,
            cancelled_at,
        };
        assert_eq!(judge_invitation(None, 0), Err(InvitationRefusal::Unknown));
        assert_eq!(
            judge_invitation(Some(row(Some(5), Some(6))), 200),
            Err(InvitationRefusal::Cancelled)
        );
        assert_eq!(
            judge_invitation(Some(row(Some(5), None)), 200),
            Err(InvitationRefusal::AlreadyAccepted)
        );
        assert_eq!(
            judge_invitation(Some(row(None, None)), 100),
            Err(InvitationRefusal::Expired)
        );
        assert_eq!(
            judge_invitation(Some(row(None, None)), 99).map(|l| l.role),
            Ok(TeamRole::Member)
        );
    }

    #[test]
    fn roles_read_back_as_written() {
        for role in [TeamRole::Admin, TeamRole::Member, TeamRole::BillingManager] {
            assert_eq!(TeamRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(TeamRole::parse("owner"), None);
    }
}

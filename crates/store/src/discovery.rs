//! Team discovery and requests to join: which domains a team is found on and how
//! people join it, the teams an account may join, and the requests admins decide.
//! The rules every backend applies inside its transaction: an account is found by the
//! domain of its *confirmed* address only ([`confirmed_domain`]); a team's domain
//! counts only while one of its admins has a confirmed address on it; a request is
//! pending until approved, declined or withdrawn, exactly once ([`judge_decision`]).
//! Which domains may be claimed at all (public mail domains never) is the server's.

use crate::{Result, TeamRecord, UnixTime};

/// Who may join a team found by discovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinPolicy {
    /// Joins at once, as a member.
    Anyone,
    /// Asks; an admin approves or declines.
    Approval,
}

impl JoinPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            JoinPolicy::Anyone => "anyone",
            JoinPolicy::Approval => "approval",
        }
    }

    /// The policy stored as `name`; `None` for a name this build does not know.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "anyone" => Some(JoinPolicy::Anyone),
            "approval" => Some(JoinPolicy::Approval),
            _ => None,
        }
    }
}

/// A team's discovery settings; a team that never saved any has the default (off,
/// approval, no domains).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryRecord {
    pub enabled: bool,
    pub join_policy: JoinPolicy,
    /// Lowercase, sorted.
    pub domains: Vec<String>,
}

impl Default for DiscoveryRecord {
    fn default() -> Self {
        Self {
            enabled: false,
            join_policy: JoinPolicy::Approval,
            domains: Vec::new(),
        }
    }
}

/// A team an account may join: found on `domain`, the account's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoverableRecord {
    pub team: TeamRecord,
    pub domain: String,
    pub member_count: u32,
    pub join_policy: JoinPolicy,
    /// The account has a pending request to join it.
    pub request_pending: bool,
}

/// What [`Discovery::join_team`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JoinResult {
    /// Policy anyone: the account is now a member.
    Joined,
    /// Policy approval: the account's pending request (`created`: made by this call;
    /// otherwise the one already waiting).
    Requested { id: String, created: bool },
    /// The account was already a member; nothing changed.
    AlreadyMember,
    /// The team is not discoverable by this account (no such team, discovery off,
    /// no confirmed address on one of its live domains).
    NotDiscoverable,
}

/// A pending request as the team's admins see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRequestRecord {
    pub id: String,
    pub team_id: String,
    pub user_id: String,
    pub username: String,
    pub name: Option<String>,
    pub email: String,
    pub created_at: UnixTime,
}

/// What deciding a request did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approved: the requester is a member (`already_member`: they had joined some
    /// other way meanwhile, and keep their role).
    Approved {
        user_id: String,
        already_member: bool,
    },
    Declined {
        user_id: String,
    },
    /// No such pending request in this team (decided, withdrawn, or never made).
    NotPending,
}

/// Discovery settings, discoverable teams and requests to join. Every method is one
/// transaction.
#[async_trait::async_trait]
pub trait Discovery: Send + Sync {
    async fn discovery(&self, team_id: &str) -> Result<DiscoveryRecord>;
    /// Replaces the team's settings and domains.
    async fn set_discovery(
        &self,
        team_id: &str,
        settings: &DiscoveryRecord,
        now: UnixTime,
    ) -> Result<()>;
    /// The confirmed addresses of the team's admins.
    async fn confirmed_admin_emails(&self, team_id: &str) -> Result<Vec<String>>;
    /// Teams with discovery on, on a live domain of the account's confirmed address,
    /// that the account is not in; by name.
    async fn discoverable_teams(&self, user_id: &str) -> Result<Vec<DiscoverableRecord>>;
    /// Joins the team, or asks to (by its policy), if it is discoverable by the
    /// account now. Asking twice gives the same pending request.
    async fn join_team(
        &self,
        team_id: &str,
        user_id: &str,
        request_id: &str,
        now: UnixTime,
    ) -> Result<JoinResult>;
    /// Withdraws the account's pending request (`false`: none pending).
    async fn withdraw_join_request(
        &self,
        team_id: &str,
        user_id: &str,
        now: UnixTime,
    ) -> Result<bool>;
    /// The team's pending requests, oldest first.
    async fn join_requests(&self, team_id: &str) -> Result<Vec<JoinRequestRecord>>;
    /// Approves (the requester becomes a member) or declines a pending request.
    async fn decide_join_request(
        &self,
        team_id: &str,
        request_id: &str,
        approve: bool,
        by: &str,
        now: UnixTime,
    ) -> Result<Decision>;
}

/// The domain of an address, lowercase (`None` without an `@`).
pub fn email_domain(email: &str) -> Option<String> {
    let (_, domain) = email.split_once('@')?;
    (!domain.is_empty()).then(|| domain.to_lowercase())
}

/// The domain an account is found by: its address's, once confirmed.
pub(crate) fn confirmed_domain(email: &str, confirmed_at: Option<UnixTime>) -> Option<String> {
    confirmed_at.and(email_domain(email))
}

/// How a pending request (`pending`: its requester, or `None` when not pending in
/// this team) is closed, given whether the requester is a member now.
pub(crate) fn judge_decision(
    pending: Option<String>,
    approve: bool,
    already_member: bool,
) -> Decision {
    match pending {
        None => Decision::NotPending,
        Some(user_id) if approve => Decision::Approved {
            user_id,
            already_member,
        },
        Some(user_id) => Decision::Declined { user_id },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_confirmed_address_gives_a_domain() {
        assert_eq!(
            confirmed_domain("Ada@Example.COM", Some(1)),
            Some("example.com".to_owned())
        );
        assert_eq!(confirmed_domain("ada@example.com", None), None);
        assert_eq!(email_domain("no-at-sign"), None);
        assert_eq!(email_domain("trailing@"), None);
    }

    #[test]
    fn a_request_is_decided_only_while_pending() {
        assert_eq!(judge_decision(None, true, false), Decision::NotPending);
        assert_eq!(
            judge_decision(Some("u".into()), true, true),
            Decision::Approved {
                user_id: "u".into(),
                already_member: true
            }
        );
        assert_eq!(
            judge_decision(Some("u".into()), false, false),
            Decision::Declined {
                user_id: "u".into()
            }
        );
    }

    #[test]
    fn policies_read_back_as_written() {
        for policy in [JoinPolicy::Anyone, JoinPolicy::Approval] {
            assert_eq!(JoinPolicy::parse(policy.as_str()), Some(policy));
        }
        assert_eq!(JoinPolicy::parse("invite"), None);
    }
}

//! Teams: creating one (name and URL, the creator its admin), renaming it, who may do
//! what ([`Access`]: a non-member finds no team, only admins manage), members and
//! their roles (a team never loses its last admin: the store's rule), leaving,
//! invitations ([`invitations`]), and discovery by email domain with requests to join
//! ([`discovery`], [`public_domains`]). Handlers call these with their [`Deps`];
//! nothing here knows about HTTP.

pub mod discovery;
pub mod invitations;
pub mod public_domains;
pub mod slug;

use courier_proto::{Team, TeamMember, TeamRole};
use courier_store::{MemberChange, Membership, Store, TeamRecord};

use crate::billing::limits::LimitError;
use crate::error::Error;
use crate::platform::clock::Clock;
use crate::platform::crypto::new_id;
use crate::platform::hub::EventHub;
use crate::platform::issuer::Issuer;
use crate::platform::mail::Mailer;
use crate::platform::ratelimit::RateLimiter;
use crate::settings::RateLimitSettings;

/// What the team rules need.
pub struct Deps<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub mailer: &'a Mailer,
    /// Builds the links in invitation mails.
    pub issuer: &'a Issuer,
    pub limiter: &'a RateLimiter,
    pub limits: &'a RateLimitSettings,
    /// Tells the members' apps when their team changes.
    pub events: &'a EventHub,
    /// Whether plans' limits on members are enforced (`billing.enforce_limits`).
    pub enforce_plan_limits: bool,
}

/// Why a team action was refused.
#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    /// No such team, or the caller is not in it (the same answer for both).
    #[error("no such team")]
    NotFound,
    /// A member asked for what only the team's admins may do.
    #[error("only the team's admins can do that")]
    AdminOnly,
    /// The last admin cannot be demoted, removed or leave.
    #[error("a team needs an admin: make someone else an admin first")]
    LastAdmin,
    /// No such member (or pending invitation) in this team.
    #[error("not found in this team")]
    NoSuchMember,
    /// A field was refused: `(field, message)`.
    #[error("{1}")]
    Invalid(String, String),
    /// The team URL is another team's; `suggestion` is free now.
    #[error("that team URL is taken")]
    UrlTaken { suggestion: String },
    /// The team's plan allows no more members; the message names the plan that does.
    #[error("{0}")]
    PlanLimit(String),
    /// Too many invitations; retry after this many seconds.
    #[error("too many invitations; try again later")]
    RateLimited(u64),
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for TeamError {
    fn from(error: courier_store::StoreError) -> Self {
        TeamError::Internal(error.into())
    }
}

pub type Result<T, E = TeamError> = std::result::Result<T, E>;

/// The caller's place in a team, once [`access`] has found it.
#[derive(Debug, Clone)]
pub struct Access {
    pub team: TeamRecord,
    pub role: TeamRole,
}

impl Access {
    /// Refuses unless the caller is an admin.
    pub fn admin(self) -> Result<Self> {
        if self.role == TeamRole::Admin {
            Ok(self)
        } else {
            Err(TeamError::AdminOnly)
        }
    }
}

/// The team `team_id` as `user_id` may see it: `NotFound` when there is no such team
/// or the caller is not a member, so the two cannot be told apart.
pub async fn access(store: &dyn Store, team_id: &str, user_id: &str) -> Result<Access> {
    let role = store.role_in(team_id, user_id).await?;
    let team = store.team(team_id).await?;
    match (team, role) {
        (Some(team), Some(role)) => Ok(Access {
            team,
            role: wire_role(role),
        }),
        _ => Err(TeamError::NotFound),
    }
}

/// The API's view of a team, for a caller with `role`.
pub fn view(team: TeamRecord, role: TeamRole) -> Team {
    Team {
        id: team.id,
        name: team.name,
        slug: team.slug,
        role,
        created_at: team.created_at,
    }
}

pub fn wire_role(role: courier_store::TeamRole) -> TeamRole {
    match role {
        courier_store::TeamRole::Admin => TeamRole::Admin,
        courier_store::TeamRole::Member => TeamRole::Member,
        courier_store::TeamRole::BillingManager => TeamRole::BillingManager,
    }
}

pub fn stored_role(role: TeamRole) -> courier_store::TeamRole {
    match role {
        TeamRole::Admin => courier_store::TeamRole::Admin,
        TeamRole::Member => courier_store::TeamRole::Member,
        TeamRole::BillingManager => courier_store::TeamRole::BillingManager,
    }
}

/// The longest team name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// A team name as stored: trimmed, 1–100 characters, one line.
pub fn checked_name(name: &str) -> Result<String> {
    let name = name.trim();
    let problem = if name.is_empty() {
        Some("Enter the team's name.".to_owned())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!("Use at most {MAX_NAME_CHARS} characters."))
    } else if name.chars().any(char::is_control) {
        Some("Use a single line of text.".to_owned())
    } else {
        None
    };
    match problem {
        Some(message) => Err(TeamError::Invalid("name".to_owned(), message)),
        None => Ok(name.to_owned()),
    }
}

/// Tells the apps of every member of `team_id`, and of `also` (one just removed),
/// that the team changed, so a removed member's app drops it at once.
pub async fn tell_members(
    store: &dyn Store,
    events: &EventHub,
    team_id: &str,
    also: Option<&str>,
) -> Result<()> {
    tell(store, events, team_id, false, also).await
}

/// Tells the apps of the team's members (`admins_only`: of its admins) and of `also`
/// that the team changed.
pub async fn tell(
    store: &dyn Store,
    events: &EventHub,
    team_id: &str,
    admins_only: bool,
    also: Option<&str>,
) -> Result<()> {
    let event = || courier_proto::ServerEvent::TeamsChanged {
        team_id: team_id.to_owned(),
    };
    for member in store.members(team_id).await? {
        if !admins_only || member.role == courier_store::TeamRole::Admin {
            events.publish(&member.user_id, event());
        }
    }
    if let Some(user_id) = also {
        events.publish(user_id, event());
    }
    Ok(())
}

/// A team URL the store refused as taken: the answer names a free one.
async fn url_taken(store: &dyn Store, slug: &str) -> TeamError {
    match slug::free_like(store, slug).await {
        Ok(suggestion) => TeamError::UrlTaken { suggestion },
        Err(error) => error,
    }
}

/// Creates a team with `user_id` as its admin.
pub async fn create(deps: &Deps<'_>, user_id: &str, name: &str, slug: &str) -> Result<Team> {
    let name = checked_name(name)?;
    let slug = slug::checked(slug)?;
    let now = deps.clock.now();
    let team = TeamRecord {
        id: new_id(),
        name,
        slug,
        created_at: now,
        updated_at: now,
    };
    match deps.store.create_team(&team, user_id).await {
        Ok(()) => {
            tell_members(deps.store, deps.events, &team.id, None).await?;
            Ok(view(team, TeamRole::Admin))
        }
        Err(error) if error.is_conflict() => Err(url_taken(deps.store, &team.slug).await),
        Err(error) => Err(error.into()),
    }
}

/// Renames the team and moves its URL (admins).
pub async fn update(deps: &Deps<'_>, access: Access, name: &str, slug: &str) -> Result<Team> {
    let access = access.admin()?;
    let name = checked_name(name)?;
    let slug = slug::checked(slug)?;
    let now = deps.clock.now();
    match deps
        .store
        .update_team(&access.team.id, &name, &slug, now)
        .await
    {
        Ok(true) => {
            tell_members(deps.store, deps.events, &access.team.id, None).await?;
            Ok(view(
                TeamRecord {
                    name,
                    slug,
                    updated_at: now,
                    ..access.team
                },
                access.role,
            ))
        }
        Ok(false) => Err(TeamError::NotFound),
        Err(error) if error.is_conflict() => Err(url_taken(deps.store, &slug).await),
        Err(error) => Err(error.into()),
    }
}

/// The caller's teams.
pub async fn mine(store: &dyn Store, user_id: &str) -> Result<Vec<Team>> {
    Ok(store
        .teams_of(user_id)
        .await?
        .into_iter()
        .map(|Membership { team, role }| view(team, wire_role(role)))
        .collect())
}

/// Every member, admins first.
pub async fn members(store: &dyn Store, access: &Access) -> Result<Vec<TeamMember>> {
    Ok(store
        .members(&access.team.id)
        .await?
        .into_iter()
        .map(|member| TeamMember {
            user_id: member.user_id,
            username: member.username,
            name: member.name,
            email: member.email,
            role: wire_role(member.role),
            joined_at: member.joined_at,
        })
        .collect())
}

fn refused(change: MemberChange) -> Result<()> {
    match change {
        MemberChange::Done => Ok(()),
        MemberChange::NotMember => Err(TeamError::NoSuchMember),
        MemberChange::LastAdmin => Err(TeamError::LastAdmin),
    }
}

/// Gives `member` a new role (admins).
pub async fn set_role(
    store: &dyn Store,
    events: &EventHub,
    access: Access,
    member: &str,
    role: TeamRole,
) -> Result<TeamMember> {
    let access = access.admin()?;
    refused(
        store
            .set_role(&access.team.id, member, stored_role(role))
            .await?,
    )?;
    tell_members(store, events, &access.team.id, None).await?;
    members(store, &access)
        .await?
        .into_iter()
        .find(|listed| listed.user_id == member)
        // Removed in the moment between the change and the read.
        .ok_or(TeamError::NoSuchMember)
}

/// Removes `member` (admins), or the caller leaves (`member` is the caller: anyone).
pub async fn remove(
    store: &dyn Store,
    events: &EventHub,
    access: Access,
    caller: &str,
    member: &str,
) -> Result<()> {
    let access = if member == caller {
        access
    } else {
        access.admin()?
    };
    refused(store.remove_member(&access.team.id, member).await?)?;
    tell_members(store, events, &access.team.id, Some(member)).await
}

/// Refuses `more` new members (or invitations) beyond what the team's plan allows.
pub(crate) async fn allow_members(deps: &Deps<'_>, team_id: &str, more: u32) -> Result<()> {
    use crate::billing::limits::{self, Growth};
    let now = deps.clock.now();
    let growth = Growth::Members(more);
    Ok(limits::allow(deps.store, deps.enforce_plan_limits, team_id, growth, now).await?)
}

impl From<LimitError> for TeamError {
    fn from(error: LimitError) -> Self {
        match error {
            LimitError::Reached(message) => TeamError::PlanLimit(message),
            LimitError::Internal(error) => TeamError::Internal(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_name_is_trimmed_and_kept_to_one_short_line() {
        assert_eq!(checked_name("  Acme QA ").unwrap(), "Acme QA");
        for bad in ["", "   ", "two\nlines", &"x".repeat(101)] {
            assert!(
                matches!(checked_name(bad), Err(TeamError::Invalid(field, _)) if field == "name"),
                "{bad:?}"
            );
        }
        assert!(checked_name(&"é".repeat(100)).is_ok());
    }
}

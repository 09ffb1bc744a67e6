//! Team discovery and requests to join. An admin turns discovery on for some of the
//! team's claimable domains (those of its admins' confirmed addresses, never a public
//! mail domain) and picks a policy; an account whose confirmed address is on one of
//! those domains sees the team and joins it at once (anyone) or asks (approval), and
//! the admins approve or decline. The store decides, in one transaction, whether the
//! team is discoverable by the caller at the moment of joining; a team that is not is
//! answered exactly like a team that does not exist.

use courier_proto::{
    DiscoverableTeam, DiscoverySettings, JoinOutcome, JoinPolicy, JoinRequest, TeamDiscovery,
    TeamMember,
};
use courier_store::{Decision, DiscoveryRecord, JoinResult, Store, User, email_domain};

use super::public_domains;
use super::{Access, Deps, Result, TeamError, members, tell_members, view};
use crate::platform::clock::durations;
use crate::platform::crypto::new_id;
use crate::platform::hub::EventHub;
use crate::platform::mail::Mail;
use crate::platform::ratelimit::Rule;

/// The most domains one team is found on.
pub const MAX_DOMAINS: usize = 20;

fn wire_policy(policy: courier_store::JoinPolicy) -> JoinPolicy {
    match policy {
        courier_store::JoinPolicy::Anyone => JoinPolicy::Anyone,
        courier_store::JoinPolicy::Approval => JoinPolicy::Approval,
    }
}

fn stored_policy(policy: JoinPolicy) -> courier_store::JoinPolicy {
    match policy {
        JoinPolicy::Anyone => courier_store::JoinPolicy::Anyone,
        JoinPolicy::Approval => courier_store::JoinPolicy::Approval,
    }
}

/// The domains the team may claim: those of its admins' confirmed addresses, public
/// mail domains left out; sorted, each once.
pub async fn claimable_domains(store: &dyn Store, team_id: &str) -> Result<Vec<String>> {
    let mut domains: Vec<String> = store
        .confirmed_admin_emails(team_id)
        .await?
        .iter()
        .filter_map(|email| email_domain(email))
        .filter(|domain| !public_domains::is_public(domain))
        .collect();
    domains.sort();
    domains.dedup();
    Ok(domains)
}

/// The team's discovery settings (admins).
pub async fn settings(store: &dyn Store, access: Access) -> Result<TeamDiscovery> {
    let access = access.admin()?;
    let record = store.discovery(&access.team.id).await?;
    Ok(TeamDiscovery {
        enabled: record.enabled,
        join_policy: wire_policy(record.join_policy),
        domains: record.domains,
        claimable_domains: claimable_domains(store, &access.team.id).await?,
    })
}

/// The domains asked for, each one claimable (trimmed, lowercase, repeats dropped), or
/// the first refused as `domains[i]`.
pub fn checked_domains(
    asked: &[String],
    claimable: &[String],
    enabled: bool,
) -> Result<Vec<String>> {
    if asked.len() > MAX_DOMAINS {
        return Err(TeamError::Invalid(
            "domains".to_owned(),
            format!("Choose at most {MAX_DOMAINS} domains."),
        ));
    }
    let mut kept: Vec<String> = Vec::new();
    for (index, domain) in asked.iter().enumerate() {
        let domain = domain.trim().to_lowercase();
        let problem = if public_domains::is_public(&domain) {
            Some(format!(
                "{domain} is a public mail domain: no team can claim it."
            ))
        } else if !claimable.contains(&domain) {
            Some(format!(
                "The team can only use a domain on which one of its admins has a confirmed \
                 address; {domain} is not one."
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(TeamError::Invalid(format!("domains[{index}]"), message));
        }
        if !kept.contains(&domain) {
            kept.push(domain);
        }
    }
    if enabled && kept.is_empty() {
        return Err(TeamError::Invalid(
            "domains".to_owned(),
            "Choose at least one domain to turn discovery on.".to_owned(),
        ));
    }
    kept.sort();
    Ok(kept)
}

/// Saves the team's discovery settings (admins). Every domain must be claimable now.
pub async fn update(
    deps: &Deps<'_>,
    access: Access,
    asked: &DiscoverySettings,
) -> Result<TeamDiscovery> {
    let access = access.admin()?;
    let claimable = claimable_domains(deps.store, &access.team.id).await?;
    let domains = checked_domains(&asked.domains, &claimable, asked.enabled)?;
    let record = DiscoveryRecord {
        enabled: asked.enabled,
        join_policy: stored_policy(asked.join_policy),
        domains,
    };
    deps.store
        .set_discovery(&access.team.id, &record, deps.clock.now())
        .await?;
    Ok(TeamDiscovery {
        enabled: record.enabled,
        join_policy: asked.join_policy,
        domains: record.domains,
        claimable_domains: claimable,
    })
}

/// The teams the caller may join by the domain of its confirmed address.
pub async fn discoverable(store: &dyn Store, user_id: &str) -> Result<Vec<DiscoverableTeam>> {
    Ok(store
        .discoverable_teams(user_id)
        .await?
        .into_iter()
        .map(|found| DiscoverableTeam {
            id: found.team.id,
            name: found.team.name,
            slug: found.team.slug,
            domain: found.domain,
            member_count: found.member_count,
            join_policy: wire_policy(found.join_policy),
            request_pending: found.request_pending,
        })
        .collect())
}

fn rule(deps: &Deps<'_>) -> Rule {
    Rule {
        name: "join_requests",
        max: deps.limits.join_requests_per_account_per_hour,
        window: durations::HOUR,
    }
}

/// Tells the apps of the team's admins (and `also`) that the team changed.
async fn tell_admins(
    store: &dyn Store,
    events: &EventHub,
    team_id: &str,
    also: Option<&str>,
) -> Result<()> {
    super::tell(store, events, team_id, true, also).await
}

fn display_name(user: &User) -> &str {
    user.name.as_deref().unwrap_or(&user.username)
}

/// Joins the team `team_id` (policy anyone) or asks to (approval). Asking again
/// answers the pending request; a team the caller cannot discover is `NotFound`.
pub async fn join(deps: &Deps<'_>, caller: &User, team_id: &str) -> Result<JoinOutcome> {
    deps.limiter
        .hit(rule(deps), &caller.id)
        .map_err(|retry| TeamError::RateLimited(retry.0))?;
    if deps.store.role_in(team_id, &caller.id).await?.is_none() {
        super::allow_members(deps, team_id, 1).await?;
    }
    let now = deps.clock.now();
    let result = deps
        .store
        .join_team(team_id, &caller.id, &new_id(), now)
        .await?;
    match result {
        JoinResult::NotDiscoverable => Err(TeamError::NotFound),
        JoinResult::Joined | JoinResult::AlreadyMember => {
            if result == JoinResult::Joined {
                tell_members(deps.store, deps.events, team_id, None).await?;
            }
            let access = super::access(deps.store, team_id, &caller.id).await?;
            Ok(JoinOutcome::Joined {
                team: view(access.team, access.role),
            })
        }
        JoinResult::Requested { id, created } => {
            if created {
                tell_admins(deps.store, deps.events, team_id, None).await?;
                mail_admins(deps, caller, team_id).await?;
            }
            Ok(JoinOutcome::Requested { request_id: id })
        }
    }
}

/// A mail to each admin: someone asks to join.
async fn mail_admins(deps: &Deps<'_>, caller: &User, team_id: &str) -> Result<()> {
    let Some(team) = deps.store.team(team_id).await? else {
        return Ok(());
    };
    let who = display_name(caller);
    for admin in deps.store.members(team_id).await? {
        if admin.role != courier_store::TeamRole::Admin {
            continue;
        }
        deps.mailer
            .send_on_request(Mail {
                to: admin.email,
                subject: format!("{who} asks to join {} on Courier", team.name),
                body: format!(
                    "{who} ({email}) found the team “{team}” through its email domain and \
                     asks to join it.\n\nApprove or decline the request on the team's page \
                     in the Courier app.\n",
                    email = caller.email,
                    team = team.name,
                ),
                links: Vec::new(),
            })
            .await?;
    }
    Ok(())
}

/// Takes back the caller's pending request (`NotFound` when there is none).
pub async fn withdraw(deps: &Deps<'_>, user_id: &str, team_id: &str) -> Result<()> {
    if deps
        .store
        .withdraw_join_request(team_id, user_id, deps.clock.now())
        .await?
    {
        tell_admins(deps.store, deps.events, team_id, Some(user_id)).await
    } else {
        Err(TeamError::NotFound)
    }
}

/// The team's pending requests, oldest first (admins).
pub async fn requests(store: &dyn Store, access: Access) -> Result<Vec<JoinRequest>> {
    let access = access.admin()?;
    Ok(store
        .join_requests(&access.team.id)
        .await?
        .into_iter()
        .map(|request| JoinRequest {
            id: request.id,
            user_id: request.user_id,
            username: request.username,
            name: request.name,
            email: request.email,
            created_at: request.created_at,
        })
        .collect())
}

/// Approves (`approve`) or declines a pending request (admins), and mails the
/// requester. Approved: the new member as listed.
pub async fn decide(
    deps: &Deps<'_>,
    access: Access,
    admin: &User,
    request_id: &str,
    approve: bool,
) -> Result<Option<TeamMember>> {
    let access = access.admin()?;
    let team_id = access.team.id.clone();
    let requester = deps
        .store
        .join_requests(&team_id)
        .await?
        .into_iter()
        .find(|request| request.id == request_id)
        .ok_or(TeamError::NoSuchMember)?;
    if approve {
        super::allow_members(deps, &team_id, 1).await?;
    }
    let decision = deps
        .store
        .decide_join_request(&team_id, request_id, approve, &admin.id, deps.clock.now())
        .await?;
    let (subject, body) = match &decision {
        Decision::NotPending => return Err(TeamError::NoSuchMember),
        Decision::Approved { .. } => (
            format!("You joined {} on Courier", access.team.name),
            format!(
                "{admin} approved your request: you are now a member of the team “{team}” \
                 on Courier. It appears in the app.\n",
                admin = display_name(admin),
                team = access.team.name,
            ),
        ),
        Decision::Declined { .. } => (
            format!("Your request to join {} was declined", access.team.name),
            format!(
                "The admins of the team “{team}” on Courier declined your request to join. \
                 Ask one of them if you think this is a mistake.\n",
                team = access.team.name,
            ),
        ),
    };
    deps.mailer
        .send_on_request(Mail {
            to: requester.email.clone(),
            subject,
            body,
            links: Vec::new(),
        })
        .await?;
    match decision {
        Decision::Approved { user_id, .. } => {
            tell_members(deps.store, deps.events, &team_id, None).await?;
            let member = members(deps.store, &access)
                .await?
                .into_iter()
                .find(|member| member.user_id == user_id)
                // Removed in the moment between the approval and the read.
                .ok_or(TeamError::NoSuchMember)?;
            Ok(Some(member))
        }
        _ => {
            tell_admins(deps.store, deps.events, &team_id, Some(&requester.user_id)).await?;
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_claimable_domains_are_kept_and_the_first_refused_is_named() {
        let claimable = vec!["acme.test".to_owned(), "acme.example".to_owned()];
        let asked = vec![" ACME.test ".to_owned(), "acme.test".to_owned()];
        assert_eq!(
            checked_domains(&asked, &claimable, true).unwrap(),
            ["acme.test"]
        );
        let public = checked_domains(&["ok".into(), "gmail.com".into()], &claimable, true);
        assert!(
            matches!(&public, Err(TeamError::Invalid(field, message))
                if field == "domains[0]" && !message.contains("public")),
            "{public:?}"
        );
        let public = checked_domains(&["Gmail.com".into()], &claimable, true);
        assert!(
            matches!(&public, Err(TeamError::Invalid(field, message))
                if field == "domains[0]" && message.contains("public")),
            "{public:?}"
        );
        assert!(checked_domains(&[], &claimable, true).is_err());
        assert!(checked_domains(&[], &claimable, false).unwrap().is_empty());
        let many = vec!["acme.test".to_owned(); MAX_DOMAINS + 1];
        assert!(checked_domains(&many, &claimable, true).is_err());
    }
}

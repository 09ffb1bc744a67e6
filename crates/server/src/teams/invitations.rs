//! Invitations by email: inviting one or many addresses (a mail each, with a link
//! valid 7 days; inviting an address again renews its invitation), the admins' list,
//! Resend, Cancel, and accepting a link (the store judges and spends it in the same
//! transaction that adds the member). Inviting an address that has an account is
//! answered and mailed exactly like any other: no enumeration through invitations.

use courier_proto::{Invitation, TeamRole};
use courier_store::{Acceptance, InvitationRecord, InvitationRefusal, NewInvitation, Store};

use super::{Access, Deps, Result, TeamError, stored_role, view, wire_role};
use crate::platform::clock::{UnixTime, durations};
use crate::platform::crypto::{new_id, new_token, token_digest};
use crate::platform::mail::Mail;
use crate::platform::ratelimit::Rule;
use crate::platform::validate;

/// How long an invitation link works.
pub const LIFETIME: i64 = 7 * durations::DAY;

/// The most addresses one call invites.
pub const MAX_PER_CALL: usize = 50;

/// Where an invitation link leads (the token in the query).
pub const ACCEPT_PATH: &str = "/invitations/accept";

fn rule(deps: &Deps<'_>) -> Rule {
    Rule {
        name: "invitations",
        max: deps.limits.invitations_per_account_per_hour,
        window: durations::HOUR,
    }
}

/// A pending invitation as admins see it at `now`.
pub fn view_invitation(record: InvitationRecord, now: UnixTime) -> Invitation {
    Invitation {
        expired: now >= record.expires_at,
        id: record.id,
        email: record.email,
        role: wire_role(record.role),
        created_at: record.created_at,
        sent_at: record.sent_at,
        expires_at: record.expires_at,
    }
}

/// The addresses as given (trimmed, each checked, repeats dropped case-insensitively),
/// or the refused ones as `emails[i]` fields.
pub fn checked_addresses(
    emails: &[String],
) -> std::result::Result<Vec<String>, Vec<(String, String)>> {
    if emails.is_empty() {
        return Err(vec![(
            "emails".to_owned(),
            "Enter at least one email address.".to_owned(),
        )]);
    }
    if emails.len() > MAX_PER_CALL {
        return Err(vec![(
            "emails".to_owned(),
            format!("Invite at most {MAX_PER_CALL} addresses at once."),
        )]);
    }
    let mut kept: Vec<String> = Vec::new();
    let mut refused = Vec::new();
    for (index, email) in emails.iter().enumerate() {
        let email = email.trim();
        match validate::email(email) {
            Err(message) => refused.push((format!("emails[{index}]"), message.to_owned())),
            Ok(()) if kept.iter().any(|k| k.eq_ignore_ascii_case(email)) => {}
            Ok(()) => kept.push(email.to_owned()),
        }
    }
    if refused.is_empty() {
        Ok(kept)
    } else {
        Err(refused)
    }
}

/// Invites each address (admins): a new invitation, or the pending one renewed, and
/// a mail with its link. Nothing is stored or sent when any address is refused or
/// the caller's hourly allowance cannot cover them all.
pub async fn invite(
    deps: &Deps<'_>,
    access: Access,
    inviter: &courier_store::User,
    emails: &[String],
    role: TeamRole,
) -> Result<Vec<Invitation>> {
    let access = access.admin()?;
    let addresses = checked_addresses(emails).map_err(|refused| {
        let (field, message) = refused.into_iter().next().unwrap_or_default();
        TeamError::Invalid(field, message)
    })?;
    let pending = deps.store.invitations(&access.team.id).await?;
    let new_addresses = addresses
        .iter()
        .filter(|email| {
            !pending
                .iter()
                .any(|invitation| invitation.email.eq_ignore_ascii_case(email))
        })
        .count();
    super::allow_members(
        deps,
        &access.team.id,
        u32::try_from(new_addresses).unwrap_or(u32::MAX),
    )
    .await?;
    allow(deps, &inviter.id, addresses.len())?;
    let now = deps.clock.now();
    let mut invited = Vec::with_capacity(addresses.len());
    for email in addresses {
        let token = new_token("cti");
        let id = deps
            .store
            .invite(&NewInvitation {
                id: new_id(),
                team_id: access.team.id.clone(),
                email: email.clone(),
                role: stored_role(role),
                digest: token_digest(&token),
                invited_by: inviter.id.clone(),
                now,
                expires_at: now + LIFETIME,
            })
            .await?
            .id()
            .to_owned();
        send(deps, &access, inviter, &email, role, &token).await?;
        invited.push(id);
    }
    let pending = deps.store.invitations(&access.team.id).await?;
    Ok(pending
        .into_iter()
        .filter(|record| invited.contains(&record.id))
        .map(|record| view_invitation(record, now))
        .collect())
}

/// Takes `count` from the inviter's hourly allowance, or refuses them all.
fn allow(deps: &Deps<'_>, inviter: &str, count: usize) -> Result<()> {
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    deps.limiter
        .hit_many(rule(deps), inviter, count)
        .map_err(|retry| TeamError::RateLimited(retry.0))
}

async fn send(
    deps: &Deps<'_>,
    access: &Access,
    inviter: &courier_store::User,
    email: &str,
    role: TeamRole,
    token: &str,
) -> Result<()> {
    let link = deps.issuer.url(&format!("{ACCEPT_PATH}?token={token}"));
    let inviter_name = inviter.name.as_deref().unwrap_or(&inviter.username);
    let role = role_words(role);
    deps.mailer
        .send_on_request(Mail {
            to: email.to_owned(),
            subject: format!(
                "{inviter_name} invited you to {} on Courier",
                access.team.name
            ),
            body: format!(
                "{inviter_name} ({inviter_email}) invited you to join the team “{team}” on \
                 Courier as {role}.\n\nAccept the invitation (you can sign in, or create a free \
                 account, on the way):\n\n{link}\n\nThe link works once, for 7 days. If you do \
                 not know {inviter_name}, ignore this mail.\n",
                inviter_email = inviter.email,
                team = access.team.name,
            ),
            links: vec![link],
        })
        .await?;
    Ok(())
}

/// A role as the invitation mail and page say it: "a member".
pub fn role_words(role: TeamRole) -> &'static str {
    match role {
        TeamRole::Admin => "an admin",
        TeamRole::Member => "a member",
        TeamRole::BillingManager => "a billing manager",
    }
}

/// The team's pending invitations (admins).
pub async fn list(deps: &Deps<'_>, access: Access) -> Result<Vec<Invitation>> {
    let access = access.admin()?;
    let now = deps.clock.now();
    Ok(deps
        .store
        .invitations(&access.team.id)
        .await?
        .into_iter()
        .map(|record| view_invitation(record, now))
        .collect())
}

/// Sends a pending invitation again with a fresh link (admins).
pub async fn resend(
    deps: &Deps<'_>,
    access: Access,
    inviter: &courier_store::User,
    id: &str,
) -> Result<Invitation> {
    let access = access.admin()?;
    let pending = deps.store.invitations(&access.team.id).await?;
    let record = pending
        .into_iter()
        .find(|record| record.id == id)
        .ok_or(TeamError::NoSuchMember)?;
    allow(deps, &inviter.id, 1)?;
    let now = deps.clock.now();
    let token = new_token("cti");
    let renewed = deps
        .store
        .renew_invitation(
            &access.team.id,
            id,
            &token_digest(&token),
            now,
            now + LIFETIME,
        )
        .await?;
    if !renewed {
        // Accepted or cancelled in the meantime.
        return Err(TeamError::NoSuchMember);
    }
    let role = wire_role(record.role);
    send(deps, &access, inviter, &record.email, role, &token).await?;
    Ok(view_invitation(
        InvitationRecord {
            sent_at: now,
            expires_at: now + LIFETIME,
            ..record
        },
        now,
    ))
}

/// Cancels a pending invitation (admins); its link stops working.
pub async fn cancel(store: &dyn Store, now: UnixTime, access: Access, id: &str) -> Result<()> {
    let access = access.admin()?;
    if store.cancel_invitation(&access.team.id, id, now).await? {
        Ok(())
    } else {
        Err(TeamError::NoSuchMember)
    }
}

/// Why an invitation link cannot be accepted, in words for the person holding it.
pub fn refusal_message(refusal: InvitationRefusal) -> &'static str {
    match refusal {
        InvitationRefusal::Unknown => {
            "This invitation link is not valid. Ask for a new invitation if you need one."
        }
        InvitationRefusal::Cancelled => "This invitation was cancelled by the team's admins.",
        InvitationRefusal::AlreadyAccepted => "This invitation has already been accepted.",
        InvitationRefusal::Expired => {
            "This invitation has expired. Ask the team's admins to send it again."
        }
    }
}

/// What accepting a link did: the team as the account now sees it, or why not.
pub enum Accepted {
    Joined(courier_proto::Team),
    AlreadyMember(courier_proto::Team),
    Refused(InvitationRefusal),
}

/// Accepts the invitation behind `token` for `user_id`.
pub async fn accept(
    store: &dyn Store,
    events: &crate::platform::hub::EventHub,
    now: UnixTime,
    token: &str,
    user_id: &str,
) -> Result<Accepted> {
    let outcome = store
        .accept_invitation(&token_digest(token), user_id, now)
        .await?;
    let (team_id, joined) = match outcome {
        Acceptance::Joined { team_id, .. } => (team_id, true),
        Acceptance::AlreadyMember { team_id } => (team_id, false),
        Acceptance::Refused(refusal) => return Ok(Accepted::Refused(refusal)),
    };
    if joined {
        super::tell_members(store, events, &team_id, None).await?;
    }
    let access = super::access(store, &team_id, user_id).await?;
    let team = view(access.team, access.role);
    Ok(if joined {
        Accepted::Joined(team)
    } else {
        Accepted::AlreadyMember(team)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_checked_and_deduplicated_and_bad_ones_named_by_place() {
        let given = vec![
            " Ada@Example.com ".to_owned(),
            "ada@example.COM".to_owned(),
            "grace@example.com".to_owned(),
        ];
        assert_eq!(
            checked_addresses(&given).unwrap(),
            ["Ada@Example.com", "grace@example.com"]
        );
        let refused = checked_addresses(&["ok@example.com".into(), "nope".into()]).unwrap_err();
        assert_eq!(refused[0].0, "emails[1]");
        assert!(checked_addresses(&[]).is_err());
        let too_many = vec!["a@example.com".to_owned(); MAX_PER_CALL + 1];
        assert_eq!(checked_addresses(&too_many).unwrap_err()[0].0, "emails");
    }
}

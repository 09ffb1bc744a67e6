//! Each plan's limits, enforced where a team grows: inviting members (pending
//! invitations count, since each becomes a member by a click), approving a request to
//! join, and making a team workspace. On a paid plan the seats paid for are the limit
//! on members; on Free, Free's own limits. A refusal names the plan that allows more
//! (`plan_limit`). Nothing already there is ever removed for being over a limit.

use courier_billing::{Tier, Usage, check_limit};
use courier_store::Store;

use super::state::Account;
use super::{BillingError, Result, capitalized};
use crate::platform::clock::UnixTime;

/// What a team is about to add.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Growth {
    /// This many more members (or invitations).
    Members(u32),
    /// One more workspace.
    Workspace,
}

/// Refuses `growth` when `team_id`'s plan does not allow it. `enforce` is the
/// installation's `billing.enforce_limits`.
pub async fn allow(
    store: &dyn Store,
    enforce: bool,
    team_id: &str,
    growth: Growth,
    now: UnixTime,
) -> Result<()> {
    if !enforce {
        return Ok(());
    }
    let account = Account::load(store, team_id).await?;
    let subscription = account.state.map(|state| state.subscription);
    let tier = subscription.map_or(Tier::Free, |subscription| subscription.tier);
    let usage = store.team_usage(team_id, now).await?;
    match growth {
        Growth::Members(more) => {
            let members = usage
                .members
                .saturating_add(usage.pending_invitations)
                .saturating_add(more);
            if let Some(subscription) = subscription.filter(|_| tier != Tier::Free)
                && members > subscription.seats
            {
                return Err(BillingError::PlanLimit(format!(
                    "All {} seats of the team's {tier} plan are taken; add seats in Edit Plan \
                     (Team → Billing) to invite more.",
                    subscription.seats
                )));
            }
            check_limit(tier, Usage::Members(members))
        }
        Growth::Workspace => {
            check_limit(tier, Usage::Workspaces(usage.workspaces.saturating_add(1)))
        }
    }
    .map_err(|error| BillingError::PlanLimit(capitalized(&error.to_string())))
}

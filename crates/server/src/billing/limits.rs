//! Each plan's limits, enforced where a team grows: inviting members (pending
//! invitations count, since each becomes a member by a click), approving a request to
//! join, and making a team workspace. On a paid plan the seats paid for are the limit
//! on members; on Free, Free's own limits. A refusal names the plan that allows more
//! (`plan_limit`). Nothing already there is ever removed for being over a limit.

use courier_billing::{Tier, Usage, check_limit};
use courier_store::Store;

use super::state::Account;
use super::{BillingError, capitalized};
use crate::error::Error;
use crate::platform::clock::UnixTime;

/// Why a team may not grow.
#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    /// The plan does not allow it; the message names the plan that does.
    #[error("{0}")]
    Reached(String),
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<BillingError> for LimitError {
    fn from(error: BillingError) -> Self {
        match error {
            BillingError::PlanLimit(message) => LimitError::Reached(message),
            BillingError::Internal(error) => LimitError::Internal(error),
            other => LimitError::Internal(Error::Corrupt(other.to_string())),
        }
    }
}

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
) -> Result<(), LimitError> {
    if !enforce {
        return Ok(());
    }
    let account = Account::load(store, team_id).await?;
    let subscription = account.state.map(|state| state.subscription);
    let tier = subscription.map_or(Tier::Free, |subscription| subscription.tier);
    let usage = store.team_usage(team_id, now).await.map_err(Error::from)?;
    match growth {
        Growth::Members(more) => {
            let members = usage
                .members
                .saturating_add(usage.pending_invitations)
                .saturating_add(more);
            if let Some(subscription) = subscription.filter(|_| tier != Tier::Free)
                && members > subscription.seats
            {
                return Err(LimitError::Reached(format!(
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
    .map_err(|error| LimitError::Reached(capitalized(&error.to_string())))
}

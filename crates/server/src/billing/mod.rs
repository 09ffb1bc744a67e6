//! Plans and billing for teams: who may see and change billing ([`billing_access`]:
//! admins and billing managers), the dashboard ([`overview`]), Edit Plan and Upgrade
//! ([`changes`]: a preview, then a confirmation charging exactly the previewed
//! amount), payments and the provider's webhook ([`payments`]), renewals and what
//! follows a failed payment ([`renewals`]), and each plan's limits ([`limits`]).
//! The money rules are `courier_billing`'s; this module stores their results
//! ([`state`]), charges through [`Payments`], and speaks the API's types ([`views`]).
//! Nothing here knows about HTTP.

pub mod changes;
pub mod limits;
pub mod payments;
pub mod renewals;
pub mod state;
pub mod views;

use courier_proto::{BillingOverview, PlanOffer, TeamRole};
use courier_store::Store;

use crate::error::Error;
use crate::platform::clock::Clock;
use crate::platform::hub::EventHub;
use crate::platform::issuer::Issuer;
use crate::platform::mail::Mailer;
use crate::platform::payments::Payments;
use crate::teams::{self, Access, TeamError};

/// What the billing rules need.
pub struct Deps<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub payments: &'a Payments,
    /// Tells the team's admins and billing managers when billing changed.
    pub events: &'a EventHub,
    /// Payment failures and downgrades are mailed to the billing email.
    pub mailer: &'a Mailer,
    /// Builds the test-mode confirmation page's address.
    pub issuer: &'a Issuer,
}

/// Why a billing action was refused.
#[derive(Debug, thiserror::Error)]
pub enum BillingError {
    /// No such team, or the caller is not in it (the same answer for both).
    #[error("no such team")]
    NotFound,
    /// A member asked for what only admins and billing managers may see or do.
    #[error("only the team's admins and billing managers can see and change billing")]
    BillingRoleOnly,
    /// A field was refused: `(field, message)`.
    #[error("{1}")]
    Invalid(String, String),
    /// The preview no longer holds (the plan, the balance or the price moved, or it
    /// expired), or a payment awaits confirmation: look again and retry.
    #[error("{0}")]
    Conflict(String),
    /// The provider refused the card; nothing changed.
    #[error("{0}")]
    PaymentFailed(String),
    /// The team's plan does not allow this; the message names the plan that does.
    #[error("{0}")]
    PlanLimit(String),
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for BillingError {
    fn from(error: courier_store::StoreError) -> Self {
        BillingError::Internal(error.into())
    }
}

impl From<TeamError> for BillingError {
    fn from(error: TeamError) -> Self {
        match error {
            TeamError::NotFound | TeamError::NoSuchMember => BillingError::NotFound,
            TeamError::Internal(error) => BillingError::Internal(error),
            other => BillingError::Internal(Error::Corrupt(other.to_string())),
        }
    }
}

impl From<courier_billing::Error> for BillingError {
    fn from(error: courier_billing::Error) -> Self {
        use courier_billing::Error as Rule;
        let message = error.to_string();
        match error {
            Rule::InvalidCard(_) => BillingError::Invalid("card".into(), capitalized(&message)),
            Rule::InvalidChange(_) => {
                BillingError::Invalid("plan.seats".into(), capitalized(&message))
            }
            Rule::NoChange => {
                BillingError::Invalid("plan".into(), "The team is already on this plan.".into())
            }
            Rule::PreviewStale(_) => BillingError::Conflict(capitalized(&message)),
            Rule::LimitReached(_) => BillingError::PlanLimit(capitalized(&message)),
            _ => BillingError::Internal(Error::Corrupt(format!("billing rule: {message}"))),
        }
    }
}

/// `text` as a sentence: a capital first letter and a full stop.
pub(crate) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    let mut sentence: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    sentence
}

pub type Result<T, E = BillingError> = std::result::Result<T, E>;

/// The caller's access to `team_id`'s billing: admins and billing managers; `NotFound`
/// for a non-member, `BillingRoleOnly` for a member.
pub async fn billing_access(store: &dyn Store, team_id: &str, user_id: &str) -> Result<Access> {
    let access = teams::access(store, team_id, user_id).await?;
    match access.role {
        TeamRole::Admin | TeamRole::BillingManager => Ok(access),
        TeamRole::Member => Err(BillingError::BillingRoleOnly),
    }
}

/// The catalog: every tier with its prices and limits.
pub fn plans() -> Vec<PlanOffer> {
    courier_billing::Tier::ALL
        .into_iter()
        .map(views::offer)
        .collect()
}

/// The billing dashboard of the team `access` reaches.
pub async fn overview(deps: &Deps<'_>, access: &Access) -> Result<BillingOverview> {
    let account = state::Account::load(deps.store, &access.team.id).await?;
    views::overview(deps, access, &account).await
}

/// Tells the team's admins and billing managers that its billing changed.
pub async fn tell_billing_roles(store: &dyn Store, events: &EventHub, team_id: &str) -> Result<()> {
    for member in store.members(team_id).await? {
        if member.role != courier_store::TeamRole::Member {
            events.publish(
                &member.user_id,
                courier_proto::ServerEvent::BillingChanged {
                    team_id: team_id.to_owned(),
                },
            );
        }
    }
    Ok(())
}

//! A team's billing document ([`BillingState`]): what `billing_accounts.state` holds,
//! read and written whole. A team without one is on Free and never paid.
//! [`Account::save`] writes it with the revision it was read at, so of two writes
//! computed from the same state (two admins confirming, a renewal racing a change)
//! only the first lands; the other is told [`Saved::Moved`] and starts again.

use courier_billing::{
    Choice, Cycle, DunningAction, Money, PaymentMethod, PaymentState, Subscription, Tier, UnixTime,
    start,
};
use courier_store::{BillingAccountRecord, BillingWrite, InvoiceRecord, InvoiceUpdate, Store};
use serde::{Deserialize, Serialize};

use super::{BillingError, Result};
use crate::error::Error;

/// How long a payment may wait for the cardholder's confirmation before the change it
/// would start is dropped.
pub const CONFIRMATION_WINDOW_SECONDS: i64 = 60 * 60;

/// How long an invoice written for a renewal may wait for the charge that follows it
/// before another look charges it (with the same idempotency key).
pub const UNCHARGED_GRACE_SECONDS: i64 = 5 * 60;

/// A plan change charged but not yet paid: it takes effect when the payment succeeds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingChange {
    pub invoice_id: String,
    pub amount: Money,
    pub plan: Choice,
    /// The subscription and credit balance once paid.
    pub subscription: Subscription,
    pub credit_balance: Money,
    /// The provider's handle for the confirmation step, once it asked for one.
    pub confirmation: Option<String>,
    pub expires_at: UnixTime,
    /// Whether this change came with a new card: if its payment fails, the card on file
    /// before it ([`PendingChange::card_before`]) is put back (a refused card is not kept).
    #[serde(default)]
    pub new_card: bool,
    #[serde(default)]
    pub card_before: Option<PaymentMethod>,
}

/// A renewal's invoice whose payment failed: the dunning retries charge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnpaidInvoice {
    pub invoice_id: String,
    pub amount: Money,
    /// The provider's charges that failed for it (each counted once).
    pub failed_charges: Vec<String>,
}

/// Everything the server keeps of a team's billing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingState {
    pub subscription: Subscription,
    pub credit_balance: Money,
    pub payment: PaymentState,
    /// The provider's customer id, once the team gave a card.
    pub customer: Option<String>,
    /// The card on file: the provider's token and what can be shown of it.
    pub card: Option<PaymentMethod>,
    pub billing_email: String,
    /// Invoices issued so far (the next one's number is one more).
    pub invoices_issued: u32,
    pub pending: Option<PendingChange>,
    pub unpaid: Option<UnpaidInvoice>,
}

impl BillingState {
    /// The first state of a team that starts paying: Free at `now` with no history.
    pub fn fresh(seats: u32, billing_email: &str, now: UnixTime) -> Result<Self> {
        Ok(Self {
            subscription: free_subscription(seats, now)?,
            credit_balance: Money::usd(0),
            payment: PaymentState::Current,
            customer: None,
            card: None,
            billing_email: billing_email.to_owned(),
            invoices_issued: 0,
            pending: None,
            unpaid: None,
        })
    }

    /// The subscription a change is computed from at `at`: on Free, a Free period
    /// starting at `at` (Free's periods are not renewed, so the stored one may be over).
    pub fn effective_subscription(&self, at: UnixTime) -> Result<Subscription> {
        if self.subscription.tier == Tier::Free {
            free_subscription(self.subscription.seats, at)
        } else {
            Ok(self.subscription)
        }
    }

    /// The pending change, unless its confirmation window has closed by `now`.
    pub fn live_pending(&self, now: UnixTime) -> Option<&PendingChange> {
        self.pending
            .as_ref()
            .filter(|pending| now < pending.expires_at)
    }

    /// When the team next needs the server's attention: the end of a paid period, a
    /// dunning step, or the end of a confirmation window.
    pub fn due_at(&self, now: UnixTime) -> Option<UnixTime> {
        let renewal = (self.subscription.tier != Tier::Free
            && self.payment == PaymentState::Current)
            .then_some(self.subscription.period.end);
        let dunning = match self.payment.due(now) {
            DunningAction::Nothing => None,
            DunningAction::WaitUntil { until } => Some(until),
            DunningAction::Retry { .. } | DunningAction::MoveToFree => Some(now),
        };
        let pending = self.pending.as_ref().map(|pending| pending.expires_at);
        // An invoice written but never charged (the server stopped in between): charged
        // at a later look, after the charge that may be in flight has had its time.
        let uncharged = (self.unpaid.is_some() && self.payment == PaymentState::Current)
            .then(|| now.saturating_add(UNCHARGED_GRACE_SECONDS));
        [renewal, dunning, pending, uncharged]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next invoice's number for a team whose URL is `slug`: `ACME-0001`, …
    pub fn next_invoice_number(&mut self, slug: &str) -> String {
        self.invoices_issued = self.invoices_issued.saturating_add(1);
        format!("{}-{:04}", slug.to_uppercase(), self.invoices_issued)
    }
}

/// A Free subscription of `seats` seats beginning at `at`.
fn free_subscription(seats: u32, at: UnixTime) -> Result<Subscription> {
    let free = Choice {
        tier: Tier::Free,
        cycle: Cycle::Monthly,
        seats: seats.max(1),
    };
    Ok(start(free, at, Money::usd(0))?.subscription)
}

/// A team's billing as read: its state and the revision to write it back at.
#[derive(Debug, Clone)]
pub struct Account {
    pub team_id: String,
    /// `None`: the team has no billing account yet (Free, never paid).
    pub revision: Option<i64>,
    pub state: Option<BillingState>,
}

/// What [`Account::save`] did.
#[derive(Debug)]
pub enum Saved {
    Written,
    /// Someone else wrote first; nothing was written.
    Moved,
}

impl Account {
    pub async fn load(store: &dyn Store, team_id: &str) -> Result<Self> {
        let record = store.billing_account(team_id).await?;
        Ok(match record {
            None => Self {
                team_id: team_id.to_owned(),
                revision: None,
                state: None,
            },
            Some(record) => Self {
                team_id: team_id.to_owned(),
                revision: Some(record.revision),
                state: Some(parse(&record)?),
            },
        })
    }

    /// Writes `state` (with its new invoices and invoice updates) if nobody wrote since
    /// this account was read.
    pub async fn save(
        &self,
        store: &dyn Store,
        state: &BillingState,
        now: UnixTime,
        new_invoices: Vec<InvoiceRecord>,
        invoice_updates: Vec<InvoiceUpdate>,
    ) -> Result<Saved> {
        let document = serde_json::to_string(state)
            .map_err(|error| Error::Corrupt(format!("billing state: {error}")))?;
        let write = BillingWrite {
            team_id: self.team_id.clone(),
            expected_revision: self.revision,
            state: document,
            due_at: state.due_at(now),
            now,
            new_invoices,
            invoice_updates,
        };
        Ok(match store.save_billing(&write).await? {
            Some(_) => Saved::Written,
            None => Saved::Moved,
        })
    }
}

fn parse(record: &BillingAccountRecord) -> Result<BillingState> {
    serde_json::from_str(&record.state).map_err(|error| {
        BillingError::Internal(Error::Corrupt(format!(
            "billing state of team {}: {error}",
            record.team_id
        )))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use courier_billing::{Choice, Cycle, Money, PaymentState, Tier, start};

    use super::{BillingState, UNCHARGED_GRACE_SECONDS, UnpaidInvoice};

    const NOW: i64 = 1_704_067_200;

    fn basic() -> BillingState {
        let choice = Choice {
            tier: Tier::Basic,
            cycle: Cycle::Monthly,
            seats: 2,
        };
        let mut state = BillingState::fresh(2, "billing@example.com", NOW).unwrap();
        state.subscription = start(choice, NOW, Money::usd(0)).unwrap().subscription;
        state
    }

    #[test]
    fn a_paid_plan_is_due_at_its_periods_end_and_free_never() {
        let state = basic();
        assert_eq!(state.due_at(NOW), Some(state.subscription.period.end));
        let free = BillingState::fresh(1, "", NOW).unwrap();
        assert_eq!(free.due_at(NOW), None);
    }

    #[test]
    fn an_invoice_written_but_never_charged_is_due_after_the_grace() {
        let mut state = basic();
        state.unpaid = Some(UnpaidInvoice {
            invoice_id: "inv".into(),
            amount: Money::usd(1_600),
            failed_charges: Vec::new(),
        });
        assert_eq!(state.due_at(NOW), Some(NOW + UNCHARGED_GRACE_SECONDS));
        state.payment = PaymentState::PastDue {
            since: NOW,
            attempts: 1,
        };
        assert_eq!(
            state.due_at(NOW),
            Some(NOW + 86_400),
            "past due: the dunning's first retry, a day later"
        );
    }
}

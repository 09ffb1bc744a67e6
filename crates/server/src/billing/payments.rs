//! Payments: what a charge's outcome does to a team's billing ([`settle`]), and the
//! provider's webhook ([`receive_webhook`]), which reports outcomes asynchronously
//! (a confirmation step finished at the bank, a charge that failed later).
//!
//! [`settle`] is idempotent and order-free: the server calls it with the outcome a
//! charge returned at once, and again when the webhook reports the same charge, and
//! whichever comes second finds nothing left to do. A pending plan change takes effect
//! when its invoice is paid and is dropped (its invoice void) when its payment fails;
//! a failed renewal payment counts once per provider charge toward the dunning.

use courier_billing::PaymentEvent;
use courier_billing::webhook::{self, EventKind, SignedEvent};
use courier_proto::InvoiceStatus;
use courier_store::InvoiceUpdate;

use super::state::{Account, Saved};
use super::views::status_word;
use super::{Deps, Result, tell_billing_roles};
use crate::platform::mail::Mail;

/// How a charge for an invoice ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settlement {
    Paid,
    /// `reason`: the provider's words (`card_declined`, `insufficient_funds`, …).
    Failed {
        reason: String,
    },
}

/// How many times a write is tried again after another one landed first.
const WRITE_ATTEMPTS: usize = 5;

/// Applies `settlement` of the provider's charge `charge_id` for `invoice_id` (an
/// invoice of `team_id`). Returns whether anything changed.
pub async fn settle(
    deps: &Deps<'_>,
    team_id: &str,
    invoice_id: &str,
    charge_id: &str,
    settlement: &Settlement,
) -> Result<bool> {
    for _ in 0..WRITE_ATTEMPTS {
        let now = deps.clock.now();
        let account = Account::load(deps.store, team_id).await?;
        let Some(mut state) = account.state.clone() else {
            return Ok(false);
        };
        let update = |status: InvoiceStatus| InvoiceUpdate {
            id: invoice_id.to_owned(),
            status: status_word(status).to_owned(),
            charge_id: Some(charge_id.to_owned()),
        };
        let mut mail = None;
        let invoice_update = if let Some(pending) = state
            .pending
            .take_if(|pending| pending.invoice_id == invoice_id)
        {
            match settlement {
                Settlement::Paid => {
                    state.subscription = pending.subscription;
                    state.credit_balance = pending.credit_balance;
                    state.payment = state.payment.after(PaymentEvent::Succeeded);
                    mail = Some(receipt(deps, &state, invoice_id, pending.amount).await?);
                    update(InvoiceStatus::Paid)
                }
                Settlement::Failed { .. } => {
                    if pending.new_card {
                        state.card = pending.card_before;
                    }
                    update(InvoiceStatus::Void)
                }
            }
        } else if let Some(mut unpaid) = state
            .unpaid
            .take_if(|unpaid| unpaid.invoice_id == invoice_id)
        {
            match settlement {
                Settlement::Paid => {
                    state.payment = state.payment.after(PaymentEvent::Succeeded);
                    mail = Some(receipt(deps, &state, invoice_id, unpaid.amount).await?);
                    update(InvoiceStatus::Paid)
                }
                Settlement::Failed { reason } => {
                    if unpaid.failed_charges.iter().any(|id| id == charge_id) {
                        return Ok(false);
                    }
                    unpaid.failed_charges.push(charge_id.to_owned());
                    state.payment = state.payment.after(PaymentEvent::Failed { at: now });
                    mail = Some(payment_failed_mail(
                        &state.billing_email,
                        reason,
                        unpaid.amount,
                    ));
                    state.unpaid = Some(unpaid);
                    update(InvoiceStatus::Open)
                }
            }
        } else {
            return Ok(false);
        };
        match account
            .save(deps.store, &state, now, Vec::new(), vec![invoice_update])
            .await?
        {
            Saved::Moved => continue,
            Saved::Written => {
                if let Some(mail) = mail.filter(|mail| !mail.to.is_empty()) {
                    deps.mailer.send(mail).await?;
                }
                tell_billing_roles(deps.store, deps.events, team_id).await?;
                return Ok(true);
            }
        }
    }
    Err(super::BillingError::Conflict(
        "The team's billing is changing right now; try again.".into(),
    ))
}

/// The receipt for a paid invoice, to the billing email.
async fn receipt(
    deps: &Deps<'_>,
    state: &super::state::BillingState,
    invoice_id: &str,
    amount: courier_billing::Money,
) -> Result<Mail> {
    let invoice = deps.store.invoice(invoice_id).await?;
    let number = invoice.map(|invoice| invoice.number).unwrap_or_default();
    let card = state
        .card
        .as_ref()
        .map(|card| format!(" with the card ending {}", card.last4))
        .unwrap_or_default();
    Ok(Mail {
        to: state.billing_email.clone(),
        subject: format!("Your Courier receipt {number}"),
        body: format!(
            "Hello,\n\nThank you: {amount} was paid{card} for invoice {number} of your team's \
             Courier plan. The invoice is in the Courier app (Team → Billing), where it can be \
             viewed and downloaded as PDF or HTML.\n"
        ),
        links: Vec::new(),
    })
}

fn payment_failed_mail(to: &str, reason: &str, amount: courier_billing::Money) -> Mail {
    Mail {
        to: to.to_owned(),
        subject: "Your Courier payment failed".to_owned(),
        body: format!(
            "Hello,\n\nThe payment of {amount} for your team's Courier plan failed \
             ({reason}). Courier tries the card again after 1, 3 and 7 days; the team keeps \
             its plan for 14 days. To pay now, replace the card in the Courier app: Team → \
             Billing → Replace card.\n\nIf nothing is paid by then, the team moves to the \
             Free plan. Nothing is deleted.\n"
        ),
        links: Vec::new(),
    }
}

/// What a webhook delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    Applied,
    /// Verified, but about nothing this server still waits for.
    NothingToDo,
    /// This event was received before; nothing was done again.
    Replayed,
}

/// Why a webhook delivery was refused.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// Not signed with the shared secret, signed too long ago, or unreadable.
    #[error("{0}")]
    Refused(courier_billing::Error),
    #[error(transparent)]
    Internal(#[from] super::BillingError),
}

/// Takes one webhook delivery: verifies its signature and age, settles the charge it
/// reports, and records its id (a replay answers `Replayed` and changes nothing).
pub async fn receive_webhook(
    deps: &Deps<'_>,
    signature: &str,
    payload: &str,
) -> Result<Received, WebhookError> {
    let now = deps.clock.now();
    let event = webhook::verify(deps.payments.webhook_secret(), signature, payload, now)
        .map_err(WebhookError::Refused)?;
    let changed = match &event.kind {
        EventKind::ChargeSucceeded => settle_event(deps, &event, Settlement::Paid).await?,
        EventKind::ChargeFailed => {
            let reason = event.charge.failure.clone();
            let reason = reason.unwrap_or_else(|| "failed".into());
            settle_event(deps, &event, Settlement::Failed { reason }).await?
        }
        EventKind::ChargeRequiresConfirmation => false,
    };
    // Recorded once settled, so a delivery that failed half-way is taken again when the
    // provider retries it; settling is idempotent, so a replay changes nothing either way.
    let first = deps
        .store
        .record_webhook_event(&event.id, now)
        .await
        .map_err(super::BillingError::from)?;
    Ok(match (first, changed) {
        (false, _) => Received::Replayed,
        (true, true) => Received::Applied,
        (true, false) => Received::NothingToDo,
    })
}

/// Settles the charge `event` reports, for the invoice it names (nothing to do for an
/// invoice this server does not have).
async fn settle_event(
    deps: &Deps<'_>,
    event: &webhook::Event,
    settlement: Settlement,
) -> Result<bool, WebhookError> {
    let invoice = deps
        .store
        .invoice(&event.charge.invoice_reference)
        .await
        .map_err(super::BillingError::from)?;
    let Some(invoice) = invoice else {
        return Ok(false);
    };
    let charge = &event.charge.id;
    Ok(settle(deps, &invoice.team_id, &invoice.id, charge, &settlement).await?)
}

/// Hands the provider's events to [`receive_webhook`], as a hosted provider would post
/// them; a refused or failed one is logged (the outcome was already applied, or the
/// provider sends it again).
pub async fn deliver(deps: &Deps<'_>, events: Vec<SignedEvent>) {
    for event in events {
        if let Err(error) = receive_webhook(deps, &event.signature, &event.payload).await {
            tracing::warn!(%error, "a payment event was not taken");
        }
    }
}

//! What happens to a team's billing with time: a paid period ends and the next one is
//! invoiced and charged (the scheduled change, if any, taking effect); a failed payment
//! is retried after 1, 3 and 7 days while the team keeps its plan; after 14 days the
//! team moves to Free with nothing deleted; a payment left unconfirmed for an hour
//! drops the change it would have made. [`run_due`] does what is due for one team;
//! [`run_forever`] looks for due teams every `billing.check_every` seconds (each
//! instance may: every step is a revision-checked write, so two instances cannot
//! renew a period twice).

use courier_billing::{
    ChargeOutcome, ChargeRequest, DunningAction, PaymentEvent, PaymentState, Tier, UnixTime,
    move_to_free, renew,
};
use courier_proto::InvoiceStatus;
use courier_store::InvoiceUpdate;

use super::payments::{self, Settlement};
use super::state::{Account, BillingState, Saved, UnpaidInvoice};
use super::views::{invoice_record, status_word};
use super::{Deps, Result, tell_billing_roles};
use crate::platform::mail::Mail;

/// Periods renewed in one go at most (a server that was off for years catches up over
/// several looks).
const MAX_RENEWALS_PER_LOOK: usize = 24;
/// The name of a renewal's first charge (its idempotency key's end).
const RENEWAL_ATTEMPT: &str = "renewal";
/// Teams handled per look.
const TEAMS_PER_LOOK: u32 = 100;

/// Does what is due for every team due at the clock's now.
pub async fn run_due_teams(deps: &Deps<'_>) -> Result<usize> {
    let now = deps.clock.now();
    let teams = deps.store.billing_due(now, TEAMS_PER_LOOK).await?;
    for team_id in &teams {
        if let Err(error) = run_due(deps, team_id).await {
            tracing::warn!(%error, team = %team_id, "billing step failed");
        }
    }
    Ok(teams.len())
}

/// Does what is due for `team_id` now: drop an unconfirmed change, renew ended
/// periods, retry or give up on a failed payment.
pub async fn run_due(deps: &Deps<'_>, team_id: &str) -> Result<()> {
    for _ in 0..MAX_RENEWALS_PER_LOOK {
        let now = deps.clock.now();
        let account = Account::load(deps.store, team_id).await?;
        let Some(state) = account.state.clone() else {
            return Ok(());
        };
        if state
            .pending
            .as_ref()
            .is_some_and(|pending| now >= pending.expires_at)
        {
            drop_expired_pending(deps, &account, state, now).await?;
            continue;
        }
        match state.payment.due(now) {
            DunningAction::Retry { attempt } => {
                retry_unpaid(deps, team_id, &format!("retry-{attempt}")).await?;
                return Ok(());
            }
            DunningAction::MoveToFree => {
                downgrade(deps, &account, state, now).await?;
                return Ok(());
            }
            DunningAction::Nothing | DunningAction::WaitUntil { .. } => {}
        }
        if state.unpaid.is_some() && state.payment == PaymentState::Current {
            // Written, never charged: the same try as the renewal's own.
            retry_unpaid(deps, team_id, RENEWAL_ATTEMPT).await?;
            return Ok(());
        }
        let renewable = state.subscription.tier != Tier::Free
            && state.unpaid.is_none()
            && now >= state.subscription.period.end;
        if !renewable {
            // Keeps `due_at` right (a step may have moved it).
            if let Saved::Moved = account
                .save(deps.store, &state, now, Vec::new(), Vec::new())
                .await?
            {
                continue;
            }
            return Ok(());
        }
        renew_once(deps, &account, state, now).await?;
    }
    Ok(())
}

async fn drop_expired_pending(
    deps: &Deps<'_>,
    account: &Account,
    mut state: BillingState,
    now: UnixTime,
) -> Result<()> {
    let Some(pending) = state.pending.take() else {
        return Ok(());
    };
    let void = InvoiceUpdate {
        id: pending.invoice_id,
        status: status_word(InvoiceStatus::Void).to_owned(),
        charge_id: None,
    };
    if let Saved::Written = account
        .save(deps.store, &state, now, Vec::new(), vec![void])
        .await?
    {
        tell_billing_roles(deps.store, deps.events, &account.team_id).await?;
    }
    Ok(())
}

/// Invoices the next period (the scheduled plan, if any) and charges it.
async fn renew_once(
    deps: &Deps<'_>,
    account: &Account,
    mut state: BillingState,
    now: UnixTime,
) -> Result<()> {
    let team_id = &account.team_id;
    let renewed = renew(&state.subscription, state.credit_balance)?;
    state.subscription = renewed.subscription;
    state.credit_balance = renewed.credit_balance;
    let mut new_invoices = Vec::new();
    let mut to_charge = None;
    if let Some(invoice) = &renewed.invoice {
        let slug = deps
            .store
            .team(team_id)
            .await?
            .map(|team| team.slug)
            .unwrap_or_default();
        let number = state.next_invoice_number(&slug);
        let owed = invoice.total.minor() > 0;
        let status = if owed {
            InvoiceStatus::Open
        } else {
            InvoiceStatus::Paid
        };
        let record = invoice_record(team_id, number, invoice, status, now)?;
        if owed {
            state.unpaid = Some(UnpaidInvoice {
                invoice_id: record.id.clone(),
                amount: invoice.total,
                failed_charges: Vec::new(),
            });
            to_charge = Some(record.id.clone());
        }
        new_invoices.push(record);
    }
    if let Saved::Moved = account
        .save(deps.store, &state, now, new_invoices, Vec::new())
        .await?
    {
        return Ok(());
    }
    match to_charge {
        Some(_) => retry_unpaid(deps, team_id, RENEWAL_ATTEMPT).await,
        None => tell_billing_roles(deps.store, deps.events, team_id).await,
    }
}

/// Charges the team's unpaid invoice with the card on file (`attempt` names this try,
/// so the provider charges each try once) and settles the outcome.
pub async fn retry_unpaid(deps: &Deps<'_>, team_id: &str, attempt: &str) -> Result<()> {
    let now = deps.clock.now();
    let account = Account::load(deps.store, team_id).await?;
    let Some(state) = account.state else {
        return Ok(());
    };
    let Some(unpaid) = &state.unpaid else {
        return Ok(());
    };
    let idempotency_key = format!("{}-{attempt}", unpaid.invoice_id);
    let (settlement, charge_id, events) = match (&state.customer, &state.card) {
        (Some(customer), Some(card)) => {
            let request = ChargeRequest {
                customer,
                payment_method: &card.token,
                amount: unpaid.amount,
                invoice_reference: &unpaid.invoice_id,
                idempotency_key: &idempotency_key,
            };
            let (charge, events) = deps
                .payments
                .call(|provider| provider.charge(&request, now));
            match charge {
                Ok(charge) => {
                    let settlement = match &charge.outcome {
                        ChargeOutcome::Succeeded => Settlement::Paid,
                        ChargeOutcome::Declined { reason } => Settlement::Failed {
                            reason: reason.clone(),
                        },
                        ChargeOutcome::InsufficientFunds => Settlement::Failed {
                            reason: "insufficient_funds".into(),
                        },
                        // Nobody is there to confirm a renewal: it counts as failed, and
                        // the team pays by replacing the card.
                        ChargeOutcome::RequiresConfirmation { .. } => Settlement::Failed {
                            reason: "needs the cardholder's confirmation".into(),
                        },
                    };
                    (settlement, charge.id, events)
                }
                Err(error) => (
                    Settlement::Failed {
                        reason: error.to_string(),
                    },
                    idempotency_key.clone(),
                    events,
                ),
            }
        }
        _ => (
            Settlement::Failed {
                reason: "no card on file".into(),
            },
            idempotency_key.clone(),
            Vec::new(),
        ),
    };
    payments::settle(deps, team_id, &unpaid.invoice_id, &charge_id, &settlement).await?;
    payments::deliver(deps, events).await;
    Ok(())
}

/// The grace period is over: Free from now, nothing deleted, the unpaid invoice void.
async fn downgrade(
    deps: &Deps<'_>,
    account: &Account,
    mut state: BillingState,
    now: UnixTime,
) -> Result<()> {
    state.subscription = move_to_free(&state.subscription, now)?;
    state.payment = state.payment.after(PaymentEvent::MovedToFree { at: now });
    let updates = state
        .unpaid
        .take()
        .map(|unpaid| InvoiceUpdate {
            id: unpaid.invoice_id,
            status: status_word(InvoiceStatus::Void).to_owned(),
            charge_id: None,
        })
        .into_iter()
        .collect();
    if let Saved::Moved = account
        .save(deps.store, &state, now, Vec::new(), updates)
        .await?
    {
        return Ok(());
    }
    if !state.billing_email.is_empty() {
        deps.mailer
            .send(Mail {
                to: state.billing_email.clone(),
                subject: "Your Courier team moved to the Free plan".to_owned(),
                body: "Hello,\n\nThe payment for your team's Courier plan did not come through \
                       in the 14 days after it failed, so the team is on the Free plan now. \
                       Nothing was deleted: every member and workspace is still there; the \
                       Free plan's limits only stop the team adding more.\n\nTo get the plan \
                       back, choose Upgrade in the Courier app.\n"
                    .to_owned(),
                links: Vec::new(),
            })
            .await?;
    }
    tell_billing_roles(deps.store, deps.events, &account.team_id).await
}

/// Looks for due teams every `every` seconds, until the server stops.
pub async fn run_forever(state: crate::state::AppState, every: std::time::Duration) {
    let mut interval = tokio::time::interval(every);
    loop {
        interval.tick().await;
        let deps = Deps::from(&state);
        if let Err(error) = run_due_teams(&deps).await {
            tracing::warn!(%error, "looking for due billing failed");
        }
    }
}

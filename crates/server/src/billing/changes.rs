//! Changing a team's plan (Upgrade from Free and Edit Plan are the same two steps),
//! its card on file and its billing email.
//!
//! [`preview`] computes what a change costs at the current second. [`confirm`] takes
//! the preview's second and total back and recomputes at that second: the charge is the
//! previewed one or the confirmation is refused (`Conflict`: the plan, the balance or
//! the prices moved, or more than ten minutes passed), so what the person saw is what
//! is charged, and the server keeps no preview. A change that costs something is
//! written first as a pending change with an open invoice, then charged; it takes
//! effect when the payment succeeds ([`payments::settle`]), at once or after the bank's
//! confirmation step; a refused card voids the invoice and changes nothing.

use courier_billing::subscription::PREVIEW_LIFETIME_SECONDS;
use courier_billing::{
    CardDetails, CardNumber, ChangePreview, ChargeOutcome, ChargeRequest, Choice, Money,
    PaymentEvent, Tier, UnixTime, preview_change,
};
use courier_proto::{
    CardInput, InvoiceStatus, PaymentResult, PlanChangeConfirmation, PlanChangeOutcome,
    PlanChangePreview, PlanChoice,
};
use courier_store::{InvoiceUpdate, TeamUsage, User};

use super::payments::{self, Settlement};
use super::state::{Account, BillingState, CONFIRMATION_WINDOW_SECONDS, PendingChange, Saved};
use super::views::{self, amount, invoice_record, status_word};
use super::{BillingError, Deps, Result, tell_billing_roles};
use crate::platform::validate;
use crate::teams::Access;

/// What Edit Plan shows for `plan`, computed now.
pub async fn preview(
    deps: &Deps<'_>,
    access: &Access,
    plan: PlanChoice,
) -> Result<PlanChangePreview> {
    let now = deps.clock.now();
    let account = Account::load(deps.store, &access.team.id).await?;
    let usage = deps.store.team_usage(&access.team.id, now).await?;
    let change = views::rule_choice(plan);
    allowed(change, usage)?;
    let state = state_or_fresh(&account, usage, "", now)?;
    let preview = compute(&state, change, now)?;
    let total = total_of(&preview);
    Ok(PlanChangePreview {
        plan,
        at: now,
        takes_effect: preview.takes_effect,
        charge: preview.outcome.invoice.as_ref().map(views::breakdown),
        credit_balance_after: amount(preview.outcome.credit_balance),
        needs_card: total.minor() > 0 && state.card.is_none(),
        expires_at: now.saturating_add(PREVIEW_LIFETIME_SECONDS),
    })
}

/// Confirms a previewed change: charges exactly the previewed total, or refuses.
pub async fn confirm(
    deps: &Deps<'_>,
    access: &Access,
    caller: &User,
    confirmation: PlanChangeConfirmation,
) -> Result<PlanChangeOutcome> {
    let now = deps.clock.now();
    let at = confirmation.at;
    if !(0..=PREVIEW_LIFETIME_SECONDS).contains(&now.saturating_sub(at)) {
        return Err(BillingError::Conflict(
            "This preview has expired; preview the change again.".into(),
        ));
    }
    let team_id = &access.team.id;
    let account = Account::load(deps.store, team_id).await?;
    if let Some(pending) = account
        .state
        .as_ref()
        .and_then(|state| state.live_pending(now))
    {
        return Err(BillingError::Conflict(format!(
            "A payment of {} is waiting for the bank's confirmation; finish it first.",
            pending.amount
        )));
    }
    let usage = deps.store.team_usage(team_id, now).await?;
    let change = views::rule_choice(confirmation.plan);
    allowed(change, usage)?;
    let mut state = state_or_fresh(&account, usage, &caller.email, now)?;
    let mut invoice_updates = Vec::new();
    if let Some(expired) = state.pending.take() {
        invoice_updates.push(InvoiceUpdate {
            id: expired.invoice_id,
            status: status_word(InvoiceStatus::Void).to_owned(),
            charge_id: None,
        });
    }
    let preview = compute(&state, change, at)?;
    let total = total_of(&preview);
    if amount(total) != confirmation.expected_total {
        return Err(BillingError::Conflict(format!(
            "The price changed since the preview: it is now {total}. Check it and confirm again."
        )));
    }
    let card_before = state.card.clone();
    if let Some(card) = &confirmation.card {
        attach_card(deps, &mut state, team_id, card, now)?;
    }
    if total.minor() > 0 && state.card.is_none() {
        return Err(BillingError::Invalid(
            "card".into(),
            "Enter a card to pay with.".into(),
        ));
    }

    let mut new_invoices = Vec::new();
    let mut invoice_id = None;
    if let Some(invoice) = &preview.outcome.invoice {
        let number = state.next_invoice_number(&access.team.slug);
        let status = if total.minor() > 0 {
            InvoiceStatus::Open
        } else {
            InvoiceStatus::Paid
        };
        let record = invoice_record(team_id, number, invoice, status, now)?;
        invoice_id = Some(record.id.clone());
        new_invoices.push(record);
    }
    let charge_for = invoice_id.clone().filter(|_| total.minor() > 0);
    match &charge_for {
        Some(id) => {
            state.pending = Some(PendingChange {
                invoice_id: id.clone(),
                amount: total,
                plan: change,
                subscription: preview.outcome.subscription,
                credit_balance: preview.outcome.credit_balance,
                confirmation: None,
                expires_at: now.saturating_add(CONFIRMATION_WINDOW_SECONDS),
                new_card: confirmation.card.is_some(),
                card_before,
            });
        }
        None => {
            state.subscription = preview.outcome.subscription;
            state.credit_balance = preview.outcome.credit_balance;
            if state.subscription.tier != Tier::Free {
                // Back on a paid plan (covered by credit): a past downgrade is over.
                state.payment = state.payment.after(PaymentEvent::Succeeded);
            }
        }
    }
    if let Saved::Moved = account
        .save(deps.store, &state, now, new_invoices, invoice_updates)
        .await?
    {
        return Err(BillingError::Conflict(
            "Someone changed the team's billing at the same time; look again and retry.".into(),
        ));
    }

    let payment = match charge_for {
        None => {
            tell_billing_roles(deps.store, deps.events, team_id).await?;
            PaymentResult::NothingCharged
        }
        Some(id) => charge_pending(deps, team_id, &state, &id, total, now).await?,
    };
    let invoice = match &invoice_id {
        Some(id) => deps
            .store
            .invoice(id)
            .await?
            .map(|record| views::summary(&record)),
        None => None,
    };
    let account = Account::load(deps.store, team_id).await?;
    Ok(PlanChangeOutcome {
        payment,
        invoice,
        overview: views::overview(deps, access, &account).await?,
    })
}

/// Charges the pending change's invoice `invoice_id` and settles what came back.
async fn charge_pending(
    deps: &Deps<'_>,
    team_id: &str,
    state: &BillingState,
    invoice_id: &str,
    total: Money,
    now: UnixTime,
) -> Result<PaymentResult> {
    let (customer, card) = match (&state.customer, &state.card) {
        (Some(customer), Some(card)) => (customer.as_str(), card.token.as_str()),
        _ => {
            return Err(BillingError::Invalid(
                "card".into(),
                "Enter a card to pay with.".into(),
            ));
        }
    };
    let request = ChargeRequest {
        customer,
        payment_method: card,
        amount: total,
        invoice_reference: invoice_id,
        idempotency_key: invoice_id,
    };
    let (charge, events) = deps
        .payments
        .call(|provider| provider.charge(&request, now));
    let outcome = match charge {
        Ok(charge) => match &charge.outcome {
            ChargeOutcome::Succeeded => {
                payments::settle(deps, team_id, invoice_id, &charge.id, &Settlement::Paid).await?;
                Ok(PaymentResult::Paid)
            }
            ChargeOutcome::RequiresConfirmation { handle } => {
                await_confirmation(deps, team_id, invoice_id, handle).await?;
                Ok(PaymentResult::NeedsConfirmation {
                    confirm_url: views::confirm_url(deps, handle),
                })
            }
            ChargeOutcome::Declined { reason } => {
                refused(deps, team_id, invoice_id, &charge.id, reason).await
            }
            ChargeOutcome::InsufficientFunds => {
                refused(deps, team_id, invoice_id, &charge.id, "insufficient_funds").await
            }
        },
        Err(error) => {
            refused(deps, team_id, invoice_id, invoice_id, "provider_error").await?;
            Err(BillingError::from(error))
        }
    };
    payments::deliver(deps, events).await;
    outcome
}

/// Voids the pending change of a refused charge and says why in words.
async fn refused(
    deps: &Deps<'_>,
    team_id: &str,
    invoice_id: &str,
    charge_id: &str,
    reason: &str,
) -> Result<PaymentResult> {
    let settlement = Settlement::Failed {
        reason: reason.to_owned(),
    };
    payments::settle(deps, team_id, invoice_id, charge_id, &settlement).await?;
    Err(BillingError::PaymentFailed(
        refusal_message(reason).to_owned(),
    ))
}

fn refusal_message(reason: &str) -> &'static str {
    match reason {
        "insufficient_funds" => "The card has insufficient funds. Nothing was charged.",
        "confirmation_failed" => "The bank did not confirm the payment. Nothing was charged.",
        _ => "The card was declined. Nothing was charged; try another card.",
    }
}

/// Remembers the provider's confirmation handle on the pending change.
async fn await_confirmation(
    deps: &Deps<'_>,
    team_id: &str,
    invoice_id: &str,
    handle: &str,
) -> Result<()> {
    loop {
        let now = deps.clock.now();
        let account = Account::load(deps.store, team_id).await?;
        let Some(mut state) = account.state.clone() else {
            return Ok(());
        };
        match state.pending.as_mut() {
            Some(pending) if pending.invoice_id == invoice_id => {
                pending.confirmation = Some(handle.to_owned());
            }
            // Settled already (the bank answered first).
            _ => return Ok(()),
        }
        if let Saved::Written = account
            .save(deps.store, &state, now, Vec::new(), Vec::new())
            .await?
        {
            tell_billing_roles(deps.store, deps.events, team_id).await?;
            return Ok(());
        }
    }
}

/// Puts a new card on file (the provider keeps the number; Courier its token, brand,
/// last four digits and expiry), and charges a past-due invoice with it.
pub async fn replace_card(
    deps: &Deps<'_>,
    access: &Access,
    caller: &User,
    card: &CardInput,
) -> Result<courier_proto::BillingOverview> {
    let team_id = &access.team.id;
    let now = deps.clock.now();
    let account = Account::load(deps.store, team_id).await?;
    let usage = deps.store.team_usage(team_id, now).await?;
    let mut state = state_or_fresh(&account, usage, &caller.email, now)?;
    attach_card(deps, &mut state, team_id, card, now)?;
    save_or_refuse(deps, &account, &state, now).await?;
    if state.unpaid.is_some() {
        super::renewals::retry_unpaid(deps, team_id, "card").await?;
    }
    tell_billing_roles(deps.store, deps.events, team_id).await?;
    let account = Account::load(deps.store, team_id).await?;
    views::overview(deps, access, &account).await
}

/// A new billing email.
pub async fn set_billing_email(
    deps: &Deps<'_>,
    access: &Access,
    email: &str,
) -> Result<courier_proto::BillingOverview> {
    let email = email.trim();
    validate::email(email)
        .map_err(|message| BillingError::Invalid("billing_email".into(), message.to_owned()))?;
    let team_id = &access.team.id;
    let now = deps.clock.now();
    let account = Account::load(deps.store, team_id).await?;
    let usage = deps.store.team_usage(team_id, now).await?;
    let mut state = state_or_fresh(&account, usage, email, now)?;
    state.billing_email = email.to_owned();
    save_or_refuse(deps, &account, &state, now).await?;
    let account = Account::load(deps.store, team_id).await?;
    views::overview(deps, access, &account).await
}

/// The team's state, or a fresh Free one for a team that never paid.
fn state_or_fresh(
    account: &Account,
    usage: TeamUsage,
    billing_email: &str,
    now: UnixTime,
) -> Result<BillingState> {
    match &account.state {
        Some(state) => Ok(state.clone()),
        None => BillingState::fresh(seats_used(usage), billing_email, now),
    }
}

fn seats_used(usage: TeamUsage) -> u32 {
    usage.members.saturating_add(usage.pending_invitations)
}

/// Refuses a paid plan with fewer seats than the team uses, or one whose limits the
/// team is already over. (Free is always allowed: nothing is deleted, Free's limits
/// only refuse adding more.)
fn allowed(change: Choice, usage: TeamUsage) -> Result<()> {
    if change.tier == Tier::Free {
        return Ok(());
    }
    let used = seats_used(usage);
    if change.seats < used {
        return Err(BillingError::Invalid(
            "plan.seats".into(),
            format!(
                "The team has {used} members and pending invitations; choose at least {used} seats."
            ),
        ));
    }
    let limits = change.tier.plan().limits;
    if let Some(max) = limits.max_members
        && change.seats > max
    {
        return Err(BillingError::Invalid(
            "plan.seats".into(),
            format!("{} allows up to {max} seats.", change.tier),
        ));
    }
    if let Some(max) = limits.max_workspaces
        && usage.workspaces > max
    {
        return Err(BillingError::Invalid(
            "plan.tier".into(),
            format!(
                "The team has {} workspaces; {} allows up to {max}.",
                usage.workspaces, change.tier
            ),
        ));
    }
    Ok(())
}

fn compute(state: &BillingState, change: Choice, at: UnixTime) -> Result<ChangePreview> {
    let current = state.effective_subscription(at)?;
    Ok(preview_change(&current, state.credit_balance, change, at)?)
}

fn total_of(preview: &ChangePreview) -> Money {
    preview
        .outcome
        .invoice
        .as_ref()
        .map_or(Money::usd(0), |invoice| invoice.total)
}

/// Gives `card` to the provider (making the team's customer first) and keeps what it
/// returns. The number is not kept, logged or stored.
fn attach_card(
    deps: &Deps<'_>,
    state: &mut BillingState,
    team_id: &str,
    card: &CardInput,
    now: UnixTime,
) -> Result<()> {
    let cvc = card.cvc.trim();
    if !(3..=4).contains(&cvc.len()) || !cvc.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(BillingError::Invalid(
            "card".into(),
            "The security code is the 3 or 4 digits on the card.".into(),
        ));
    }
    let number = CardNumber::parse(&card.number).map_err(BillingError::from)?;
    let details = CardDetails {
        number,
        exp_month: card.exp_month,
        exp_year: i64::from(card.exp_year),
    };
    let customer = match &state.customer {
        Some(customer) => customer.clone(),
        None => {
            let (customer, _) = deps
                .payments
                .call(|provider| provider.create_customer(team_id));
            customer?
        }
    };
    let (method, _) = deps
        .payments
        .call(|provider| provider.attach_card(&customer, details, now));
    state.card = Some(method?);
    state.customer = Some(customer);
    Ok(())
}

/// Writes `state` with no invoices, or refuses when someone wrote first.
async fn save_or_refuse(
    deps: &Deps<'_>,
    account: &Account,
    state: &BillingState,
    now: UnixTime,
) -> Result<()> {
    match account
        .save(deps.store, state, now, Vec::new(), Vec::new())
        .await?
    {
        Saved::Written => Ok(()),
        Saved::Moved => Err(BillingError::Conflict(
            "Someone changed the team's billing at the same time; try again.".into(),
        )),
    }
}

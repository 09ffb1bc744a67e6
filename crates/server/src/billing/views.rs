//! The billing domain in the API's words: tiers, cycles and amounts between
//! `courier_billing` and `courier_proto`, invoices as stored and as shown, and the
//! dashboard ([`overview`]).

use courier_billing::{
    Choice, Cycle, Invoice, Money, PaymentMethod, PaymentState, Tier,
    dunning::GRACE_PERIOD_SECONDS, renew,
};
use courier_proto::{
    Amount, BillingCycle, BillingOverview, CardOnFile, ChargeBreakdown, ChargeLine, InvoiceDetail,
    InvoiceStatus, InvoiceSummary, PaymentStanding, PendingPayment, PlanChoice, PlanOffer,
    PlanTier, ScheduledChange,
};
use courier_store::InvoiceRecord;

use super::state::{Account, BillingState};
use super::{BillingError, Deps, Result};
use crate::error::Error;
use crate::platform::crypto::new_id;
use crate::teams::Access;

/// The heading the invoice documents print from `detail`.
pub fn heading(detail: &InvoiceDetail) -> courier_billing::InvoiceHeading {
    let status = match detail.summary.status {
        InvoiceStatus::Paid => courier_billing::InvoiceStatus::Paid,
        InvoiceStatus::Open => courier_billing::InvoiceStatus::Open,
        InvoiceStatus::Void => courier_billing::InvoiceStatus::Void,
    };
    let mut heading = courier_billing::InvoiceHeading::new(
        detail.summary.number.clone(),
        detail.team_name.clone(),
        detail.billing_email.clone(),
        status,
    );
    heading.paid_with = detail.paid_with.as_ref().map(|card| {
        let mut brand = card.brand.clone();
        if let Some(first) = brand.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        format!("{brand} ending {}", card.last4)
    });
    heading
}

/// How many invoices the dashboard lists before "older".
pub const DASHBOARD_INVOICES: u32 = 24;

pub fn amount(money: Money) -> Amount {
    Amount {
        minor: money.minor(),
        currency: money.currency().code().to_owned(),
    }
}

pub fn tier(tier: Tier) -> PlanTier {
    match tier {
        Tier::Free => PlanTier::Free,
        Tier::Basic => PlanTier::Basic,
        Tier::Professional => PlanTier::Professional,
        Tier::Enterprise => PlanTier::Enterprise,
    }
}

pub fn rule_tier(tier: PlanTier) -> Tier {
    match tier {
        PlanTier::Free => Tier::Free,
        PlanTier::Basic => Tier::Basic,
        PlanTier::Professional => Tier::Professional,
        PlanTier::Enterprise => Tier::Enterprise,
    }
}

pub fn choice(choice: Choice) -> PlanChoice {
    PlanChoice {
        tier: tier(choice.tier),
        cycle: match choice.cycle {
            Cycle::Monthly => BillingCycle::Monthly,
            Cycle::Annual => BillingCycle::Annual,
        },
        seats: choice.seats,
    }
}

pub fn rule_choice(choice: PlanChoice) -> Choice {
    Choice {
        tier: rule_tier(choice.tier),
        cycle: match choice.cycle {
            BillingCycle::Monthly => Cycle::Monthly,
            BillingCycle::Annual => Cycle::Annual,
        },
        seats: choice.seats,
    }
}

pub fn offer(rule: Tier) -> PlanOffer {
    let plan = rule.plan();
    PlanOffer {
        tier: tier(rule),
        name: rule.name().to_owned(),
        monthly_seat_price: amount(plan.monthly_seat_price),
        annual_seat_price: amount(plan.annual_seat_price),
        max_members: plan.limits.max_members,
        max_workspaces: plan.limits.max_workspaces,
        sso: plan.limits.sso,
        audit_log: plan.limits.audit_log,
    }
}

pub fn card(method: &PaymentMethod) -> CardOnFile {
    CardOnFile {
        brand: serde_json::to_value(method.brand)
            .ok()
            .and_then(|brand| brand.as_str().map(str::to_owned))
            .unwrap_or_else(|| "other".to_owned()),
        last4: method.last4.clone(),
        exp_month: method.exp_month,
        exp_year: i32::try_from(method.exp_year).unwrap_or(i32::MAX),
    }
}

pub fn breakdown(invoice: &Invoice) -> ChargeBreakdown {
    ChargeBreakdown {
        lines: invoice
            .lines
            .iter()
            .map(|line| ChargeLine {
                description: line.description(),
                amount: amount(line.amount),
            })
            .collect(),
        subtotal: amount(invoice.subtotal),
        credit_applied: amount(invoice.credit_applied),
        credit_carried: amount(invoice.credit_carried),
        total: amount(invoice.total),
    }
}

/// An invoice's stored status word.
pub fn status_word(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Paid => "paid",
        InvoiceStatus::Open => "open",
        InvoiceStatus::Void => "void",
    }
}

fn status(word: &str) -> InvoiceStatus {
    match word {
        "paid" => InvoiceStatus::Paid,
        "void" => InvoiceStatus::Void,
        _ => InvoiceStatus::Open,
    }
}

/// A new invoice to store for `team_id`.
pub fn invoice_record(
    team_id: &str,
    number: String,
    invoice: &Invoice,
    status: InvoiceStatus,
    now: i64,
) -> Result<InvoiceRecord> {
    let document = serde_json::to_string(invoice)
        .map_err(|error| Error::Corrupt(format!("invoice: {error}")))?;
    Ok(InvoiceRecord {
        id: new_id(),
        team_id: team_id.to_owned(),
        number,
        issued_at: invoice.issued_at,
        period_start: invoice.period.start,
        period_end: invoice.period.end,
        total_minor: invoice.total.minor(),
        currency: invoice.total.currency().code().to_owned(),
        status: status_word(status).to_owned(),
        document,
        charge_id: None,
        updated_at: now,
    })
}

pub fn summary(record: &InvoiceRecord) -> InvoiceSummary {
    InvoiceSummary {
        id: record.id.clone(),
        number: record.number.clone(),
        issued_at: record.issued_at,
        period_start: record.period_start,
        period_end: record.period_end,
        total: Amount {
            minor: record.total_minor,
            currency: record.currency.clone(),
        },
        status: status(&record.status),
    }
}

/// The stored invoice's document.
pub fn stored_invoice(record: &InvoiceRecord) -> Result<Invoice> {
    serde_json::from_str(&record.document).map_err(|error| {
        BillingError::Internal(Error::Corrupt(format!("invoice {}: {error}", record.id)))
    })
}

/// One invoice of the team `access` reaches, whole.
pub async fn invoice_detail(
    deps: &Deps<'_>,
    access: &Access,
    invoice_id: &str,
) -> Result<(InvoiceDetail, Invoice)> {
    let record = deps
        .store
        .invoice(invoice_id)
        .await?
        .filter(|record| record.team_id == access.team.id)
        .ok_or(BillingError::NotFound)?;
    let invoice = stored_invoice(&record)?;
    let account = Account::load(deps.store, &access.team.id).await?;
    let state = account.state.as_ref();
    let paid_with = (record.charge_id.is_some())
        .then(|| state.and_then(|state| state.card.as_ref()).map(card))
        .flatten();
    let detail = InvoiceDetail {
        summary: summary(&record),
        breakdown: breakdown(&invoice),
        paid_with,
        billing_email: state
            .map(|state| state.billing_email.clone())
            .unwrap_or_default(),
        team_name: access.team.name.clone(),
    };
    Ok((detail, invoice))
}

/// The forms an invoice's printable document comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Html,
    Pdf,
}

/// An invoice's printable document, as the API and the billing page both serve it.
pub struct InvoiceDocument {
    /// The invoice's number with the format's extension: `ACME-0001.pdf`.
    pub file_name: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// One invoice of the team `access` reaches as a printable document.
pub async fn invoice_document(
    deps: &Deps<'_>,
    access: &Access,
    invoice_id: &str,
    format: DocumentFormat,
) -> Result<InvoiceDocument> {
    let (detail, invoice) = invoice_detail(deps, access, invoice_id).await?;
    let heading = heading(&detail);
    let (extension, content_type, body) = match format {
        DocumentFormat::Html => (
            "html",
            "text/html; charset=utf-8",
            courier_billing::invoice_html(&heading, &invoice).into_bytes(),
        ),
        DocumentFormat::Pdf => (
            "pdf",
            "application/pdf",
            courier_billing::invoice_pdf(&heading, &invoice),
        ),
    };
    Ok(InvoiceDocument {
        file_name: format!("{}.{extension}", detail.summary.number),
        content_type,
        body,
    })
}

fn standing(payment: PaymentState) -> PaymentStanding {
    match payment {
        PaymentState::Current => PaymentStanding::Current,
        PaymentState::PastDue { since, attempts } => PaymentStanding::PastDue {
            since,
            grace_ends: since.saturating_add(GRACE_PERIOD_SECONDS),
            attempts,
        },
        PaymentState::Downgraded { at } => PaymentStanding::Downgraded { at },
    }
}

/// What renewing `state`'s subscription at the end of its period will charge.
fn next_invoice(state: &BillingState) -> Option<Amount> {
    if state.subscription.tier == Tier::Free && state.subscription.scheduled.is_none() {
        return None;
    }
    let renewed = renew(&state.subscription, state.credit_balance).ok()?;
    Some(amount(
        renewed
            .invoice
            .map_or(Money::usd(0), |invoice| invoice.total),
    ))
}

/// The test-mode bank page where a payment is confirmed.
pub fn confirm_url(deps: &Deps<'_>, handle: &str) -> String {
    deps.issuer
        .url(&format!("/billing/test-mode/confirm/{handle}"))
}

/// The dashboard of the team `access` reaches, from `account` as read.
pub async fn overview(
    deps: &Deps<'_>,
    access: &Access,
    account: &Account,
) -> Result<BillingOverview> {
    let team_id = &access.team.id;
    let now = deps.clock.now();
    let usage = deps.store.team_usage(team_id, now).await?;
    let invoices = deps
        .store
        .invoices(team_id, None, DASHBOARD_INVOICES)
        .await?;
    let invoice_count = deps.store.invoice_count(team_id).await?;
    let seats_used = usage.members.saturating_add(usage.pending_invitations);
    let state = account.state.as_ref();
    let subscription = state.map(|state| state.subscription);
    let paid = subscription.filter(|subscription| subscription.tier != Tier::Free);
    let plan = subscription.map_or(
        Choice {
            tier: Tier::Free,
            cycle: Cycle::Monthly,
            seats: seats_used.max(1),
        },
        |subscription| subscription.choice(),
    );
    Ok(BillingOverview {
        team_id: team_id.clone(),
        team_name: access.team.name.clone(),
        plan: choice(plan),
        period_start: paid.map(|subscription| subscription.period.start),
        period_end: paid.map(|subscription| subscription.period.end),
        next_invoice: state.filter(|_| paid.is_some()).and_then(next_invoice),
        scheduled: paid.and_then(|subscription| {
            subscription.scheduled.map(|scheduled| ScheduledChange {
                plan: choice(scheduled),
                takes_effect: subscription.period.end,
            })
        }),
        seats_used,
        max_workspaces: plan.tier.plan().limits.max_workspaces,
        workspaces_used: usage.workspaces,
        credit_balance: amount(state.map_or(Money::usd(0), |state| state.credit_balance)),
        card: state.and_then(|state| state.card.as_ref()).map(card),
        billing_email: state
            .map(|state| state.billing_email.clone())
            .unwrap_or_default(),
        standing: standing(state.map_or(PaymentState::Current, |state| state.payment)),
        pending_payment: state
            .and_then(|state| state.live_pending(now))
            .and_then(|pending| {
                let handle = pending.confirmation.as_deref()?;
                Some(PendingPayment {
                    invoice_id: pending.invoice_id.clone(),
                    amount: amount(pending.amount),
                    plan: choice(pending.plan),
                    confirm_url: confirm_url(deps, handle),
                })
            }),
        invoices: invoices.iter().map(summary).collect(),
        invoice_count,
    })
}

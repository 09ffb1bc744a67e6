//! Plans and billing (`/api/v1/billing/plans`, `/api/v1/teams/{id}/billing…`): the
//! catalog, a team's billing dashboard, Edit Plan's preview and confirmation, the card
//! on file, invoices, and the payment provider's webhook. Amounts are whole minor units
//! (cents) with their currency: no floating point crosses the wire.

use serde::{Deserialize, Serialize};

/// An amount of money: whole minor units (cents) of `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Amount {
    /// Minor units; negative for a credit.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub minor: i64,
    /// ISO 4217 code, such as `USD`.
    pub currency: String,
}

/// A plan's tier, cheapest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum PlanTier {
    Free,
    Basic,
    Professional,
    Enterprise,
}

/// How often a plan is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum BillingCycle {
    Monthly,
    /// Paid a year ahead: ten months' price.
    Annual,
}

/// A plan as a team chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct PlanChoice {
    pub tier: PlanTier,
    pub cycle: BillingCycle,
    /// 1 to 100,000.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100000))]
    pub seats: u32,
}

/// One entry of `GET /api/v1/billing/plans`: a tier, its prices and what it allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlanOffer {
    pub tier: PlanTier,
    /// "Free", "Basic", "Professional", "Enterprise".
    pub name: String,
    /// Per seat and month, paid monthly.
    pub monthly_seat_price: Amount,
    /// Per seat and year, paid yearly.
    pub annual_seat_price: Amount,
    /// `None`: no limit.
    pub max_members: Option<u32>,
    /// `None`: no limit.
    pub max_workspaces: Option<u32>,
    pub sso: bool,
    pub audit_log: bool,
}

/// The card a team pays with: all Courier keeps of it (the number stays with the
/// payment provider).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CardOnFile {
    /// `visa`, `mastercard`, `amex` or `other`.
    pub brand: String,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
}

/// A card as typed into the payment form. It goes to the payment provider and is
/// forgotten: never stored, never logged.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct CardInput {
    /// 12 to 19 digits; spaces and dashes are ignored.
    #[cfg_attr(feature = "openapi", schema(min_length = 12, max_length = 40))]
    pub number: String,
    /// 1 to 12.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 12))]
    pub exp_month: u32,
    /// Four digits, such as 2029.
    #[cfg_attr(feature = "openapi", schema(minimum = 2000, maximum = 9999))]
    pub exp_year: i32,
    /// Three or four digits.
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 4))]
    pub cvc: String,
}

impl std::fmt::Debug for CardInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardInput(…)")
    }
}

/// Where a team's payments stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum PaymentStanding {
    /// Nothing is owed.
    Current,
    /// A payment failed at `since`; the team keeps its plan until `grace_ends`, while
    /// the charge is retried (or the card replaced).
    PastDue {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        since: i64,
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        grace_ends: i64,
        attempts: u32,
    },
    /// Moved to Free at `at` because payment never came; nothing was deleted.
    Downgraded {
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        at: i64,
    },
}

/// Whether an invoice is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Paid, or nothing to pay (covered by credit).
    Paid,
    /// Waiting for a payment (a confirmation step, or a retry after a failure).
    Open,
    /// Never to be paid: its payment was refused before the change took effect, or the
    /// team moved to Free.
    Void,
}

/// An invoice as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct InvoiceSummary {
    pub id: String,
    /// The number printed on it, such as `ACME-0007`.
    pub number: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub issued_at: i64,
    /// The span of service it is for (Unix seconds, end exclusive).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub period_start: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub period_end: i64,
    pub total: Amount,
    pub status: InvoiceStatus,
}

/// One line of an invoice or a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ChargeLine {
    /// "Remaining time on 8 seats of Professional (monthly) from 2026-12-16 to 2027-01-01".
    pub description: String,
    /// Negative for a credit.
    pub amount: Amount,
}

/// What an invoice or a preview adds up to. `total = subtotal − credit_applied +
/// credit_carried`, never negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ChargeBreakdown {
    pub lines: Vec<ChargeLine>,
    pub subtotal: Amount,
    /// Taken from the team's credit balance.
    pub credit_applied: Amount,
    /// A net credit kept for the next invoice (never refunded).
    pub credit_carried: Amount,
    /// What is charged to the card.
    pub total: Amount,
}

/// `GET /api/v1/teams/{id}/billing/invoices/{invoice_id}`: one invoice, whole (also as
/// `…/invoice.html` and `…/invoice.pdf`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct InvoiceDetail {
    pub summary: InvoiceSummary,
    pub breakdown: ChargeBreakdown,
    /// The card charged, when one was.
    pub paid_with: Option<CardOnFile>,
    pub billing_email: String,
    pub team_name: String,
}

/// A plan change waiting for the end of the period (annual → monthly, or to Free).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ScheduledChange {
    pub plan: PlanChoice,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub takes_effect: i64,
}

/// A payment the cardholder still has to confirm with their bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PendingPayment {
    /// The invoice it pays.
    pub invoice_id: String,
    pub amount: Amount,
    /// The plan it starts once confirmed.
    pub plan: PlanChoice,
    /// The page at the payment provider where the cardholder confirms it.
    pub confirm_url: String,
}

/// `GET /api/v1/teams/{id}/billing`: the billing dashboard (admins and billing managers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct BillingOverview {
    pub team_id: String,
    pub team_name: String,
    pub plan: PlanChoice,
    /// The current period (none on Free).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub period_start: Option<i64>,
    /// The next invoice's date: the period's end (none on Free).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub period_end: Option<i64>,
    /// What renewing at `period_end` will charge (the scheduled plan's price, less the
    /// credit balance); none on Free.
    pub next_invoice: Option<Amount>,
    pub scheduled: Option<ScheduledChange>,
    /// Members and pending invitations, counted against the seats.
    pub seats_used: u32,
    pub max_workspaces: Option<u32>,
    pub workspaces_used: u32,
    /// Credit kept for the next invoices.
    pub credit_balance: Amount,
    pub card: Option<CardOnFile>,
    /// Where invoices and payment mails go.
    pub billing_email: String,
    pub standing: PaymentStanding,
    pub pending_payment: Option<PendingPayment>,
    /// The newest invoices first (at most 24; `invoice_count` says how many exist).
    pub invoices: Vec<InvoiceSummary>,
    pub invoice_count: u32,
}

/// `POST /api/v1/teams/{id}/billing/preview`: what a plan change would cost now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct PlanChangeRequest {
    pub plan: PlanChoice,
}

/// The answer to a preview: exactly what confirming it charges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlanChangePreview {
    pub plan: PlanChoice,
    /// The second the proration was computed at; send it back to confirm.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    /// When the new plan starts: now, or the end of the current period.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub takes_effect: i64,
    /// `None` when nothing is billed now (a scheduled change, or a cancelled one).
    pub charge: Option<ChargeBreakdown>,
    /// The credit balance after the change.
    pub credit_balance_after: Amount,
    /// Whether confirming needs a card (none is on file and something is charged).
    pub needs_card: bool,
    /// Confirm before this time (Unix seconds), or preview again.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub expires_at: i64,
}

/// `POST /api/v1/teams/{id}/billing/plan`: confirm a previewed change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct PlanChangeConfirmation {
    pub plan: PlanChoice,
    /// The preview's `at`.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: i64,
    /// The preview's total (zero when it had no charge): refused with 409 if confirming
    /// would charge anything else.
    pub expected_total: Amount,
    /// A card to pay with (and keep on file); required when the preview said
    /// `needs_card`.
    #[serde(default)]
    pub card: Option<CardInput>,
}

/// How a confirmed change's payment went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case", tag = "payment")]
pub enum PaymentResult {
    /// Nothing to charge (scheduled, a credit, or covered by the credit balance).
    NothingCharged,
    /// Charged; the new plan is on.
    Paid,
    /// The bank asks the cardholder to confirm: the plan starts once they have
    /// (`BillingOverview::pending_payment` has the page).
    NeedsConfirmation { confirm_url: String },
}

/// The answer to a confirmed change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlanChangeOutcome {
    pub payment: PaymentResult,
    /// The invoice the change made, if any.
    pub invoice: Option<InvoiceSummary>,
    pub overview: BillingOverview,
}

/// `PUT /api/v1/teams/{id}/billing/card`: a new card on file (also retries a past-due
/// invoice with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct CardChange {
    pub card: CardInput,
}

/// `PUT /api/v1/teams/{id}/billing/email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(deny_unknown_fields)]
pub struct BillingEmailChange {
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 254))]
    pub billing_email: String,
}

/// `GET /api/v1/teams/{id}/billing/invoices?before=…`: older invoices, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct InvoicePage {
    pub invoices: Vec<InvoiceSummary>,
    /// Pass as `before` for the next page; `None` on the last.
    pub next: Option<String>,
}

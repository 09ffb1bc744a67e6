//! A team's billing page (`/t/{slug}/billing`) for its admins and billing managers,
//! in a browser signed in to Courier: the plan with its seats and workspaces, the
//! period and the next invoice, a scheduled change, the credit, the card on file, the
//! billing email, where payments stand, a payment waiting for the bank, and the
//! invoices, each as HTML and PDF (`/t/{slug}/billing/invoices/{id}.html` and
//! `….pdf`, the same documents the API serves). Nothing is changed here: plans, cards
//! and the billing email are changed in the Courier app.
//!
//! Signed out, the page sends the browser to Sign In, which comes back here. The way
//! back is the team's URL (`/signin?billing={slug}`), never an address, and it returns
//! only to [`page_path`] of a slug that is a team URL, so it cannot become an open
//! redirect. A member who is neither admin nor billing manager gets 403; anyone not
//! in the team, like an unknown team URL, the standard "page not found". The page and
//! the documents are neither indexed nor stored by a cache.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use courier_billing::{Currency, Date, Money};
use courier_proto::{
    Amount, BillingCycle, BillingOverview, CardOnFile, InvoiceStatus, InvoiceSummary,
    PaymentStanding, PlanChoice, PlanTier,
};
use maud::{Markup, html};

use super::layout::page;
use super::{PageError, session, team};
use crate::billing::views::{self, DocumentFormat};
use crate::billing::{self, BillingError};
use crate::error::Error;
use crate::state::AppState;
use crate::teams::{Access, slug};

/// The billing page of the team whose URL is `slug`.
pub fn page_path(slug: &str) -> String {
    format!("{}/billing", team::page_path(slug))
}

/// Where an invoice's document is, in `format`.
pub fn document_path(slug: &str, invoice_id: &str, format: DocumentFormat) -> String {
    let extension = match format {
        DocumentFormat::Html => "html",
        DocumentFormat::Pdf => "pdf",
    };
    format!("{}/invoices/{invoice_id}.{extension}", page_path(slug))
}

/// Sign In, coming back to the billing page of `slug`.
fn signin_path(slug: &str) -> String {
    format!("/signin?billing={slug}")
}

/// The billing page to return to after signing in: only without an app's sign-in
/// request or an invitation (which have their own ways back), and only a team URL.
pub fn return_slug(
    req: Option<&str>,
    invitation: Option<&str>,
    billing: Option<&str>,
) -> Option<String> {
    if req.is_some() || invitation.is_some() {
        return None;
    }
    billing.and_then(|slug| slug::checked(slug).ok())
}

/// The hidden field that carries the way back through Sign In's POST.
pub fn return_field(slug: Option<&str>) -> Markup {
    html! {
        @if let Some(slug) = slug {
            input type="hidden" name="billing" value=(slug);
        }
    }
}

/// Invoice ids are this long at most; a longer one is no invoice.
const MAX_INVOICE_ID_LEN: usize = 64;

fn refused(error: BillingError) -> PageError {
    match error {
        BillingError::NotFound => PageError::not_found(),
        BillingError::BillingRoleOnly => PageError::new(
            StatusCode::FORBIDDEN,
            "Only the team's admins and billing managers see billing",
            "Ask one of the team's admins if you need to see its plan or invoices.",
        ),
        BillingError::Internal(error) => error.into(),
        other => Error::Corrupt(format!("billing page: {other}")).into(),
    }
}

/// Who is asking, as the team `slug` lets them see its billing; `Err(redirect)` to
/// Sign In when the browser is signed out.
async fn access(
    state: &AppState,
    headers: &HeaderMap,
    slug: &str,
) -> Result<Result<Access, Response>, PageError> {
    // Not a team URL at all: the same answer as an unknown team, signed in or not.
    let Ok(slug) = slug::checked(slug) else {
        return Err(PageError::not_found());
    };
    let Some(current) = session::current(state, headers).await? else {
        return Ok(Err(Redirect::to(&signin_path(&slug)).into_response()));
    };
    let Some(team) = state.store.team_by_slug(&slug).await? else {
        return Err(PageError::not_found());
    };
    billing::billing_access(&*state.store, &team.id, &current.user.id)
        .await
        .map(Ok)
        .map_err(refused)
}

/// Neither indexed nor kept by a cache, whatever the answer.
fn private(answer: Result<Response, PageError>) -> Response {
    let mut response = answer.unwrap_or_else(IntoResponse::into_response);
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /t/{slug}/billing`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Response {
    private(dashboard(&state, &headers, &slug).await)
}

async fn dashboard(
    state: &AppState,
    headers: &HeaderMap,
    slug: &str,
) -> Result<Response, PageError> {
    let access = match access(state, headers, slug).await? {
        Ok(access) => access,
        Err(to_signin) => return Ok(to_signin),
    };
    let deps = billing::Deps::from(state);
    let overview = billing::overview(&deps, &access).await.map_err(refused)?;
    Ok(render(&access.team.slug, &overview).into_response())
}

/// `GET /t/{slug}/billing/invoices/{id}.html` and `….pdf`.
pub async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((slug, file)): Path<(String, String)>,
) -> Response {
    private(invoice_document(&state, &headers, &slug, &file).await)
}

async fn invoice_document(
    state: &AppState,
    headers: &HeaderMap,
    slug: &str,
    file: &str,
) -> Result<Response, PageError> {
    let (invoice_id, format) = if let Some(id) = file.strip_suffix(".html") {
        (id, DocumentFormat::Html)
    } else if let Some(id) = file.strip_suffix(".pdf") {
        (id, DocumentFormat::Pdf)
    } else {
        return Err(PageError::not_found());
    };
    let access = match access(state, headers, slug).await? {
        Ok(access) => access,
        Err(to_signin) => return Ok(to_signin),
    };
    if invoice_id.is_empty() || invoice_id.len() > MAX_INVOICE_ID_LEN {
        return Err(PageError::not_found());
    }
    let deps = billing::Deps::from(state);
    // The API's document, answered the API's way (`IntoResponse` in `http::api::billing`).
    let document = views::invoice_document(&deps, &access, invoice_id, format)
        .await
        .map_err(refused)?;
    Ok(document.into_response())
}

/// `amount` as `12.34 USD`, from its minor units.
fn money(amount: &Amount) -> String {
    match serde_json::from_value::<Currency>(serde_json::Value::from(amount.currency.as_str())) {
        Ok(currency) => Money::new(amount.minor, currency).to_string(),
        // Every amount comes from a `Money`; this is only never a wrong decimal point.
        Err(_) => format!("{} minor units of {}", amount.minor, amount.currency),
    }
}

/// Unix seconds as the UTC day, `2027-01-01`.
fn day(seconds: i64) -> String {
    Date::of(seconds).map_or_else(|_| "—".to_owned(), |date| date.to_string())
}

fn tier_name(tier: PlanTier) -> &'static str {
    views::rule_tier(tier).name()
}

fn cycle_name(cycle: BillingCycle) -> &'static str {
    match cycle {
        BillingCycle::Monthly => "Monthly",
        BillingCycle::Annual => "Annual",
    }
}

fn seats(count: u32) -> String {
    if count == 1 {
        "1 seat".to_owned()
    } else {
        format!("{count} seats")
    }
}

/// "Professional · Annual · 8 seats" (Free alone: it has no cycle or seats to pay).
fn plan_line(plan: &PlanChoice) -> String {
    if plan.tier == PlanTier::Free {
        return tier_name(plan.tier).to_owned();
    }
    format!(
        "{} · {} · {}",
        tier_name(plan.tier),
        cycle_name(plan.cycle),
        seats(plan.seats)
    )
}

/// What a scheduled change changes, in words: "Monthly", "Basic, 5 seats", "Free".
fn change_words(from: &PlanChoice, to: &PlanChoice) -> String {
    if to.tier == PlanTier::Free {
        return tier_name(to.tier).to_owned();
    }
    let mut parts = Vec::new();
    if to.tier != from.tier {
        parts.push(tier_name(to.tier).to_owned());
    }
    if to.cycle != from.cycle {
        parts.push(cycle_name(to.cycle).to_owned());
    }
    if to.seats != from.seats {
        parts.push(seats(to.seats));
    }
    if parts.is_empty() {
        plan_line(to)
    } else {
        parts.join(", ")
    }
}

/// "Visa •••• 4242, expires 12/2029".
fn card_line(card: &CardOnFile) -> String {
    let brand = match card.brand.as_str() {
        "visa" => "Visa",
        "mastercard" => "Mastercard",
        "amex" => "American Express",
        _ => "Card",
    };
    format!(
        "{brand} •••• {}, expires {:02}/{}",
        card.last4, card.exp_month, card.exp_year
    )
}

fn status_name(status: InvoiceStatus) -> &'static str {
    match status {
        InvoiceStatus::Paid => "Paid",
        InvoiceStatus::Open => "Open",
        InvoiceStatus::Void => "Void",
    }
}

fn standing(standing: &PaymentStanding) -> Markup {
    html! {
        @match standing {
            PaymentStanding::Current => {}
            PaymentStanding::PastDue { since, grace_ends, .. } => {
                p class="notice warning" role="alert" {
                    "Your last payment failed on " (day(*since)) "; your team keeps its plan until "
                    (day(*grace_ends)) ". Replace the card in the Courier app to retry."
                }
            }
            PaymentStanding::Downgraded { at } => {
                p class="notice warning" role="alert" {
                    "Moved to Free on " (day(*at)) " because payment failed; nothing was deleted."
                }
            }
        }
    }
}

fn invoice_row(slug: &str, invoice: &InvoiceSummary) -> Markup {
    html! {
        tr {
            th scope="row" { (invoice.number) }
            td { (day(invoice.issued_at)) }
            td { (day(invoice.period_start)) " – " (day(invoice.period_end)) }
            td class="amount" { (money(&invoice.total)) }
            td { (status_name(invoice.status)) }
            td class="documents" {
                a href=(document_path(slug, &invoice.id, DocumentFormat::Html)) { "HTML" }
                " "
                a href=(document_path(slug, &invoice.id, DocumentFormat::Pdf)) { "PDF" }
            }
        }
    }
}

fn render(slug: &str, overview: &BillingOverview) -> Markup {
    let plan = &overview.plan;
    let free = plan.tier == PlanTier::Free;
    let max_members = views::rule_tier(plan.tier).plan().limits.max_members;
    let older = overview.invoice_count as usize > overview.invoices.len();
    page(
        &format!("Billing for {}", overview.team_name),
        html! {
            div class="billing" {
                p class="muted" { a href=(team::page_path(slug)) { (overview.team_name) } }
                (standing(&overview.standing))
                @if let Some(pending) = &overview.pending_payment {
                    p class="notice" role="status" {
                        "A payment of " (money(&pending.amount)) " for " (plan_line(&pending.plan))
                        " is waiting for your bank's confirmation. "
                        a href=(pending.confirm_url) { "Open the bank's page" }
                    }
                }
                dl class="facts" {
                    dt { "Plan" }
                    dd {
                        @if free { (tier_name(plan.tier)) }
                        @else { (tier_name(plan.tier)) " (" (cycle_name(plan.cycle)) ")" }
                    }
                    dt { "Seats" }
                    dd {
                        @if free {
                            (overview.seats_used) " used"
                            @if let Some(max) = max_members { " of " (max) }
                        } @else {
                            (plan.seats) " paid · " (overview.seats_used) " used"
                        }
                    }
                    dt { "Workspaces" }
                    dd {
                        @match overview.max_workspaces {
                            Some(max) => { (overview.workspaces_used) " of " (max) }
                            None => { (overview.workspaces_used) " (no limit)" }
                        }
                    }
                    @if let (Some(start), Some(end)) = (overview.period_start, overview.period_end) {
                        dt { "Period" }
                        dd { (day(start)) " – " (day(end)) }
                        dt { "Next invoice" }
                        dd {
                            (day(end))
                            @if let Some(amount) = &overview.next_invoice { " · " (money(amount)) }
                        }
                    }
                    @if let Some(scheduled) = &overview.scheduled {
                        dt { "Scheduled" }
                        dd {
                            "Changes to " (change_words(plan, &scheduled.plan)) " on "
                            (day(scheduled.takes_effect))
                        }
                    }
                    dt { "Credit" }
                    dd { (money(&overview.credit_balance)) }
                    dt { "Card" }
                    dd {
                        @match &overview.card {
                            Some(card) => { (card_line(card)) }
                            None => { "No card on file." }
                        }
                    }
                    dt { "Billing email" }
                    dd {
                        @if overview.billing_email.is_empty() { "None yet." }
                        @else { (overview.billing_email) }
                    }
                }
                p class="muted" {
                    "Plans, the card and the billing email are changed in the Courier app: "
                    strong { "Team → Billing → Edit Plan" } "."
                }
                h2 { "Invoices" }
                @if overview.invoices.is_empty() {
                    p { "No invoices yet." }
                } @else {
                    div class="table-scroll" {
                        table class="invoices" {
                            thead {
                                tr {
                                    th scope="col" { "Number" }
                                    th scope="col" { "Date" }
                                    th scope="col" { "Period" }
                                    th scope="col" class="amount" { "Total" }
                                    th scope="col" { "Status" }
                                    th scope="col" { "Documents" }
                                }
                            }
                            tbody {
                                @for invoice in &overview.invoices {
                                    (invoice_row(slug, invoice))
                                }
                            }
                        }
                    }
                    @if older {
                        p class="muted" {
                            "The newest " (overview.invoices.len()) " of " (overview.invoice_count)
                            " invoices; the Courier app lists the older ones."
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: i64) -> Amount {
        Amount {
            minor,
            currency: "USD".to_owned(),
        }
    }

    #[test]
    fn money_is_shown_from_minor_units() {
        assert_eq!(money(&usd(1_600)), "16.00 USD");
        assert_eq!(money(&usd(5)), "0.05 USD");
        assert_eq!(money(&usd(-123_456)), "-1234.56 USD");
        assert_eq!(money(&usd(i64::MAX)), "92233720368547758.07 USD");
    }

    #[test]
    fn days_are_utc_dates() {
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(1_798_761_599), "2026-12-31");
        assert_eq!(day(1_798_761_600), "2027-01-01");
    }

    #[test]
    fn only_a_team_url_is_a_way_back_and_the_others_win() {
        assert_eq!(
            return_slug(None, None, Some("Acme-QA")).as_deref(),
            Some("acme-qa")
        );
        for not_a_slug in ["", "//evil.example", "acme/../../signout", "a", "acme?x=1"] {
            assert_eq!(return_slug(None, None, Some(not_a_slug)), None);
        }
        assert_eq!(return_slug(Some("req"), None, Some("acme")), None);
        assert_eq!(return_slug(None, Some("cti_x"), Some("acme")), None);
    }

    #[test]
    fn plans_cards_and_changes_in_words() {
        let basic = PlanChoice {
            tier: PlanTier::Basic,
            cycle: BillingCycle::Annual,
            seats: 5,
        };
        assert_eq!(plan_line(&basic), "Basic · Annual · 5 seats");
        let monthly = PlanChoice {
            cycle: BillingCycle::Monthly,
            ..basic
        };
        assert_eq!(change_words(&basic, &monthly), "Monthly");
        let free = PlanChoice {
            tier: PlanTier::Free,
            ..basic
        };
        assert_eq!(change_words(&basic, &free), "Free");
        let card = CardOnFile {
            brand: "visa".to_owned(),
            last4: "4242".to_owned(),
            exp_month: 3,
            exp_year: 2099,
        };
        assert_eq!(card_line(&card), "Visa •••• 4242, expires 03/2099");
    }
}

//! Commands of the billing screens (the Upgrade and Edit Plan dialogs, the team's
//! Billing section): one account API call each for the account the UI names, or one
//! call of the state where more happens (the bank's page opened, an invoice saved).
//! Who may see and change billing is the server's call (admins and billing managers).

use courier_client::Result;
use courier_client::api::InvoiceFormat;
use courier_client::app::DesktopState;
use courier_proto::{
    BillingOverview, CardInput, InvoiceDetail, InvoicePage, PlanChangeConfirmation,
    PlanChangeOutcome, PlanChangePreview, PlanChoice, PlanOffer,
};

pub async fn billing_plans(state: &DesktopState, account_id: String) -> Result<Vec<PlanOffer>> {
    on_account!(state, account_id, billing_plans())
}

pub async fn team_billing(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<BillingOverview> {
    on_account!(state, account_id, team_billing(&team_id))
}

pub async fn preview_plan_change(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    plan: PlanChoice,
) -> Result<PlanChangePreview> {
    on_account!(state, account_id, preview_plan_change(&team_id, plan))
}

pub async fn change_plan(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    confirmation: PlanChangeConfirmation,
) -> Result<PlanChangeOutcome> {
    state
        .change_plan(&account_id, &team_id, &confirmation)
        .await
}

pub async fn open_payment_confirmation(
    state: &DesktopState,
    account_id: String,
    team_id: String,
) -> Result<()> {
    state.open_payment_confirmation(&account_id, &team_id).await
}

pub async fn replace_card(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    card: CardInput,
) -> Result<BillingOverview> {
    on_account!(state, account_id, replace_card(&team_id, card))
}

pub async fn set_billing_email(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    billing_email: String,
) -> Result<BillingOverview> {
    on_account!(
        state,
        account_id,
        set_billing_email(&team_id, &billing_email)
    )
}

pub async fn invoices(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    before: Option<String>,
) -> Result<InvoicePage> {
    on_account!(state, account_id, invoices(&team_id, before.as_deref()))
}

pub async fn invoice(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    invoice_id: String,
) -> Result<InvoiceDetail> {
    on_account!(state, account_id, invoice(&team_id, &invoice_id))
}

pub async fn save_invoice(
    state: &DesktopState,
    account_id: String,
    team_id: String,
    invoice_id: String,
    format: InvoiceFormat,
) -> Result<Option<String>> {
    state
        .save_invoice(&account_id, &team_id, &invoice_id, format)
        .await
}

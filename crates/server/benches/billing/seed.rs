//! A team's past renewals, written beside the running server the way its renewal
//! writes them: the server's renewal loop follows its own clock, so 5 years of monthly
//! renewals cannot go through it in a bench. Each renewal is one `save_billing` at the
//! account's current revision with one new invoice, `courier_billing::renew`'s, and the
//! billing document's `invoices_issued` one higher (the rest of the document, which the
//! server wrote at the upgrade, is kept as it is); the invoice is paid with a charge.

use anyhow::{Context as _, ensure};
use courier_billing::{Choice, Cycle, Money, Tier, renew, start};
use courier_store::{BillingWrite, InvoiceRecord};

/// An average Gregorian month.
const MONTH_SECONDS: i64 = 2_629_746;

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64)
}

/// `count` monthly renewals of the team's current plan, the last a few days ago.
pub async fn renewals(
    database_url: &str,
    team_id: &str,
    slug: &str,
    count: usize,
) -> anyhow::Result<()> {
    let store = courier_store::connect(database_url)
        .await
        .context("opening the server's database")?;
    let account = store
        .billing_account(team_id)
        .await?
        .context("the team has no billing account")?;
    let state: serde_json::Value = serde_json::from_str(&account.state)?;
    let plan: Choice = serde_json::from_value(serde_json::json!({
        "tier": state["subscription"]["tier"],
        "cycle": state["subscription"]["cycle"],
        "seats": state["subscription"]["seats"],
    }))
    .context("the billing document's plan")?;
    ensure!(
        plan.tier != Tier::Free && plan.cycle == Cycle::Monthly,
        "not a paid monthly plan: {plan:?}"
    );
    let now = now();
    let began = now - count as i64 * MONTH_SECONDS - 3 * 86_400;
    let mut billed = start(plan, began, Money::usd(0))?;
    for _ in 0..count {
        billed = renew(&billed.subscription, billed.credit_balance)?;
        let invoice = billed
            .invoice
            .as_ref()
            .context("a renewal without invoice")?;
        let account = store
            .billing_account(team_id)
            .await?
            .context("the billing account went away")?;
        let mut state: serde_json::Value = serde_json::from_str(&account.state)?;
        let issued = state["invoices_issued"].as_u64().unwrap_or(0) + 1;
        state["invoices_issued"] = issued.into();
        let record = InvoiceRecord {
            id: uuid::Uuid::new_v4().simple().to_string(),
            team_id: team_id.to_owned(),
            number: format!("{}-{issued:04}", slug.to_uppercase()),
            issued_at: invoice.issued_at,
            period_start: invoice.period.start,
            period_end: invoice.period.end,
            total_minor: invoice.total.minor(),
            currency: invoice.total.currency().code().to_owned(),
            status: "paid".to_owned(),
            document: serde_json::to_string(invoice)?,
            charge_id: Some(format!("ch_renewal_{issued}")),
            updated_at: invoice.issued_at,
        };
        let written = store
            .save_billing(&BillingWrite {
                team_id: team_id.to_owned(),
                expected_revision: Some(account.revision),
                state: state.to_string(),
                due_at: account.due_at,
                now,
                new_invoices: vec![record],
                invoice_updates: Vec::new(),
            })
            .await?;
        ensure!(written.is_some(), "the billing account moved while seeding");
    }
    ensure!(
        billed.subscription.period.start <= now,
        "a renewal in the future"
    );
    Ok(())
}

/// What the team's billing document says it has issued.
pub async fn invoices_issued(database_url: &str, team_id: &str) -> anyhow::Result<u64> {
    let store = courier_store::connect(database_url).await?;
    let account = store
        .billing_account(team_id)
        .await?
        .context("the team has no billing account")?;
    let state: serde_json::Value = serde_json::from_str(&account.state)?;
    state["invoices_issued"]
        .as_u64()
        .context("no invoices_issued in the billing document")
}

//! `/api/v1/billing/…` and `/api/v1/teams/{id}/billing…` with the embedded test-mode
//! provider: a free team upgrades with a test card and is on the plan at once; Edit
//! Plan charges exactly its preview; a refused card changes nothing and says so beside
//! the card; a payment that needs the bank's confirmation starts the plan once the
//! bank page confirms; stale previews are refused; only admins and billing managers
//! see billing; plans' limits refuse members and workspaces with the plan to upgrade
//! to; the webhook checks signatures, age and replays; renewals, failed payments,
//! the grace period and the move to Free follow the clock.

#![allow(clippy::unwrap_used)]

use courier_server::Clock as _;
use courier_testkit::{AppSession, TestServer, api_error, mails_to, team_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

const DAY: i64 = 86_400;
const GOOD_CARD: &str = "4242 4242 4242 4242";
const DECLINED_CARD: &str = "4000 0000 0000 0002";
const POOR_CARD: &str = "4000 0000 0000 9995";
const CONFIRM_CARD: &str = "4000 0025 0000 3155";

fn card(number: &str) -> Value {
    json!({ "number": number, "exp_month": 12, "exp_year": 2099, "cvc": "123" })
}

fn plan(tier: &str, cycle: &str, seats: u32) -> Value {
    json!({ "tier": tier, "cycle": cycle, "seats": seats })
}

/// Ada, admin of a new team; returns her app and the team's id.
async fn ada_with_team(server: &TestServer, slug: &str) -> (AppSession, String) {
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let team = team_with(server, &ada, slug, &[]).await;
    (ada, team)
}

async fn preview_answer(app: &AppSession, team: &str, plan: &Value) -> reqwest::Response {
    app.post_json(
        &format!("/api/v1/teams/{team}/billing/preview"),
        &json!({ "plan": plan }),
    )
    .await
}

async fn preview(app: &AppSession, team: &str, plan: &Value) -> Value {
    let response = preview_answer(app, team, plan).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

fn total_of(preview: &Value) -> Value {
    preview["charge"]["total"].clone()
}

/// Confirms `preview` (paying with `card` when given).
async fn confirm(
    app: &AppSession,
    team: &str,
    preview: &Value,
    card: Option<Value>,
) -> reqwest::Response {
    let expected = match total_of(preview) {
        Value::Null => json!({ "minor": 0, "currency": "USD" }),
        total => total,
    };
    let mut body =
        json!({ "plan": preview["plan"], "at": preview["at"], "expected_total": expected });
    if let Some(card) = card {
        body["card"] = card;
    }
    app.post_json(&format!("/api/v1/teams/{team}/billing/plan"), &body)
        .await
}

async fn overview(app: &AppSession, team: &str) -> Value {
    app.get_json(&format!("/api/v1/teams/{team}/billing")).await
}

/// Confirms `preview` (paying with `card` when given), which must be taken; the outcome.
async fn confirmed(app: &AppSession, team: &str, preview: &Value, card: Option<Value>) -> Value {
    let response = confirm(app, team, preview, card).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Puts `team` on `tier` monthly with `seats` seats, paid with the good card.
async fn upgrade(app: &AppSession, team: &str, tier: &str, seats: u32) -> Value {
    let preview = preview(app, team, &plan(tier, "monthly", seats)).await;
    confirmed(app, team, &preview, Some(card(GOOD_CARD))).await
}

#[tokio::test]
async fn a_free_team_upgrades_with_a_test_card_and_is_on_the_plan_at_once() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    let before = overview(&ada, &team).await;
    assert_eq!(before["plan"]["tier"], "free");
    assert_eq!(before["invoice_count"], 0);

    let basic = preview(&ada, &team, &plan("basic", "monthly", 2)).await;
    assert_eq!(
        total_of(&basic),
        json!({ "minor": 1600, "currency": "USD" })
    );
    assert_eq!(basic["needs_card"], true);
    let without_card = confirm(&ada, &team, &basic, None).await;
    let refused = api_error(without_card, StatusCode::BAD_REQUEST).await;
    assert_eq!(refused["fields"][0]["field"], "card");

    let outcome = confirmed(&ada, &team, &basic, Some(card(GOOD_CARD))).await;
    assert_eq!(outcome["payment"]["payment"], "paid");
    assert_eq!(outcome["invoice"]["total"], total_of(&basic));
    assert_eq!(outcome["invoice"]["status"], "paid");
    assert_eq!(outcome["invoice"]["number"], "ACME-0001");
    let now = overview(&ada, &team).await;
    assert_eq!(now["plan"], plan("basic", "monthly", 2));
    assert_eq!(now["card"]["last4"], "4242");
    assert_eq!(now["card"]["brand"], "visa");
    assert_eq!(
        now["next_invoice"],
        json!({ "minor": 1600, "currency": "USD" })
    );
    assert_eq!(now["invoice_count"], 1);
    let receipts = mails_with(
        &server,
        "ada@example.com",
        "Your Courier receipt ACME-0001",
        1,
    )
    .await;
    assert!(receipts[0].contains("16.00 USD"), "{}", receipts[0]);

    if !server.on_postgres() {
        // The database (and its journal) holds the provider's token and the last four
        // digits, never the number.
        for entry in std::fs::read_dir(server.data_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                let number = b"4242424242424242";
                let found = bytes.windows(number.len()).any(|window| window == number);
                assert!(!found, "the card number is in {}", path.display());
            }
        }
    }

    let id = outcome["invoice"]["id"].as_str().unwrap();
    let detail: Value = ada
        .get_json(&format!("/api/v1/teams/{team}/billing/invoices/{id}"))
        .await;
    assert_eq!(detail["breakdown"]["total"], total_of(&basic));
    assert_eq!(detail["paid_with"]["last4"], "4242");
    let html = ada
        .get(&format!(
            "/api/v1/teams/{team}/billing/invoices/{id}/invoice.html"
        ))
        .await;
    assert_eq!(html.status(), StatusCode::OK);
    let policy = html.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("style-src 'unsafe-inline'") && !policy.contains("script-src"),
        "the invoice's own styles apply, and no script may run: {policy}"
    );
    let html = html.text().await.unwrap();
    assert!(
        html.contains("ACME-0001") && html.contains("16.00"),
        "{html}"
    );
    let pdf = ada
        .get(&format!(
            "/api/v1/teams/{team}/billing/invoices/{id}/invoice.pdf"
        ))
        .await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-1.4"));
}

#[tokio::test]
async fn edit_plan_mid_cycle_charges_exactly_the_preview_and_a_decrease_becomes_credit() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    upgrade(&ada, &team, "basic", 3).await;
    server.clock().advance(15 * DAY);
    let ada = server.app_session("ada", "Ada's desktop").await;

    let pro = preview(&ada, &team, &plan("professional", "monthly", 3)).await;
    let lines = pro["charge"]["lines"].as_array().unwrap();
    assert_eq!(
        lines.len(),
        2,
        "unused time credited, remaining time charged"
    );
    assert!(lines[0]["amount"]["minor"].as_i64().unwrap() < 0);
    let total = total_of(&pro)["minor"].as_i64().unwrap();
    assert!(0 < total && total < 4500, "prorated: {total}");
    server.clock().advance(60);
    let outcome = confirmed(&ada, &team, &pro, None).await;
    assert_eq!(outcome["payment"]["payment"], "paid");
    assert_eq!(
        outcome["invoice"]["total"],
        total_of(&pro),
        "the invoice is the preview"
    );
    assert_eq!(outcome["overview"]["plan"]["tier"], "professional");

    let fewer = preview(&ada, &team, &plan("professional", "monthly", 1)).await;
    assert_eq!(total_of(&fewer)["minor"], 0);
    let carried = fewer["charge"]["credit_carried"]["minor"].as_i64().unwrap();
    assert!(
        carried > 0,
        "fewer seats: a credit kept for the next invoice"
    );
    let outcome = confirmed(&ada, &team, &fewer, None).await;
    assert_eq!(outcome["payment"]["payment"], "nothing_charged");
    assert_eq!(outcome["overview"]["credit_balance"]["minor"], carried);
    assert_eq!(outcome["overview"]["invoice_count"], 3);

    let annual = preview(&ada, &team, &plan("professional", "annual", 1)).await;
    assert_eq!(
        annual["takes_effect"], annual["at"],
        "monthly → annual starts at once"
    );
}

#[tokio::test]
async fn a_refused_card_changes_nothing_and_says_so_beside_the_card() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    for (number, words) in [
        (DECLINED_CARD, "declined"),
        (POOR_CARD, "insufficient funds"),
    ] {
        let basic = preview(&ada, &team, &plan("basic", "monthly", 1)).await;
        let refused = confirm(&ada, &team, &basic, Some(card(number))).await;
        let body = api_error(refused, StatusCode::PAYMENT_REQUIRED).await;
        assert_eq!(body["kind"], "payment_failed");
        assert_eq!(body["fields"][0]["field"], "card");
        assert!(body["message"].as_str().unwrap().contains(words), "{body}");
        let now = overview(&ada, &team).await;
        assert_eq!(now["plan"]["tier"], "free", "nothing changed");
        assert!(now["card"].is_null(), "a refused card is not kept: {now}");
        assert_eq!(now["invoices"][0]["status"], "void");
    }
    let typo = preview(&ada, &team, &plan("basic", "monthly", 1)).await;
    let refused = confirm(&ada, &team, &typo, Some(card("4242 4242 4242 4241"))).await;
    let body = api_error(refused, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["fields"][0]["field"], "card");
}

#[tokio::test]
async fn a_payment_needing_the_banks_confirmation_starts_the_plan_once_confirmed() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    let basic = preview(&ada, &team, &plan("basic", "monthly", 1)).await;
    let outcome = confirmed(&ada, &team, &basic, Some(card(CONFIRM_CARD))).await;
    assert_eq!(outcome["payment"]["payment"], "needs_confirmation");
    let page = outcome["payment"]["confirm_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let waiting = overview(&ada, &team).await;
    assert_eq!(
        waiting["plan"]["tier"], "free",
        "not before the bank confirms"
    );
    assert_eq!(waiting["pending_payment"]["confirm_url"], page.as_str());
    let again = preview(&ada, &team, &plan("basic", "monthly", 1)).await;
    api_error(
        confirm(&ada, &team, &again, None).await,
        StatusCode::CONFLICT,
    )
    .await;

    let bank = reqwest::Client::new();
    let shown = bank.get(&page).send().await.unwrap().text().await.unwrap();
    assert!(shown.contains("8.00"), "{shown}");
    let answered = bank
        .post(&page)
        .form(&[("answer", "confirm")])
        .send()
        .await
        .unwrap();
    assert_eq!(answered.status(), StatusCode::OK);
    let paid = overview(&ada, &team).await;
    assert_eq!(paid["plan"]["tier"], "basic");
    assert!(paid["pending_payment"].is_null());
    assert_eq!(paid["invoices"][0]["status"], "paid");
    let gone = bank.get(&page).send().await.unwrap();
    assert_eq!(gone.status(), StatusCode::NOT_FOUND, "confirmed once");
}

#[tokio::test]
async fn a_stale_preview_or_another_total_is_refused() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    let basic = preview(&ada, &team, &plan("basic", "monthly", 1)).await;
    let mut wrong = basic.clone();
    wrong["charge"]["total"]["minor"] = json!(1);
    let refused = confirm(&ada, &team, &wrong, Some(card(GOOD_CARD))).await;
    assert!(
        api_error(refused, StatusCode::CONFLICT).await["message"]
            .as_str()
            .unwrap()
            .contains("8.00")
    );
    server.clock().advance(11 * 60);
    let ada = server.app_session("ada", "Ada's desktop").await;
    let refused = confirm(&ada, &team, &basic, Some(card(GOOD_CARD))).await;
    api_error(refused, StatusCode::CONFLICT).await;
    assert_eq!(
        overview(&ada, &team).await["invoice_count"],
        0,
        "nothing billed"
    );
}

#[tokio::test]
async fn only_admins_and_billing_managers_see_billing() {
    let server = TestServer::start().await;
    server.confirmed_account("grace@example.com", "grace").await;
    server.confirmed_account("eve@example.com", "eve").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let eve = server.app_session("eve", "Eve's desktop").await;
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let team = team_with(&server, &ada, "acme", &[(&grace, "grace@example.com")]).await;
    let path = format!("/api/v1/teams/{team}/billing");
    let member = api_error(grace.get(&path).await, StatusCode::FORBIDDEN).await;
    assert_eq!(member["kind"], "forbidden");
    api_error(eve.get(&path).await, StatusCode::NOT_FOUND).await;

    let grace_id = grace.account_id().await;
    let promoted = ada
        .put_json(
            &format!("/api/v1/teams/{team}/members/{grace_id}/role"),
            &json!({ "role": "billing_manager" }),
        )
        .await;
    assert_eq!(promoted.status(), StatusCode::OK);
    upgrade(&grace, &team, "basic", 2).await;
    assert_eq!(overview(&ada, &team).await["plan"]["tier"], "basic");
}

#[tokio::test]
async fn plan_limits_refuse_members_and_workspaces_and_name_the_plan_to_upgrade_to() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    let invitations = format!("/api/v1/teams/{team}/invitations");
    let two = json!({ "emails": ["b@example.com", "c@example.com"], "role": "member" });
    assert_eq!(
        ada.post_json(&invitations, &two).await.status(),
        StatusCode::CREATED
    );
    let third = json!({ "emails": ["d@example.com"], "role": "member" });
    let refused = api_error(
        ada.post_json(&invitations, &third).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(refused["kind"], "plan_limit");
    assert!(
        refused["message"].as_str().unwrap().contains("Basic"),
        "{refused}"
    );
    assert_eq!(
        ada.post_json(&invitations, &two).await.status(),
        StatusCode::CREATED,
        "inviting the same addresses again adds no one"
    );

    for n in 0..3 {
        let made = ada
            .post_json(
                "/api/v1/workspaces",
                &json!({ "id": format!("ws-{n}"), "team_id": team }),
            )
            .await;
        assert_eq!(made.status(), StatusCode::CREATED);
    }
    let fourth = ada
        .post_json(
            "/api/v1/workspaces",
            &json!({ "id": "ws-3", "team_id": team }),
        )
        .await;
    assert_eq!(
        api_error(fourth, StatusCode::FORBIDDEN).await["kind"],
        "plan_limit"
    );

    let too_few = preview_error(&ada, &team, &plan("basic", "monthly", 2)).await;
    assert_eq!(too_few["fields"][0]["field"], "plan.seats");
    upgrade(&ada, &team, "basic", 4).await;
    assert_eq!(
        ada.post_json(&invitations, &third).await.status(),
        StatusCode::CREATED
    );
    let fifth = json!({ "emails": ["e@example.com"], "role": "member" });
    let full = api_error(
        ada.post_json(&invitations, &fifth).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(
        full["message"].as_str().unwrap().contains("seats"),
        "{full}"
    );
    let fourth = ada
        .post_json(
            "/api/v1/workspaces",
            &json!({ "id": "ws-3", "team_id": team }),
        )
        .await;
    assert_eq!(fourth.status(), StatusCode::CREATED, "Basic allows 20");
}

async fn preview_error(app: &AppSession, team: &str, plan: &Value) -> Value {
    api_error(
        preview_answer(app, team, plan).await,
        StatusCode::BAD_REQUEST,
    )
    .await
}

/// The installation's webhook secret, read where every instance reads it.
async fn webhook_secret(server: &TestServer) -> courier_billing::webhook::WebhookSecret {
    let url = server.postgres_url().map_or_else(
        || {
            format!(
                "sqlite://{}",
                server.data_dir().join("courier.db").display()
            )
        },
        str::to_owned,
    );
    let store = courier_store::connect(&url).await.unwrap();
    let secret = store
        .shared_secret("billing-webhook-secret", "not-this-one")
        .await
        .unwrap();
    courier_billing::webhook::WebhookSecret::new(secret.into_bytes())
}

#[tokio::test]
async fn the_webhook_takes_only_fresh_signed_events_and_each_once() {
    use courier_billing::webhook::{ChargeEvent, Event, EventKind, SignedEvent, WebhookSecret};
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    let basic = preview(&ada, &team, &plan("basic", "monthly", 1)).await;
    let outcome = confirmed(&ada, &team, &basic, Some(card(CONFIRM_CARD))).await;
    let invoice = outcome["invoice"]["id"].as_str().unwrap().to_owned();
    let now = server.clock().now();
    let event = Event {
        id: "evt_from_the_test".into(),
        kind: EventKind::ChargeSucceeded,
        created: now,
        charge: ChargeEvent {
            id: "ch_from_the_test".into(),
            invoice_reference: invoice,
            amount: courier_billing::Money::usd(800),
            failure: None,
        },
    };
    let post = |signed: SignedEvent| {
        reqwest::Client::new()
            .post(server.url("/api/v1/billing/webhook"))
            .header("courier-signature", signed.signature)
            .body(signed.payload)
            .send()
    };
    let forged = SignedEvent::new(&WebhookSecret::new("guessed"), &event, now).unwrap();
    api_error(post(forged).await.unwrap(), StatusCode::BAD_REQUEST).await;
    let secret = webhook_secret(&server).await;
    let stale = SignedEvent::new(&secret, &event, now - 10 * 60).unwrap();
    api_error(post(stale).await.unwrap(), StatusCode::BAD_REQUEST).await;
    assert_eq!(overview(&ada, &team).await["plan"]["tier"], "free");

    let signed = SignedEvent::new(&secret, &event, now).unwrap();
    let taken: Value = post(signed.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(taken["status"], "applied");
    assert_eq!(overview(&ada, &team).await["plan"]["tier"], "basic");
    let replayed: Value = post(signed).await.unwrap().json().await.unwrap();
    assert_eq!(replayed["status"], "duplicate");
}

/// The mails to `email` that contain `text`, waited for until there are `n`; then
/// checks no more than `n` came (each outcome is mailed once, however often reported).
async fn mails_with(server: &TestServer, email: &str, text: &str, n: usize) -> Vec<String> {
    let found = || -> Vec<String> {
        mails_to(&server.outbox(), email)
            .into_iter()
            .filter(|mail| mail.contains(text))
            .collect()
    };
    for _ in 0..400 {
        if found().len() >= n {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let mails = found();
            assert_eq!(mails.len(), n, "{text:?} mailed more than {n} times");
            return mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} mails to {email} with {text:?}");
}

/// Polls the overview until `ready` holds (the billing loop runs every second here).
async fn overview_when(app: &AppSession, team: &str, ready: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..200 {
        let now = overview(app, team).await;
        if ready(&now) {
            return now;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the billing never got there: {}", overview(app, team).await);
}

#[tokio::test]
async fn a_period_renews_and_a_failed_payment_keeps_the_plan_then_moves_to_free() {
    let server = TestServer::start_with(|settings| settings.billing.check_every = 1).await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    upgrade(&ada, &team, "basic", 1).await;
    let first = overview(&ada, &team).await;
    let end = first["period_end"].as_i64().unwrap();
    server.clock().advance(end - server.clock().now() + 1);
    let ada = server.app_session("ada", "Ada's desktop").await;
    // The renewal's invoice is written (open), then charged (paid): wait for the charge.
    let renewed = overview_when(&ada, &team, |now| {
        now["invoice_count"] == 2 && now["invoices"][0]["status"] != "open"
    })
    .await;
    assert_eq!(renewed["period_start"].as_i64(), Some(end));
    assert_eq!(renewed["invoices"][0]["status"], "paid");
    assert_eq!(renewed["standing"]["state"], "current");

    let replaced = ada
        .put_json(
            &format!("/api/v1/teams/{team}/billing/card"),
            &json!({ "card": card(DECLINED_CARD) }),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let end = renewed["period_end"].as_i64().unwrap();
    server.clock().advance(end - server.clock().now() + 1);
    let ada = server.app_session("ada", "Ada's desktop").await;
    let past_due = overview_when(&ada, &team, |now| now["standing"]["state"] == "past_due").await;
    assert_eq!(
        past_due["plan"]["tier"], "basic",
        "the plan is kept in the grace period"
    );
    assert_eq!(past_due["invoices"][0]["status"], "open");
    mails_with(&server, "ada@example.com", "Your Courier payment failed", 1).await;

    server.clock().advance(15 * DAY);
    let ada = server.app_session("ada", "Ada's desktop").await;
    let free = overview_when(&ada, &team, |now| now["standing"]["state"] == "downgraded").await;
    assert_eq!(free["plan"]["tier"], "free");
    assert_eq!(free["invoices"][0]["status"], "void");
    assert_eq!(free["seats_used"], 1, "nobody removed");
}

#[tokio::test]
async fn two_confirmations_of_one_preview_at_once_charge_once() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "acme").await;
    upgrade(&ada, &team, "basic", 1).await;
    let ada_laptop = server.app_session("ada", "Ada's laptop").await;
    let pro = preview(&ada, &team, &plan("professional", "monthly", 1)).await;
    let (first, second) = tokio::join!(
        confirm(&ada, &team, &pro, None),
        confirm(&ada_laptop, &team, &pro, None)
    );
    let statuses = [first.status(), second.status()];
    let confirmed = statuses.iter().filter(|status| **status == StatusCode::OK);
    assert_eq!(confirmed.count(), 1, "{statuses:?}");
    // Racing: the one written second is refused (409); if the first had already landed,
    // the plan is the one asked for (400, already on it). Never two charges.
    assert!(
        statuses.iter().all(|status| [
            StatusCode::OK,
            StatusCode::CONFLICT,
            StatusCode::BAD_REQUEST
        ]
        .contains(status)),
        "{statuses:?}"
    );
    let now = overview(&ada, &team).await;
    assert_eq!(now["plan"]["tier"], "professional");
    let paid: Vec<&Value> = now["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|invoice| invoice["status"] == "paid")
        .collect();
    assert_eq!(paid.len(), 2, "the upgrade's and one change's: {now}");
}

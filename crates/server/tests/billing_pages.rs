//! A team's billing page (`/t/{slug}/billing`) in a browser signed in to Courier: its
//! admins and billing managers see the plan, the card, the next invoice and the
//! invoices with their totals, each as the API's HTML and PDF documents; a plain member
//! gets 403, anyone else (and an unknown team) the standard "page not found"; signed
//! out, Sign In comes back to it; the team's name is escaped.

#![allow(clippy::unwrap_used)]

use courier_server::Clock as _;
use courier_testkit::{
    AppSession, PASSWORD, ScriptedBrowser, TestServer, csrf_in, hidden_value, location, team_with,
};
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

const GOOD_CARD: &str = "4242 4242 4242 4242";
const DECLINED_CARD: &str = "4000 0000 0000 0002";
const CONFIRM_CARD: &str = "4000 0025 0000 3155";
const DAY: i64 = 86_400;

fn card(number: &str) -> Value {
    json!({ "number": number, "exp_month": 12, "exp_year": 2099, "cvc": "123" })
}

fn plan(tier: &str, seats: u32) -> Value {
    json!({ "tier": tier, "cycle": "monthly", "seats": seats })
}

/// Ada's app, and the id of the team `name` (at `slug`) she made as its admin.
async fn ada_with_team(server: &TestServer, name: &str, slug: &str) -> (AppSession, String) {
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let response = ada
        .post_json("/api/v1/teams", &json!({ "name": name, "slug": slug }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let team: Value = response.json().await.unwrap();
    (ada, team["id"].as_str().unwrap().to_owned())
}

/// Changes `team` to `plan` through the API, paying with the good card; returns the
/// invoice it made.
async fn change_plan(app: &AppSession, team: &str, plan: &Value) -> Value {
    let outcome = pay_for(app, team, plan, GOOD_CARD).await;
    assert_eq!(outcome["payment"]["payment"], "paid");
    outcome["invoice"].clone()
}

/// Confirms a change of `team` to `plan` through the API with the card `number`;
/// returns the outcome.
async fn pay_for(app: &AppSession, team: &str, plan: &Value, number: &str) -> Value {
    let preview: Value = app
        .post_json(
            &format!("/api/v1/teams/{team}/billing/preview"),
            &json!({ "plan": plan }),
        )
        .await
        .json()
        .await
        .unwrap();
    let body = json!({
        "plan": preview["plan"],
        "at": preview["at"],
        "expected_total": preview["charge"]["total"],
        "card": card(number),
    });
    let response = app
        .post_json(&format!("/api/v1/teams/{team}/billing/plan"), &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A browser signed in as `username` (an account already made).
async fn browser_of(server: &TestServer, username: &str) -> ScriptedBrowser {
    let browser = server.browser();
    let response = browser
        .sign_in_at("/signin", username, PASSWORD, false)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{username}");
    browser
}

/// Ada signs in on the Sign In page `signin` (loaded in `browser`), sending `billing` as
/// the way back; returns the answer (a redirect), not followed.
async fn ada_signs_in_on(browser: &ScriptedBrowser, signin: &str, billing: &str) -> Response {
    let fields = [
        ("csrf", csrf_in(signin)),
        ("identifier", "ada".to_owned()),
        ("password", PASSWORD.to_owned()),
        ("billing", billing.to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = browser.post_form("/signin", &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "{billing}");
    response
}

/// `{minor, currency}` as the page shows it: `16.00 USD`.
fn shown(amount: &Value) -> String {
    let minor = amount["minor"].as_i64().unwrap();
    assert!(minor >= 0);
    format!(
        "{}.{:02} {}",
        minor / 100,
        minor % 100,
        amount["currency"].as_str().unwrap()
    )
}

fn day(seconds: &Value) -> String {
    courier_billing::Date::of(seconds.as_i64().unwrap())
        .unwrap()
        .to_string()
}

async fn fetched(browser: &ScriptedBrowser, path: &str) -> (StatusCode, String) {
    let response = browser.get(path).await;
    (response.status(), response.text().await.unwrap())
}

fn header(response: &Response, name: impl reqwest::header::AsHeaderName) -> &str {
    response
        .headers()
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

#[tokio::test]
async fn an_admin_sees_the_plan_the_card_the_next_invoice_and_the_invoices_with_totals() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let first = change_plan(&ada, &team, &plan("basic", 2)).await;
    let second = change_plan(&ada, &team, &plan("professional", 3)).await;
    let overview: Value = ada.get_json(&format!("/api/v1/teams/{team}/billing")).await;
    let browser = browser_of(&server, "ada").await;

    let response = browser.get("/t/acme-qa/billing").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "x-robots-tag"), "noindex");
    assert_eq!(header(&response, CACHE_CONTROL), "no-store");
    let page = response.text().await.unwrap();
    assert!(page.contains("Billing for Acme QA"), "{page}");
    assert!(page.contains("Professional (Monthly)"), "{page}");
    assert!(page.contains("3 paid · 1 used"), "{page}");
    assert!(page.contains("Visa •••• 4242, expires 12/2099"), "{page}");
    assert!(
        page.contains("ada@example.com"),
        "the billing email: {page}"
    );
    let period = format!(
        "{} – {}",
        day(&overview["period_start"]),
        day(&overview["period_end"])
    );
    assert!(page.contains(&period), "{period} in {page}");
    let next = format!(
        "{} · {}",
        day(&overview["period_end"]),
        shown(&overview["next_invoice"])
    );
    assert!(page.contains(&next), "{next} in {page}");
    assert!(page.contains("Team → Billing → Edit Plan"), "{page}");
    for invoice in [&first, &second] {
        let number = invoice["number"].as_str().unwrap();
        let id = invoice["id"].as_str().unwrap();
        let row = page
            .split("<tr>")
            .find(|row| row.contains(number))
            .unwrap_or_else(|| panic!("no row for {number}: {page}"));
        assert!(row.contains(&shown(&invoice["total"])), "{row}");
        assert!(row.contains("Paid"), "{row}");
        for extension in ["html", "pdf"] {
            let link = format!("href=\"/t/acme-qa/billing/invoices/{id}.{extension}\"");
            assert!(row.contains(&link), "{link} in {row}");
        }
    }
    assert_ne!(
        shown(&first["total"]),
        shown(&second["total"]),
        "two different totals"
    );
}

#[tokio::test]
async fn a_free_team_has_no_card_no_next_invoice_and_no_invoices_yet() {
    let server = TestServer::start().await;
    ada_with_team(&server, "Acme QA", "acme-qa").await;
    let page = browser_of(&server, "ada")
        .await
        .page("/t/acme-qa/billing")
        .await;
    assert!(page.contains("No card on file."), "{page}");
    assert!(page.contains("No invoices yet."), "{page}");
    assert!(!page.contains("Next invoice"), "{page}");
    assert!(page.contains("1 used of 3"), "Free's member limit: {page}");
}

#[tokio::test]
async fn a_payment_waiting_for_the_bank_links_its_confirmation_page() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let outcome = pay_for(&ada, &team, &plan("basic", 1), CONFIRM_CARD).await;
    assert_eq!(outcome["payment"]["payment"], "needs_confirmation");
    let confirm = outcome["payment"]["confirm_url"].as_str().unwrap();
    let page = browser_of(&server, "ada")
        .await
        .page("/t/acme-qa/billing")
        .await;
    assert!(
        page.contains(
            "A payment of 8.00 USD for Basic · Monthly · 1 seat is waiting for your bank"
        ),
        "{page}"
    );
    assert!(page.contains(&format!("href=\"{confirm}\"")), "{page}");
}

/// Polls Ada's billing page (signing in again: the clock moved) until it says `words`.
async fn page_when(server: &TestServer, words: &str) -> String {
    let browser = browser_of(server, "ada").await;
    for _ in 0..200 {
        let page = browser.page("/t/acme-qa/billing").await;
        if page.contains(words) {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the billing page never said {words:?}");
}

#[tokio::test]
async fn a_failed_payment_shows_the_grace_period_then_the_move_to_free() {
    let server = TestServer::start_with(|settings| settings.billing.check_every = 1).await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    change_plan(&ada, &team, &plan("basic", 1)).await;
    let replaced = ada
        .put_json(
            &format!("/api/v1/teams/{team}/billing/card"),
            &json!({ "card": card(DECLINED_CARD) }),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let overview: Value = ada.get_json(&format!("/api/v1/teams/{team}/billing")).await;
    let end = overview["period_end"].as_i64().unwrap();
    server.clock().advance(end - server.clock().now() + 1);

    let past_due = page_when(&server, "Your last payment failed on").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let overview: Value = ada.get_json(&format!("/api/v1/teams/{team}/billing")).await;
    let standing = &overview["standing"];
    assert_eq!(standing["state"], "past_due");
    assert_eq!(
        standing["grace_ends"].as_i64().unwrap() - standing["since"].as_i64().unwrap(),
        14 * DAY
    );
    let grace = format!(
        "Your last payment failed on {}; your team keeps its plan until {}.",
        day(&standing["since"]),
        day(&standing["grace_ends"])
    );
    assert!(past_due.contains(&grace), "{grace} in {past_due}");
    assert!(past_due.contains("Basic (Monthly)"), "{past_due}");

    server.clock().advance(15 * DAY);
    let free = page_when(&server, "Moved to Free on").await;
    assert!(free.contains("nothing was deleted"), "{free}");
}

#[tokio::test]
async fn the_invoice_links_answer_the_apis_html_and_pdf() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let invoice = change_plan(&ada, &team, &plan("basic", 2)).await;
    let (id, number) = (
        invoice["id"].as_str().unwrap(),
        invoice["number"].as_str().unwrap(),
    );
    let api = format!("/api/v1/teams/{team}/billing/invoices/{id}/invoice");
    let browser = browser_of(&server, "ada").await;

    let pdf = browser
        .get(&format!("/t/acme-qa/billing/invoices/{id}.pdf"))
        .await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(header(&pdf, CONTENT_TYPE), "application/pdf");
    assert_eq!(header(&pdf, CACHE_CONTROL), "no-store");
    assert_eq!(header(&pdf, "x-robots-tag"), "noindex");
    assert_eq!(
        header(&pdf, "content-disposition"),
        format!("inline; filename=\"{number}.pdf\"")
    );
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let from_api = ada.get(&format!("{api}.pdf")).await.bytes().await.unwrap();
    assert_eq!(pdf, from_api, "the API's document");

    let html = browser
        .get(&format!("/t/acme-qa/billing/invoices/{id}.html"))
        .await;
    assert_eq!(html.status(), StatusCode::OK);
    assert!(header(&html, CONTENT_TYPE).starts_with("text/html"));
    let html = html.text().await.unwrap();
    assert!(html.contains(number), "{html}");
    assert!(html.contains(&shown(&invoice["total"])), "{html}");
    let from_api = ada.get(&format!("{api}.html")).await.text().await.unwrap();
    assert_eq!(html, from_api, "the API's document");

    // Another team's invoice, an unknown one, another format: nothing there.
    let (status, other) = fetched(&browser, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let other_team = team_with(&server, &ada, "beta-team", &[]).await;
    let theirs = change_plan(&ada, &other_team, &plan("basic", 1)).await;
    let theirs = theirs["id"].as_str().unwrap();
    for path in [
        format!("/t/acme-qa/billing/invoices/{theirs}.pdf"),
        "/t/acme-qa/billing/invoices/no-such-invoice.pdf".to_owned(),
        format!("/t/acme-qa/billing/invoices/{id}.txt"),
        format!("/t/acme-qa/billing/invoices/{id}"),
        format!("/t/acme-qa/billing/invoices/{}.pdf", "a".repeat(300)),
    ] {
        assert_eq!(
            fetched(&browser, &path).await,
            (StatusCode::NOT_FOUND, other.clone()),
            "{path}"
        );
    }
    let (status, _) = fetched(
        &browser,
        &format!("/t/beta-team/billing/invoices/{theirs}.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "under its own team");
}

#[tokio::test]
async fn a_member_gets_403_and_a_non_member_or_an_unknown_team_the_standard_404() {
    let server = TestServer::start().await;
    server.confirmed_account("grace@example.com", "grace").await;
    server.confirmed_account("eve@example.com", "eve").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let team = team_with(&server, &ada, "acme-qa", &[(&grace, "grace@example.com")]).await;
    let invoice = change_plan(&ada, &team, &plan("basic", 2)).await;
    let pdf = format!(
        "/t/acme-qa/billing/invoices/{}.pdf",
        invoice["id"].as_str().unwrap()
    );

    let grace_browser = browser_of(&server, "grace").await;
    for path in ["/t/acme-qa/billing", pdf.as_str()] {
        let (status, page) = fetched(&grace_browser, path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            page.contains("Only the team's admins and billing managers see billing"),
            "{page}"
        );
        assert!(!page.contains("4242"), "{page}");
    }

    let eve = browser_of(&server, "eve").await;
    let (status, unknown_team) = fetched(&eve, "/t/no-such-team").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in [
        "/t/acme-qa/billing",
        pdf.as_str(),
        "/t/no-such-team/billing",
        "/t/%3Cb%3E/billing",
    ] {
        assert_eq!(
            fetched(&eve, path).await,
            (StatusCode::NOT_FOUND, unknown_team.clone()),
            "{path}"
        );
    }

    // Made billing manager, Grace sees it.
    let grace_id = grace.account_id().await;
    let promoted = ada
        .put_json(
            &format!("/api/v1/teams/{team}/members/{grace_id}/role"),
            &json!({ "role": "billing_manager" }),
        )
        .await;
    assert_eq!(promoted.status(), StatusCode::OK);
    let page = grace_browser.page("/t/acme-qa/billing").await;
    assert!(page.contains(invoice["number"].as_str().unwrap()), "{page}");
}

#[tokio::test]
async fn signed_out_the_page_sends_the_browser_to_sign_in_which_comes_back() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let invoice = change_plan(&ada, &team, &plan("basic", 2)).await;
    let browser = server.browser();
    for path in [
        "/t/ACME-QA/billing".to_owned(),
        format!(
            "/t/acme-qa/billing/invoices/{}.pdf",
            invoice["id"].as_str().unwrap()
        ),
    ] {
        let response = browser.get(&path).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(location(response.headers()), "/signin?billing=acme-qa");
    }

    let signin = browser.page("/signin?billing=acme-qa").await;
    assert!(signin.contains("to see your team"), "{signin}");
    let back = hidden_value(&signin, "billing").unwrap();
    assert_eq!(back, "acme-qa");
    let response = ada_signs_in_on(&browser, &signin, &back).await;
    assert_eq!(location(response.headers()), "/t/acme-qa/billing");
    let page = browser.follow(response).await.text().await.unwrap();
    assert!(page.contains(invoice["number"].as_str().unwrap()), "{page}");

    // The way back is a team URL, never an address.
    let elsewhere = server.browser();
    for garbage in [
        "https://evil.example/",
        "//evil.example",
        "acme/../../signout",
    ] {
        let query: String = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("billing", garbage)
            .finish();
        let signin = elsewhere.page(&format!("/signin?{query}")).await;
        assert_eq!(hidden_value(&signin, "billing"), None, "{garbage}");
        let response = ada_signs_in_on(&elsewhere, &signin, garbage).await;
        assert_eq!(location(response.headers()), "/", "{garbage}");
    }
}

#[tokio::test]
async fn the_team_name_is_escaped() {
    let server = TestServer::start().await;
    let name = "<script>alert(1)</script> & \"Acme\"";
    let (ada, team) = ada_with_team(&server, name, "acme-qa").await;
    change_plan(&ada, &team, &plan("basic", 1)).await;
    let page = browser_of(&server, "ada")
        .await
        .page("/t/acme-qa/billing")
        .await;
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Acme&quot;"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
}

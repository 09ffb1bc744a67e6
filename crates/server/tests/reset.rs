//! Trouble signing in?: `/forgot` with its proof-of-work check (solved here by brute
//! force at a tiny difficulty), the mailed reset link (1 hour, single use) and
//! `/reset`, which ends every session. The answer never reveals whether an address
//! has an account.

#![allow(clippy::unwrap_used)]

use courier_testkit::robot_check::{challenge_in, solve, solved_in};
use courier_testkit::{PASSWORD, ScriptedBrowser, TestServer, csrf_in, link_in, location};
use reqwest::StatusCode;

const NEW_PASSWORD: &str = "quartz-lantern-meadow-41";

async fn server() -> TestServer {
    TestServer::start_with(|settings| settings.proof_of_work.max_number = 200).await
}

/// A `/forgot` form: its CSRF token and a solved answer.
async fn solved_form(browser: &ScriptedBrowser) -> (String, String) {
    let html = browser.get("/forgot").await.text().await.unwrap();
    (csrf_in(&html), solved_in(&html))
}

async fn forgot(
    browser: &ScriptedBrowser,
    csrf: &str,
    email: &str,
    answer: &str,
) -> reqwest::Response {
    browser
        .post_form(
            "/forgot",
            &[("csrf", csrf), ("email", email), ("altcha", answer)],
        )
        .await
}

/// Asks for a link for `email` with a valid answer; returns the link from the mail.
async fn reset_link(server: &TestServer, email: &str, n: usize) -> String {
    let browser = server.browser();
    let (csrf, answer) = solved_form(&browser).await;
    let response = forgot(&browser, &csrf, email, &answer).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), "/forgot?sent=1");
    let mail = server.mail_to(email, n).await;
    link_in(&mail, "/reset?token=")
}

/// Opens the reset link and submits `password`.
async fn set_password(server: &TestServer, link: &str, password: &str) -> reqwest::Response {
    let browser = server.browser();
    let page = browser.get(link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let csrf = csrf_in(&page.text().await.unwrap());
    let token = link.split("token=").nth(1).unwrap();
    browser
        .post_form(
            "/reset",
            &[("csrf", &csrf), ("token", token), ("password", password)],
        )
        .await
}

#[tokio::test]
async fn the_sign_in_page_links_here_and_the_solver_is_served_under_a_strict_csp() {
    let server = server().await;
    let signin = server.browser().get("/signin").await.text().await.unwrap();
    assert!(signin.contains("href=\"/forgot\""), "{signin}");
    assert!(signin.contains("Trouble signing in?"));
    let page = server.browser().get("/forgot").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("src=\"/static/altcha.js\""));
    assert!(html.contains("I'm not a robot"));
    let script = server.browser().get("/static/altcha.js").await;
    assert_eq!(script.status(), StatusCode::OK);
    assert!(
        script.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(
        script
            .text()
            .await
            .unwrap()
            .contains("crypto.subtle.digest")
    );
}

#[tokio::test]
async fn a_solved_check_mails_the_username_and_a_link_that_resets_and_ends_every_session() {
    let server = server().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "A").await;
    let browser = server.browser();
    assert_eq!(
        browser
            .sign_in_at("/signin", "ada", PASSWORD, true)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let link = reset_link(&server, "ada@example.com", 2).await;
    let mail = server.mail_to("ada@example.com", 2).await;
    assert!(mail.contains("Your username: ada"), "{mail}");
    assert!(link.starts_with(server.base()));

    let response = set_password(&server, &link, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(response.headers()),
        "/signin?notice=password-reset"
    );
    assert_eq!(
        app.get("/api/v1/sessions").await.status(),
        StatusCode::UNAUTHORIZED,
        "the app's session ended"
    );
    assert_eq!(
        courier_testkit::refresh(&server, &app.refresh_token)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        courier_testkit::signed_in_user(&browser).await,
        None,
        "the browser's too"
    );
    assert!(!server.signs_in("ada", PASSWORD).await);
    assert!(server.signs_in("ada", NEW_PASSWORD).await);
    let notice = server.mail_to("ada@example.com", 3).await;
    assert!(notice.contains("was reset with a link"), "{notice}");
}

#[tokio::test]
async fn a_reset_confirms_the_address_the_link_was_mailed_to() {
    let server = server().await;
    // Signed up, never confirmed: the confirmation mail is left unopened.
    server
        .browser()
        .sign_up("ada@example.com", "ada", PASSWORD)
        .await;
    let link = reset_link(&server, "ada@example.com", 2).await;
    let response = set_password(&server, &link, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Opening the reset link proved the mailbox: the address is confirmed.
    let browser = server.browser();
    let response = browser
        .sign_in_at("/signin", "ada", NEW_PASSWORD, false)
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "signed in");
    let home = browser.get("/").await.text().await.unwrap();
    assert!(
        !home.contains("Confirm your email address"),
        "the address is confirmed: {home}"
    );
}

#[tokio::test]
async fn a_weak_password_is_refused_and_the_link_still_works() {
    let server = server().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let link = reset_link(&server, "ada@example.com", 2).await;
    let response = set_password(&server, &link, "password123").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let html = response.text().await.unwrap();
    assert!(
        courier_testkit::field_error(&html, "password").is_some(),
        "{html}"
    );
    assert_eq!(
        set_password(&server, &link, NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_unknown_address_gets_the_identical_answer_and_no_mail() {
    let server = server().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let (csrf, answer) = solved_form(&browser).await;
    let known = forgot(&browser, &csrf, "ada@example.com", &answer).await;
    let (csrf, answer) = solved_form(&browser).await;
    let unknown = forgot(&browser, &csrf, "nobody@example.com", &answer).await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(known.headers()), location(unknown.headers()));
    assert_eq!(
        known.text().await.unwrap(),
        unknown.text().await.unwrap(),
        "identical bodies"
    );
    server.mail_to("ada@example.com", 2).await;
    assert!(courier_testkit::mails_to(&server.outbox(), "nobody@example.com").is_empty());
}

#[tokio::test]
async fn a_wrong_or_reused_or_expired_answer_is_refused_and_sends_nothing() {
    let server = server().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let html = browser.get("/forgot").await.text().await.unwrap();
    let csrf = csrf_in(&html);
    let challenge = challenge_in(&html).expect("a challenge");
    let wrong = forgot(&browser, &csrf, "ada@example.com", &solve(&challenge, 1)).await;
    assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
    assert!(wrong.text().await.unwrap().contains("did not pass"));
    let none = forgot(&browser, &csrf, "ada@example.com", "").await;
    assert_eq!(none.status(), StatusCode::BAD_REQUEST);

    let answer = solve(&challenge, 0);
    let first = forgot(&browser, &csrf, "ada@example.com", &answer).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let replayed = forgot(&browser, &csrf, "ada@example.com", &answer).await;
    assert_eq!(replayed.status(), StatusCode::BAD_REQUEST, "a spent answer");

    let (csrf, late) = solved_form(&browser).await;
    server.clock().advance(21 * 60);
    let expired = forgot(&browser, &csrf, "ada@example.com", &late).await;
    assert_eq!(expired.status(), StatusCode::BAD_REQUEST);
    assert!(expired.text().await.unwrap().contains("expired"));

    server.mail_to("ada@example.com", 2).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        courier_testkit::mails_to(&server.outbox(), "ada@example.com").len(),
        2,
        "one confirmation, one reset link: refused answers send nothing"
    );
}

#[tokio::test]
async fn the_link_expires_after_an_hour_and_works_once() {
    let server = server().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let stale = reset_link(&server, "ada@example.com", 2).await;
    server.clock().advance(3600);
    let expired = server.browser().get(&stale).await;
    assert_eq!(expired.status(), StatusCode::GONE);
    assert!(expired.text().await.unwrap().contains("expired"));

    let link = reset_link(&server, "ada@example.com", 3).await;
    server.clock().advance(3599);
    assert_eq!(
        set_password(&server, &link, NEW_PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    let again = server.browser().get(&link).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(again.text().await.unwrap().contains("already been used"));
    let forged = server
        .browser()
        .get("/reset?token=cpr_not_a_real_token")
        .await;
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn asking_is_rate_limited_per_address() {
    let server = TestServer::start_with(|settings| {
        settings.proof_of_work.max_number = 200;
        settings.rate_limits.enabled = true;
        settings.rate_limits.password_reset_per_ip_per_hour = 2;
    })
    .await;
    let browser = server.browser();
    for _ in 0..2 {
        let (csrf, answer) = solved_form(&browser).await;
        let response = forgot(&browser, &csrf, "nobody@example.com", &answer).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let (csrf, answer) = solved_form(&browser).await;
    let response = forgot(&browser, &csrf, "nobody@example.com", &answer).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn after_a_reset_the_owner_signs_in_without_the_check_someone_else_s_guesses_caused() {
    let server = TestServer::start_with(|settings| {
        settings.proof_of_work.max_number = 200;
        settings.rate_limits.enabled = true;
        settings.rate_limits.signin_failures_per_account = 3;
    })
    .await;
    server.confirmed_account("ada@example.com", "ada").await;
    let guesser = server.browser();
    for n in 0..3 {
        let response = guesser
            .sign_in_at("/signin", "ada", &format!("guess-number-{n}"), false)
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let owner = server.browser();
    let guarded = owner.sign_in_at("/signin", "ada", PASSWORD, false).await;
    assert_eq!(guarded.status(), StatusCode::BAD_REQUEST);
    assert!(challenge_in(&guarded.text().await.unwrap()).is_some());
    let link = reset_link(&server, "ada@example.com", 2).await;
    let reset = set_password(&server, &link, NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    let back = owner
        .sign_in_at("/signin", "ada", NEW_PASSWORD, false)
        .await;
    assert_eq!(
        back.status(),
        StatusCode::SEE_OTHER,
        "the reset forgot the failures: no check asked"
    );
}

#[tokio::test]
async fn the_check_grows_harder_as_requests_for_it_pile_up_and_eases_when_they_stop() {
    let server = TestServer::start_with(|settings| {
        settings.proof_of_work.max_number = 200;
        settings.proof_of_work.busy_per_minute = 2;
    })
    .await;
    let browser = server.browser();
    let difficulty = || async {
        let html = browser.get("/forgot").await.text().await.unwrap();
        challenge_in(&html).expect("a challenge")["maxnumber"]
            .as_u64()
            .unwrap()
    };
    let mut seen = Vec::new();
    for _ in 0..6 {
        seen.push(difficulty().await);
    }
    // Twice as hard from 2 a minute, four times from 6 a minute.
    assert_eq!(seen, [200, 400, 400, 400, 400, 800]);
    server.clock().advance(3 * 60);
    assert_eq!(difficulty().await, 200);
}

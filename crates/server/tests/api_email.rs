//! `POST /api/v1/me/email` and the confirmation page: the address changes only when
//! the link mailed to the new address is followed, once, within 24 hours, unless the
//! change is cancelled first (`DELETE /api/v1/me/email`).

#![allow(clippy::unwrap_used)]

use courier_testkit::{AppSession, PASSWORD, TestServer, api_error, csrf_in, link_in, mails_to};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn signed_in(server: &TestServer, email: &str, username: &str) -> AppSession {
    server.confirmed_account(email, username).await;
    server.app_session(username, "Laptop").await
}

async fn me(app: &AppSession) -> Value {
    app.get_json("/api/v1/me").await
}

async fn change_email(app: &AppSession, new_email: &str, password: &str) -> reqwest::Response {
    app.post_json(
        "/api/v1/me/email",
        &json!({ "new_email": new_email, "current_password": password }),
    )
    .await
}

/// Opens the link in a browser and presses the button: (status, page text).
async fn follow(server: &TestServer, link: &str) -> (StatusCode, String) {
    let browser = server.browser();
    let page = browser.get(link).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let token = link.split("token=").nth(1).unwrap();
    let response = browser
        .post_form(
            "/confirm-email",
            &[("csrf", &csrf_in(&html)), ("token", token)],
        )
        .await;
    let status = response.status();
    (status, response.text().await.unwrap())
}

fn field_names(error: &Value) -> Vec<&str> {
    error["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|field| field["field"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_address_changes_only_when_the_new_one_is_confirmed() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    let response = change_email(&app, "Ada@New.example", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["email"], "ada@old.example");
    assert_eq!(profile["pending_email"], "Ada@New.example");

    let confirmation = server.mail_to("Ada@New.example", 1).await;
    let link = link_in(&confirmation, "/confirm-email?token=cce_");
    let notice = server.mail_to("ada@old.example", 2).await;
    assert!(notice.contains("Ada@New.example"), "{notice}");
    assert!(!notice.contains("token="), "the old address gets no link");

    // Until confirmed, the old address is the account's (and signs in).
    assert_eq!(me(&app).await["email"], "ada@old.example");

    let (status, page) = follow(&server, &link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Your email address is now Ada@New.example"),
        "{page}"
    );
    let profile = me(&app).await;
    assert_eq!(profile["email"], "Ada@New.example");
    assert_eq!(profile["pending_email"], Value::Null);
    assert_eq!(profile["email_verified"], true);
    let changed = server.mail_to("ada@old.example", 3).await;
    assert!(changed.contains("was changed"), "{changed}");
    assert!(changed.contains("Ada@New.example"));

    // The link works once.
    let (status, page) = follow(&server, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("already been used"));
    // And the new address signs in.
    server.app_session("ada@new.example", "Desktop").await;
}

#[tokio::test]
async fn a_wrong_password_or_bad_address_is_refused_and_nothing_is_sent() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    let error = api_error(
        change_email(&app, "ada@new.example", "not-my-password").await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error["kind"], "invalid_input");
    assert_eq!(field_names(&error), ["current_password"]);
    for (address, field) in [
        ("not-an-address", "new_email"),
        ("", "new_email"),
        ("ADA@old.example", "new_email"),
    ] {
        let error = api_error(
            change_email(&app, address, PASSWORD).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(field_names(&error), [field], "{address}");
    }
    let error = api_error(
        app.post_json(
            "/api/v1/me/email",
            &json!({ "new_email": "ada@new.example" }),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("current_password")
    );
    assert_eq!(me(&app).await["pending_email"], Value::Null);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(mails_to(&server.outbox(), "ada@new.example").is_empty());
    assert_eq!(
        mails_to(&server.outbox(), "ada@old.example").len(),
        1,
        "only sign-up's"
    );
}

#[tokio::test]
async fn an_address_with_an_account_gets_told_instead_of_a_link_and_the_answer_is_the_same() {
    let server = TestServer::start().await;
    server.confirmed_account("bob@example.com", "bob").await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    let response = change_email(&app, "bob@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["pending_email"], "bob@example.com");
    let mail = server.mail_to("bob@example.com", 2).await;
    assert!(
        mail.contains("already belongs to your Courier account"),
        "{mail}"
    );
    assert!(!mail.contains("token="), "no link: {mail}");
    // The old address is told about the request, as always.
    server.mail_to("ada@old.example", 2).await;
}

#[tokio::test]
async fn a_link_expires_after_24_hours_and_changes_nothing() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    change_email(&app, "ada@new.example", PASSWORD).await;
    let link = link_in(&server.mail_to("ada@new.example", 1).await, "token=cce_");
    server.clock().advance(24 * 3600);
    let (status, page) = follow(&server, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(page.contains("expired"));
    // (A day later the old access token has expired too: a fresh session looks.)
    drop(app);
    let app = server.app_session("ada", "Desktop").await;
    assert_eq!(me(&app).await["email"], "ada@old.example");
}

#[tokio::test]
async fn a_waiting_change_can_be_cancelled_and_its_link_then_changes_nothing() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    change_email(&app, "ada@typo.example", PASSWORD).await;
    let link = link_in(&server.mail_to("ada@typo.example", 1).await, "token=cce_");
    let response = app.delete("/api/v1/me/email").await;
    assert_eq!(response.status(), StatusCode::OK);
    let profile: Value = response.json().await.unwrap();
    assert_eq!(profile["pending_email"], Value::Null);
    assert_eq!(profile["email"], "ada@old.example");
    let (status, _) = follow(&server, &link).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(me(&app).await["email"], "ada@old.example");
    // Cancelling with nothing waiting is the same answer.
    let again = app.delete("/api/v1/me/email").await;
    assert_eq!(again.status(), StatusCode::OK);
}

#[tokio::test]
async fn only_the_newest_link_works() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    change_email(&app, "ada@typo.example", PASSWORD).await;
    let first = link_in(&server.mail_to("ada@typo.example", 1).await, "token=cce_");
    change_email(&app, "ada@new.example", PASSWORD).await;
    let second = link_in(&server.mail_to("ada@new.example", 1).await, "token=cce_");
    let (status, _) = follow(&server, &first).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(me(&app).await["email"], "ada@old.example");
    let (status, _) = follow(&server, &second).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me(&app).await["email"], "ada@new.example");
}

#[tokio::test]
async fn an_address_taken_before_confirming_leaves_the_account_unchanged() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    change_email(&app, "shared@example.com", PASSWORD).await;
    let link = link_in(&server.mail_to("shared@example.com", 1).await, "token=cce_");
    // Someone else signs up with that address in the meantime.
    server
        .browser()
        .sign_up("shared@example.com", "carol", PASSWORD)
        .await;
    let (status, page) = follow(&server, &link).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(page.contains("already in use"), "{page}");
    let profile = me(&app).await;
    assert_eq!(profile["email"], "ada@old.example");
    assert_eq!(profile["pending_email"], "shared@example.com");
    // No "changed" notice went to the old address (sign-up + request notice only).
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(mails_to(&server.outbox(), "ada@old.example").len(), 2);
}

#[tokio::test]
async fn email_changes_are_rate_limited_per_account() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.email_change_per_account_per_hour = 2;
    })
    .await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    for _ in 0..2 {
        let response = change_email(&app, "ada@new.example", "wrong-guess").await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let response = change_email(&app, "ada@new.example", PASSWORD).await;
    let error = api_error(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(error["kind"], "rate_limited");
    server.clock().advance(3600);
    let app = server.app_session("ada", "Desktop").await;
    let response = change_email(&app, "ada@new.example", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
}

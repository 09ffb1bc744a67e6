//! `POST /api/v1/me/password`: the current password is checked, attempts are rate
//! limited per account, the new one meets the sign-up rules, other sessions end
//! (unless kept) and hear about it, and a security mail goes out.

#![allow(clippy::unwrap_used)]

use courier_testkit::{PASSWORD, TestServer, api_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "quartz-lantern-meadow-41";

fn change(current: &str, new: &str, keep: bool) -> Value {
    json!({"current_password": current, "new_password": new, "keep_other_sessions": keep})
}

#[tokio::test]
async fn a_wrong_current_password_is_refused_on_its_field() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "A").await;
    let response = app
        .post_json(
            "/api/v1/me/password",
            &change("not-my-password", NEW_PASSWORD, false),
        )
        .await;
    let body = api_error(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(body["kind"], "invalid_input");
    assert_eq!(body["fields"][0]["field"], "current_password");
    assert!(server.signs_in("ada", PASSWORD).await, "nothing changed");
}

#[tokio::test]
async fn a_weak_new_password_is_refused_with_the_sign_up_rules() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "A").await;
    for weak in ["short", "password123", "qwertyuiop"] {
        let response = app
            .post_json("/api/v1/me/password", &change(PASSWORD, weak, false))
            .await;
        let body = api_error(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(body["fields"][0]["field"], "new_password", "{weak}");
    }
    assert!(server.signs_in("ada", PASSWORD).await);
}

#[tokio::test]
async fn changing_ends_every_other_session_and_mails_a_notice() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let a = server.app_session("ada", "A").await;
    let b = server.app_session("ada", "B").await;
    let browser = server.browser();
    assert_eq!(
        browser
            .sign_in_at("/signin", "ada", PASSWORD, true)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let response = a
        .post_json(
            "/api/v1/me/password",
            &change(PASSWORD, NEW_PASSWORD, false),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(a.get("/api/v1/sessions").await.status(), StatusCode::OK);
    let b_after = api_error(b.get("/api/v1/sessions").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(b_after["kind"], "unauthorized");
    assert_eq!(
        courier_testkit::signed_in_user(&browser).await,
        None,
        "browser signed out"
    );
    let left: Vec<Value> = a.get_json("/api/v1/sessions").await;
    assert_eq!(left.len(), 1);
    assert!(!server.signs_in("ada", PASSWORD).await);
    assert!(server.signs_in("ada", NEW_PASSWORD).await);
    // 1: confirmation, 2: B was a new device, 3: this.
    let mail = server.mail_to("ada@example.com", 3).await;
    assert!(mail.contains("password was changed"), "{mail}");
    assert!(!mail.contains(NEW_PASSWORD));
}

#[tokio::test]
async fn keep_other_sessions_keeps_them() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let a = server.app_session("ada", "A").await;
    let b = server.app_session("ada", "B").await;
    let response = a
        .post_json("/api/v1/me/password", &change(PASSWORD, NEW_PASSWORD, true))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(b.get("/api/v1/sessions").await.status(), StatusCode::OK);
    assert!(server.signs_in("ada", NEW_PASSWORD).await);

    // At once, with the same token the server has just checked: the current password
    // is now the new one, never the one the token's session started with.
    let with_old = a
        .post_json(
            "/api/v1/me/password",
            &change(PASSWORD, "velvet-harbor-orbit-77", true),
        )
        .await;
    assert_eq!(
        api_error(with_old, StatusCode::BAD_REQUEST).await["fields"][0]["field"],
        "current_password"
    );
    let again = a
        .post_json(
            "/api/v1/me/password",
            &change(NEW_PASSWORD, "velvet-harbor-orbit-77", true),
        )
        .await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn attempts_are_rate_limited_per_account_with_retry_after() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.password_change_per_account_per_hour = 2;
    })
    .await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "A").await;
    for _ in 0..2 {
        let response = app
            .post_json(
                "/api/v1/me/password",
                &change("wrong-guess-1", NEW_PASSWORD, false),
            )
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    }
    let response = app
        .post_json(
            "/api/v1/me/password",
            &change(PASSWORD, NEW_PASSWORD, false),
        )
        .await;
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 3600);
    let body = api_error(response, StatusCode::TOO_MANY_REQUESTS).await;
    assert_eq!(body["kind"], "rate_limited");
    server.clock().advance(3600);
    // The old access token has expired by now; the limit is per account anyway.
    let app = server.app_session("ada", "A").await;
    let response = app
        .post_json(
            "/api/v1/me/password",
            &change(PASSWORD, NEW_PASSWORD, false),
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::NO_CONTENT,
        "the window has passed"
    );
}

//! Notification preferences (`/api/v1/me/notifications`), support requests
//! (`/api/v1/support/requests`) and what the OpenAPI document says about them.

#![allow(clippy::unwrap_used)]

use courier_testkit::{AppSession, TestServer, api_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn signed_in(server: &TestServer, email: &str, username: &str) -> AppSession {
    server.confirmed_account(email, username).await;
    server.app_session(username, "Laptop").await
}

fn all(email: bool, in_app: bool) -> Value {
    let channels = json!({ "email": email, "in_app": in_app });
    json!({ "security": channels, "usage": channels, "monitors": channels, "comments": channels })
}

#[tokio::test]
async fn preferences_start_at_the_defaults_and_put_replaces_them_all() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let defaults: Value = app.get_json("/api/v1/me/notifications").await;
    assert_eq!(
        defaults["security"],
        json!({ "email": true, "in_app": true })
    );
    assert_eq!(
        defaults["comments"],
        json!({ "email": false, "in_app": true })
    );

    let wanted = all(false, true);
    let response = app.put_json("/api/v1/me/notifications", &wanted).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap(), wanted);
    let stored: Value = app.get_json("/api/v1/me/notifications").await;
    assert_eq!(stored, wanted);

    // A partial document is refused and changes nothing.
    let error = api_error(
        app.put_json(
            "/api/v1/me/notifications",
            &json!({ "security": { "email": true, "in_app": true } }),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(error["kind"], "invalid_input");
    let stored: Value = app.get_json("/api/v1/me/notifications").await;
    assert_eq!(stored, wanted);
}

#[tokio::test]
async fn security_mail_off_silences_new_devices_but_never_account_changes() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@old.example", "ada").await;
    app.put_json("/api/v1/me/notifications", &all(false, true))
        .await;
    // Would be a "New sign-in" notice: switched off.
    let _phone = server.app_session("ada", "Ada's phone").await;
    let response = app
        .post_json(
            "/api/v1/me/email",
            &json!({ "new_email": "ada@new.example", "current_password": courier_testkit::PASSWORD }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    // The link to the new address is not a notice: it is always sent.
    server.mail_to("ada@new.example", 1).await;
    // Mail leaves in order, so the second mail to the old address (after the sign-up
    // mail) is the next one sent to it: the change notice, not the new device.
    let second = server.mail_to("ada@old.example", 2).await;
    assert!(
        second.contains("Someone asked to change your Courier email address"),
        "{second}"
    );
    assert!(second.contains("always sends this notice"), "{second}");
    let response = app
        .post_json(
            "/api/v1/me/password",
            &json!({ "current_password": courier_testkit::PASSWORD, "new_password": "an0ther-long-Passphrase!", "keep_other_sessions": true }),
        )
        .await;
    assert!(response.status().is_success(), "{}", response.status());
    let third = server.mail_to("ada@old.example", 3).await;
    assert!(
        third.contains("Your Courier password was changed"),
        "{third}"
    );
}

#[tokio::test]
async fn a_support_request_is_stored_listed_and_mailed_to_support() {
    let server = TestServer::start_with(|settings| {
        settings.support_email = "helpdesk@courier.example".to_owned();
    })
    .await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let response = app
        .post_json(
            "/api/v1/support/requests",
            &json!({
                "category": "billing",
                "subject": "  Invoice missing ",
                "description": "March's invoice is not listed.\nThanks!"
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["status"], "open");
    assert_eq!(first["category"], "billing");
    assert_eq!(first["subject"], "Invoice missing");
    assert!(first["id"].as_str().is_some_and(|id| !id.is_empty()));

    let mail = server.mail_to("helpdesk@courier.example", 1).await;
    for expected in [
        "ada",
        "ada@example.com",
        "billing",
        "Invoice missing",
        "March's invoice",
    ] {
        assert!(mail.contains(expected), "{expected} in {mail}");
    }

    server.clock().advance(10);
    let second: Value = app
        .post_json(
            "/api/v1/support/requests",
            &json!({ "category": "feature_request", "subject": "Dark mode", "description": "Please." }),
        )
        .await
        .json()
        .await
        .unwrap();
    let listed: Value = app.get_json("/api/v1/support/requests").await;
    let ids: Vec<&Value> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["id"])
        .collect();
    assert_eq!(ids, [&second["id"], &first["id"]], "newest first");

    // Someone else sees only their own.
    let bob = signed_in(&server, "bob@example.com", "bob").await;
    let listed: Value = bob.get_json("/api/v1/support/requests").await;
    assert_eq!(listed, json!([]));
}

#[tokio::test]
async fn support_requests_are_checked_field_by_field() {
    let server = TestServer::start().await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let cases = [
        (
            json!({ "category": "bug", "subject": " ", "description": "x" }),
            vec!["subject"],
        ),
        (
            json!({ "category": "bug", "subject": "s".repeat(151), "description": "" }),
            vec!["subject", "description"],
        ),
        (
            json!({ "category": "bug", "subject": "ok", "description": "d".repeat(5001) }),
            vec!["description"],
        ),
    ];
    for (body, fields) in cases {
        let error = api_error(
            app.post_json("/api/v1/support/requests", &body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        let named: Vec<&str> = error["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|field| field["field"].as_str().unwrap())
            .collect();
        assert_eq!(named, fields);
    }
    let error = api_error(
        app.post_json(
            "/api/v1/support/requests",
            &json!({ "category": "complaints", "subject": "s", "description": "d" }),
        )
        .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert!(
        error["message"].as_str().unwrap().contains("category"),
        "{error}"
    );
    // Limits are inclusive.
    let response = app
        .post_json(
            "/api/v1/support/requests",
            &json!({ "category": "other", "subject": "s".repeat(150), "description": "d".repeat(5000) }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let listed: Value = app.get_json("/api/v1/support/requests").await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "refused requests were not stored"
    );
}

#[tokio::test]
async fn support_requests_are_rate_limited_per_account() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.support_per_account_per_hour = 1;
    })
    .await;
    let app = signed_in(&server, "ada@example.com", "ada").await;
    let body = json!({ "category": "bug", "subject": "s", "description": "d" });
    let response = app.post_json("/api/v1/support/requests", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let error = api_error(
        app.post_json("/api/v1/support/requests", &body).await,
        StatusCode::TOO_MANY_REQUESTS,
    )
    .await;
    assert_eq!(error["kind"], "rate_limited");
    let bob = signed_in(&server, "bob@example.com", "bob").await;
    let response = bob.post_json("/api/v1/support/requests", &body).await;
    assert_eq!(response.status(), StatusCode::CREATED, "per account");
}

#[tokio::test]
async fn the_openapi_document_describes_the_account_settings_operations() {
    let server = TestServer::start().await;
    let document: Value = reqwest::get(server.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths = &document["paths"];
    let expect = [
        ("/api/v1/me", "get", vec!["200", "401"]),
        (
            "/api/v1/me",
            "patch",
            vec!["200", "400", "401", "409", "413"],
        ),
        (
            "/api/v1/me/avatar",
            "put",
            vec!["200", "400", "401", "413", "429"],
        ),
        ("/api/v1/me/avatar", "delete", vec!["200", "401"]),
        (
            "/api/v1/me/email",
            "post",
            vec!["202", "400", "401", "413", "429"],
        ),
        ("/api/v1/me/notifications", "get", vec!["200", "401"]),
        (
            "/api/v1/me/notifications",
            "put",
            vec!["200", "400", "401", "413"],
        ),
        (
            "/api/v1/support/requests",
            "post",
            vec!["201", "400", "401", "413", "429"],
        ),
        ("/api/v1/support/requests", "get", vec!["200", "401"]),
        ("/api/v1/users/{username}", "get", vec!["200", "404"]),
    ];
    for (path, method, statuses) in expect {
        let operation = &paths[path][method];
        assert!(operation.is_object(), "{method} {path} missing");
        let mut declared: Vec<&str> = operation["responses"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        declared.sort_unstable();
        assert_eq!(declared, statuses, "{method} {path}");
        let public = path.starts_with("/api/v1/users/");
        assert_eq!(
            operation["security"].as_array().is_none_or(Vec::is_empty),
            public,
            "{method} {path} security"
        );
    }
    let avatar_body = &paths["/api/v1/me/avatar"]["put"]["requestBody"]["content"];
    assert!(avatar_body["image/png"].is_object() && avatar_body["image/jpeg"].is_object());
}

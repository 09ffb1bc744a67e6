//! The JSON API's common ground: the OpenAPI document, bearer authentication and the
//! `{kind, message}` error shape. Each resource has its own `api_*.rs`.

#![allow(clippy::unwrap_used)]

use courier_testkit::{TestServer, api_error};
use reqwest::StatusCode;

#[tokio::test]
async fn the_openapi_document_is_served_and_declares_bearer_auth() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.url("/api/v1/openapi.json"))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let document: serde_json::Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}

#[tokio::test]
async fn every_secured_operation_refuses_a_revoked_token_with_kind_unauthorized() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "Ada's laptop").await;
    // Revoke the session's tokens (as signing out does); the token then fails.
    let revoked = courier_testkit::revoke(&server, &app.refresh_token).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let document: serde_json::Value = reqwest::get(server.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        // A path parameter gets a made-up value: authentication comes first anyway.
        let concrete = path
            .split('/')
            .map(|part| if part.starts_with('{') { "x" } else { part })
            .collect::<Vec<_>>()
            .join("/");
        for (method, operation) in operations.as_object().unwrap() {
            if operation["security"].as_array().is_none_or(Vec::is_empty) {
                continue; // a public operation
            }
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            let response = app
                .request(method.clone(), &concrete)
                .json(&serde_json::json!({}))
                .send()
                .await
                .unwrap();
            let body = api_error(response, StatusCode::UNAUTHORIZED).await;
            assert_eq!(body["kind"], "unauthorized", "{method} {path}");
            checked += 1;
        }
    }
    assert!(checked > 0, "the document lists no operations");
}

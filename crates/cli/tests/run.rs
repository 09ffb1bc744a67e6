//! `courier-cli run` against a real local HTTP server: a Postman collection with a
//! folder, collection variables, an environment file with a secret and `--env-var`
//! sent in order; a request that cannot be sent fails the run; a broken file is
//! refused with its place named.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::routing::any;
use serde_json::json;

/// What the server saw: method, path and query, and the `Authorization` header.
type Seen = Arc<Mutex<Vec<(String, String, Option<String>)>>>;

async fn echo_server() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let record = Arc::clone(&seen);
    let app = Router::new().fallback(any(move |request: Request| {
        let record = Arc::clone(&record);
        async move {
            let authorization = request
                .headers()
                .get("authorization")
                .map(|value| value.to_str().unwrap().to_owned());
            record.lock().unwrap().push((
                request.method().to_string(),
                request.uri().to_string(),
                authorization,
            ));
            "ok"
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, seen)
}

fn write(dir: &std::path::Path, name: &str, value: &serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, value.to_string()).unwrap();
    path.display().to_string()
}

fn collection(requests: serde_json::Value) -> serde_json::Value {
    json!({
        "info": {
            "name": "Shop API",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "variable": [{ "key": "base", "value": "http://placeholder" }],
        "auth": { "type": "bearer", "bearer": [{ "key": "token", "value": "{{token}}" }] },
        "item": requests
    })
}

async fn courier_cli(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_courier-cli"))
        .args(args)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_collection_runs_in_order_with_its_variables_and_secrets_stay_masked() {
    let (base, seen) = echo_server().await;
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "shop.postman_collection.json",
        &collection(json!([
            { "name": "Health", "request": { "method": "GET", "url": "{{base}}/health" } },
            { "name": "Orders", "item": [
                { "name": "List orders", "request": {
                    "method": "GET", "url": "{{base}}/orders?key={{token}}" },
                  "event": [{ "listen": "test", "script": { "exec": ["pm.test('ok')"] } }] },
                { "name": "Create order", "request": {
                    "method": "POST", "url": "{{base}}/orders",
                    "body": { "mode": "raw", "raw": "{\"item\": \"{{item}}\"}" } } }
            ]}
        ])),
    );
    let environment = write(
        dir.path(),
        "local.postman_environment.json",
        &json!({
            "name": "Local",
            "values": [
                { "key": "base", "value": base, "enabled": true },
                { "key": "token", "value": "s3cret-token", "type": "secret", "enabled": true },
                { "key": "item", "value": "tea", "enabled": true }
            ]
        }),
    );
    let output = courier_cli(&["run", &file, "-e", &environment, "--env-var", "item=coffee"]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let seen = seen.lock().unwrap().clone();
    let paths: Vec<&str> = seen.iter().map(|(_, path, _)| path.as_str()).collect();
    assert_eq!(paths, ["/health", "/orders?key=s3cret-token", "/orders"]);
    assert!(
        seen.iter()
            .all(|(_, _, auth)| auth.as_deref() == Some("Bearer s3cret-token")),
        "the collection's bearer auth, inherited: {seen:?}"
    );
    assert!(stdout.contains("→ Orders / Create order"), "{stdout}");
    assert!(stdout.contains("200 OK"), "{stdout}");
    assert!(
        !stdout.contains("s3cret-token"),
        "the secret is masked:\n{stdout}"
    );
    assert!(
        stdout.contains("3 requests: 3 answered, 0 could not be sent."),
        "{stdout}"
    );
    assert!(
        stdout.contains("Skipped 0 pre-request and 1 test script"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_request_that_cannot_be_sent_fails_the_run_and_bail_stops_it() {
    let (base, _seen) = echo_server().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "c.json",
        &collection(json!([
            { "name": "Nobody home", "request": { "method": "GET", "url": format!("http://{closed}/") } },
            { "name": "Unknown variable", "request": { "method": "GET", "url": "{{base}}/{{missing}}" } },
            { "name": "Fine", "request": { "method": "GET", "url": "{{base}}/fine" } }
        ])),
    );
    let base_var = format!("base={base}");
    let output = courier_cli(&["run", &file, "--env-var", &base_var, "--env-var", "token=t"]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("could not be sent"), "{stdout}");
    assert!(
        stdout.contains("missing"),
        "the unresolved name is named:\n{stdout}"
    );
    assert!(
        stdout.contains("3 requests: 1 answered, 2 could not be sent."),
        "{stdout}"
    );

    let bailed = courier_cli(&["run", &file, "--env-var", &base_var, "--bail"]).await;
    let stdout = String::from_utf8_lossy(&bailed.stdout);
    assert_eq!(bailed.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("0 answered, 1 could not be sent, 2 not run"),
        "{stdout}"
    );
}

#[tokio::test]
async fn a_broken_file_is_refused_with_its_place_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let broken = collection(json!([{ "name": "Bad", "request": { "method": "GET", "url": 42 } }]));
    let file = write(dir.path(), "broken.json", &broken);
    let output = courier_cli(&["run", &file]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("item[0].request.url"), "{stderr}");
    let bad_var = courier_cli(&["run", &file, "--env-var", "novalue"]).await;
    assert!(String::from_utf8_lossy(&bad_var.stderr).contains("KEY=VALUE"));
}

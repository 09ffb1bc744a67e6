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

/// A data folder whose `workspaces.db` holds a saved collection "Health checks" in
/// the Scratch Pad, its active environment "Local" (`base`, secret `token`) and a
/// second environment "Broken"; the data key is in the keyring under `service`.
async fn device_with_saved_work(data: &std::path::Path, service: &str, base: &str) {
    use courier_client::auth::vault::KeyringVault;
    use courier_workspace::db::{Options, Place, WorkspaceDb};
    use courier_workspace::model::{KeyValue, RequestSpec, Variable};
    use courier_workspace::seal::Secrets;

    let service = service.to_owned();
    let secrets = tokio::task::spawn_blocking(move || {
        Secrets::from_key_store(&KeyringVault::connect(&service).unwrap()).unwrap()
    })
    .await
    .unwrap();
    let db = WorkspaceDb::open(&data.join("workspaces.db"), Options::new(secrets))
        .await
        .unwrap();
    let scratch = db.scratch_pad().await.unwrap().meta.id;
    let collection = db
        .create_collection(&scratch, "Health checks")
        .await
        .unwrap()
        .meta
        .id;
    let spec = RequestSpec {
        url: "{{base}}/health-check".to_owned(),
        headers: vec![KeyValue::new("Authorization", "Bearer {{token}}")],
        ..RequestSpec::default()
    };
    db.create_request(&Place::end(&collection, None), "Ping", &spec)
        .await
        .unwrap();
    let token = Variable {
        secret: true,
        ..Variable::new("token", "saved-secret-token")
    };
    let local = db
        .create_environment(&scratch, "Local", &[Variable::new("base", base), token])
        .await
        .unwrap();
    db.create_environment(
        &scratch,
        "Broken",
        &[Variable::new("base", "http://127.0.0.1:9")],
    )
    .await
    .unwrap();
    db.set_active_environment(&scratch, Some(&local.meta.id))
        .await
        .unwrap();
    db.close().await;
}

#[tokio::test]
async fn a_collection_saved_on_this_device_runs_by_name_with_its_active_environment() {
    let (base, seen) = echo_server().await;
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let service = courier_testkit::unique_name("courier-cli-run-");
    device_with_saved_work(&data, &service, &base).await;
    let run = |args: &'static [&'static str]| {
        let (data, service) = (data.clone(), service.clone());
        async move {
            tokio::process::Command::new(env!("CARGO_BIN_EXE_courier-cli"))
                .args(args)
                .env("COURIER_DATA_DIR", &data)
                .env("COURIER_KEYRING_SERVICE", &service)
                .output()
                .await
                .unwrap()
        }
    };

    let output = run(&["run", "health CHECKS"]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("→ Ping"), "{stdout}");
    assert!(!stdout.contains("saved-secret-token"), "{stdout}");
    assert_eq!(
        seen.lock().unwrap().clone(),
        [(
            "GET".to_owned(),
            "/health-check".to_owned(),
            Some("Bearer saved-secret-token".to_owned())
        )],
        "the secret was unsealed with the keyring's key and sent"
    );

    // Another of the workspace's environments, by name.
    let broken = run(&["run", "Health checks", "-e", "broken"]).await;
    assert_eq!(broken.status.code(), Some(1));
    let missing = run(&["run", "Health checks", "-e", "Staging"]).await;
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no file or environment"));
    let unknown = run(&["run", "Nothing like it"]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no file or saved collection"));
}

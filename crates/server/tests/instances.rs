//! Several `courier-server` instances on one PostgreSQL database, as behind a load
//! balancer: whatever one instance issued or changed, the other honours at once
//! (tokens, refresh, signing keys) or, where it may answer from a copy (a token's
//! check, the profile), at once for a request that asks for no copy and within a
//! second otherwise; an event published on one reaches an events channel open on the
//! other within a second. Each test gets a database of its
//! own in the cluster `scripts/with-postgres.sh` provides (skipped without one, except
//! under CI, where the test command always provides it).

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use courier_testkit::events::{events, next_event};
use courier_testkit::{AppSession, TestServer, api_error, fresh_postgres_database, refresh};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Two instances on `database`. They share one outbox folder, as instances share a
/// mail relay: whichever claims a queued mail delivers it.
async fn two_instances(database: &str) -> (TestServer, TestServer) {
    two_instances_with(database, |_| {}).await
}

/// Two instances on `database`, both configured by `configure` as well.
async fn two_instances_with(
    database: &str,
    configure: impl Fn(&mut courier_testkit::Settings),
) -> (TestServer, TestServer) {
    let a = TestServer::start_with(|settings| {
        settings.database_url = Some(database.into());
        configure(settings);
    })
    .await;
    let shared = a.data_dir().to_owned();
    let b = TestServer::start_with(|settings| {
        settings.database_url = Some(database.into());
        settings.data_dir = shared;
        configure(settings);
    })
    .await;
    (a, b)
}

/// The same tokens, talking to another instance.
fn on(server: &TestServer, app: &AppSession) -> AppSession {
    AppSession::new(server.base(), &app.access_token, &app.refresh_token)
}

/// Two instances on a fresh database, and Ada signed in through A on her laptop and
/// her desktop (`None`: no PostgreSQL here, the test is skipped).
async fn ada_signed_in_twice() -> Option<(TestServer, TestServer, AppSession, AppSession)> {
    let database = fresh_postgres_database().await?;
    let (a, b) = two_instances(&database).await;
    a.confirmed_account("ada@example.com", "ada").await;
    let laptop = a.app_session("ada", "Laptop").await;
    let desktop = a.app_session("ada", "Desktop").await;
    Some((a, b, laptop, desktop))
}

async fn current_session_id(app: &AppSession) -> String {
    let sessions: Vec<Value> = app.get_json("/api/v1/sessions").await;
    sessions
        .into_iter()
        .find(|session| session["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_revocation_on_one_instance_reaches_a_channel_on_the_other_within_a_second() {
    let Some((a, b, laptop, desktop)) = ada_signed_in_twice().await else {
        return;
    };

    // Tokens A issued work on B, and both publish the same signing keys.
    let desktop_on_b = on(&b, &desktop);
    let desktop_id = current_session_id(&desktop_on_b).await;
    let jwks_a: Value = reqwest::get(a.url("/oauth/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jwks_b: Value = reqwest::get(b.url("/oauth/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks_a, jwks_b);

    // The desktop's events channel is on B; the laptop signs it out through A.
    let (mut channel, ready) = events(&b, &desktop).await;
    assert_eq!(ready["session_id"], desktop_id.as_str());
    let started = Instant::now();
    let response = laptop
        .delete(&format!("/api/v1/sessions/{desktop_id}"))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let heard = next_event(&mut channel).await;
    let heard_after = started.elapsed();
    assert_eq!(
        heard,
        Some(json!({"type": "session_revoked", "session_id": desktop_id}))
    );
    assert!(heard_after < Duration::from_secs(1), "{heard_after:?}");

    // And the revoked tokens are refused by B too.
    let refused = desktop_on_b.get("/api/v1/sessions").await;
    assert_eq!(
        api_error(refused, StatusCode::UNAUTHORIZED).await["kind"],
        "unauthorized"
    );
}

/// `path` read through `app` with `Cache-Control: no-cache`, as the client library
/// reads in the seconds after a change: answered from the database, never a copy.
async fn get_fresh(app: &AppSession, path: &str) -> reqwest::Response {
    app.request(reqwest::Method::GET, path)
        .header(reqwest::header::CACHE_CONTROL, "no-cache")
        .send()
        .await
        .unwrap()
}

/// Reads `path` through `app` (copies allowed) until `wanted` holds for the answer's
/// status and body; fails after a second: how long the bus may take to tell another
/// instance.
async fn read_until(
    app: &AppSession,
    path: &str,
    wanted: impl Fn(StatusCode, &Value) -> bool,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let response = app.get(path).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if wanted(status, &body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "{path} still answers {status} {body} after a second"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_change_made_through_one_instance_is_read_back_through_the_other() {
    let Some((_a, b, laptop, desktop)) = ada_signed_in_twice().await else {
        return;
    };
    let laptop_on_b = on(&b, &laptop);
    let desktop_on_b = on(&b, &desktop);
    let desktop_id = current_session_id(&desktop_on_b).await;
    // B checks both tokens and reads the profile: copies it may answer from later. No
    // events channel is open anywhere.
    for app in [&laptop_on_b, &desktop_on_b] {
        let before: Value = app.get_json("/api/v1/me").await;
        assert_eq!(before["name"], Value::Null);
    }

    let renamed = laptop
        .patch_json("/api/v1/me", &json!({"name": "Ada Lovelace"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    // The laptop reads its own change back through B at once, asking for no copy...
    let after: Value = get_fresh(&laptop_on_b, "/api/v1/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["name"], "Ada Lovelace", "read back through B at once");
    let info: Value = get_fresh(&laptop_on_b, "/oauth/userinfo")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(info["name"], "Ada Lovelace");
    // ...and the desktop, which asks nothing, sees it once the bus has told B.
    read_until(&desktop_on_b, "/api/v1/me", |status, body| {
        status == StatusCode::OK && body["name"] == "Ada Lovelace"
    })
    .await;
    read_until(&desktop_on_b, "/oauth/userinfo", |_, body| {
        body["name"] == "Ada Lovelace"
    })
    .await;

    let response = laptop
        .delete(&format!("/api/v1/sessions/{desktop_id}"))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let refused = read_until(&desktop_on_b, "/api/v1/me", |status, _| {
        status == StatusCode::UNAUTHORIZED
    })
    .await;
    assert_eq!(refused["kind"], "unauthorized", "refused by B");
    let refused = get_fresh(&desktop_on_b, "/oauth/userinfo").await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_refresh_token_rotated_on_one_instance_is_spent_on_the_other() {
    let Some(database) = fresh_postgres_database().await else {
        return;
    };
    let (a, b) = two_instances(&database).await;
    a.confirmed_account("grace@example.com", "grace").await;
    let app = a.app_session("grace", "Desktop").await;

    let rotated = refresh(&b, &app.refresh_token).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let id_token = rotated["id_token"].as_str().map(str::to_owned);

    // The successor works on A; the spent token, replayed on A after the grace, is
    // refused and ends the grant everywhere.
    a.clock().advance(60);
    b.clock().advance(60);
    let next = refresh(&a, rotated["refresh_token"].as_str().unwrap()).await;
    assert_eq!(next.status(), StatusCode::OK);
    let replay = refresh(&a, &app.refresh_token).await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    let successor = AppSession::new(b.base(), rotated["access_token"].as_str().unwrap(), "");
    assert_eq!(
        successor.get("/api/v1/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    if let Some(id_token) = id_token {
        let kid = id_token_kid(&id_token);
        let jwks: Value = reqwest::get(a.url("/oauth/jwks"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            jwks["keys"]
                .as_array()
                .unwrap()
                .iter()
                .any(|key| key["kid"] == kid.as_str()),
            "an ID token signed by B names a key A publishes"
        );
    }
}

fn id_token_kid(id_token: &str) -> String {
    use base64::Engine as _;
    let header = id_token.split('.').next().unwrap();
    let header: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .unwrap(),
    )
    .unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn failed_sign_ins_spread_over_both_instances_count_together() {
    let Some(database) = fresh_postgres_database().await else {
        return;
    };
    let (a, b) = two_instances_with(&database, |settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.signin_per_ip_per_minute = 1000;
        settings.rate_limits.signin_failures_per_account = 4;
    })
    .await;
    a.confirmed_account("ada@example.com", "ada").await;
    // Four guesses, two on each instance: each instance alone has seen only two.
    for server in [&a, &b, &a, &b] {
        let guess = server
            .browser()
            .sign_in_at("/signin", "ada", "wrong-password-1", false)
            .await;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    // The fifth attempt, on either, must answer the "I'm not a robot" check first.
    for server in [&a, &b] {
        let asked = server
            .browser()
            .sign_in_at("/signin", "ada", "wrong-password-1", false)
            .await;
        assert_eq!(asked.status(), StatusCode::BAD_REQUEST);
        let page = asked.text().await.unwrap();
        assert!(page.contains("many failed sign-ins"), "{page}");
    }
}

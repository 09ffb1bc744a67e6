//! `/api/v1/sessions` and `/api/v1/events`: listing apps and browsers, revoking one
//! or all others (tokens die at once, the event arrives within a second), sign-out
//! paths that publish too, and the new-device security mail.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use courier_testkit::events::{events, events_request, next_event};
use courier_testkit::{AppSession, DESKTOP_CLIENT_ID, TestServer, api_error, revoke};
use futures::{SinkExt as _, StreamExt as _};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

async fn sessions(app: &AppSession) -> Vec<Value> {
    let response = app.get("/api/v1/sessions").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn session_id(app: &AppSession) -> String {
    sessions(app)
        .await
        .into_iter()
        .find(|session| session["current"] == true)
        .expect("the current session is listed")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn lists_apps_and_browsers_newest_used_first_and_marks_this_device() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let laptop = server.app_session("ada", "Ada's laptop").await;
    server.clock().advance(120);
    let desktop = server.app_session("ada", "Ada's desktop").await;
    let listed = sessions(&desktop).await;
    // Two grants, and the browser each app sign-in used.
    let apps: Vec<&Value> = listed.iter().filter(|s| s["kind"] == "app").collect();
    let browsers: Vec<&Value> = listed.iter().filter(|s| s["kind"] == "browser").collect();
    assert_eq!(apps.len(), 2, "{listed:#?}");
    assert_eq!(browsers.len(), 2, "{listed:#?}");
    assert_eq!(listed[0]["device_name"], "Ada's desktop", "newest first");
    assert_eq!(listed[0]["current"], true);
    assert_eq!(listed[0]["client"], "Courier desktop");
    assert_eq!(listed[0]["os"], "Linux");
    assert_eq!(listed[0]["ip"], "127.0.0.1");
    assert!(listed.iter().filter(|s| s["current"] == true).count() == 1);
    let laptop_row = apps
        .iter()
        .find(|s| s["device_name"] == "Ada's laptop")
        .unwrap();
    assert_eq!(laptop_row["current"], false);
    assert!(laptop_row["last_seen"].as_i64() < listed[0]["last_seen"].as_i64());
    assert_eq!(browsers[0]["client"], "CourierTestBrowser");
    assert_eq!(browsers[0]["os"], "Linux");
    assert_eq!(browsers[0]["device_name"], Value::Null);
    // The other session sees itself as current.
    assert_eq!(
        session_id(&laptop).await,
        laptop_row["id"].as_str().unwrap()
    );
}

#[tokio::test]
async fn a_revoked_session_fails_its_next_call_and_hears_about_it_within_a_second() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let a = server.app_session("ada", "A").await;
    let b = server.app_session("ada", "B").await;
    let b_id = session_id(&b).await;
    let (mut b_events, ready) = events(&server, &b).await;
    assert_eq!(ready, json!({"type": "ready", "session_id": b_id}));
    let (mut a_events, _) = events(&server, &a).await;

    let started = Instant::now();
    let response = a.delete(&format!("/api/v1/sessions/{b_id}")).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let refused = b.get("/api/v1/sessions").await;
    let refused_after = started.elapsed();
    let body = api_error(refused, StatusCode::UNAUTHORIZED).await;
    assert_eq!(body["kind"], "unauthorized");
    let event = next_event(&mut b_events).await;
    let heard_after = started.elapsed();
    assert_eq!(
        event,
        Some(json!({"type": "session_revoked", "session_id": b_id}))
    );
    assert!(refused_after < Duration::from_secs(1), "{refused_after:?}");
    assert!(heard_after < Duration::from_secs(1), "{heard_after:?}");
    assert_eq!(next_event(&mut b_events).await, None, "the channel closes");
    // A's channel hears about B too (its sessions screen refreshes) and stays open.
    assert_eq!(
        next_event(&mut a_events).await,
        Some(json!({"type": "session_revoked", "session_id": b_id}))
    );
    a_events.send(Message::Ping(vec![1].into())).await.unwrap();
    // B's refresh token is dead as well.
    let refreshed = courier_testkit::oauth::refresh(&server, &b.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        sessions(&a)
            .await
            .iter()
            .filter(|s| s["kind"] == "app")
            .count(),
        1
    );
}

#[tokio::test]
async fn another_account_s_session_or_an_unknown_id_is_not_found_alike() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let ada = server.app_session("ada", "A").await;
    let grace = server.app_session("grace", "G").await;
    let grace_id = session_id(&grace).await;
    let theirs = api_error(
        ada.delete(&format!("/api/v1/sessions/{grace_id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let unknown = api_error(
        ada.delete("/api/v1/sessions/no-such-session").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(theirs, unknown);
    assert_eq!(theirs["kind"], "not_found");
    assert_eq!(
        grace.get("/api/v1/sessions").await.status(),
        StatusCode::OK,
        "grace is still signed in"
    );
}

#[tokio::test]
async fn revoke_others_keeps_only_this_session_and_counts_the_rest() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let a = server.app_session("ada", "A").await;
    let b = server.app_session("ada", "B").await;
    let c = server.app_session("ada", "C").await;
    let (mut b_events, _) = events(&server, &b).await;
    let response = a
        .post_json("/api/v1/sessions/revoke-others", &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    // B and C, and the three browsers the sign-ins used.
    assert_eq!(body, json!({"revoked": 5}));
    let left = sessions(&a).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["current"], true);
    assert_eq!(
        b.get("/api/v1/sessions").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.get("/api/v1/sessions").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        next_event(&mut b_events).await.unwrap()["type"],
        "session_revoked"
    );
}

#[tokio::test]
async fn signing_out_an_app_or_reusing_its_refresh_token_publishes_the_revocation() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let a = server.app_session("ada", "A").await;
    let b = server.app_session("ada", "B").await;
    let c = server.app_session("ada", "C").await;
    let (b_id, c_id) = (session_id(&b).await, session_id(&c).await);
    let (mut watcher, _) = events(&server, &a).await;
    // RFC 7009 sign-out of B.
    let revoked = revoke(&server, &b.refresh_token).await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(
        next_event(&mut watcher).await,
        Some(json!({"type": "session_revoked", "session_id": b_id}))
    );
    // C's refresh token used twice, the second time past the retry grace: the grant
    // is revoked as a whole.
    assert_eq!(
        courier_testkit::oauth::refresh(&server, &c.refresh_token)
            .await
            .status(),
        StatusCode::OK
    );
    server.clock().advance(6);
    assert_eq!(
        courier_testkit::oauth::refresh(&server, &c.refresh_token)
            .await
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        next_event(&mut watcher).await,
        Some(json!({"type": "session_revoked", "session_id": c_id}))
    );
}

#[tokio::test]
async fn a_spent_code_coming_back_with_a_wrong_verifier_publishes_the_revocation() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let watcher_app = server.app_session("ada", "A").await;
    let request = courier_testkit::AuthorizeRequest::new();
    let params = courier_testkit::authorize_as(&server, &request, "ada", true).await;
    let code = courier_testkit::param(&params, "code").unwrap().to_owned();
    let tokens = courier_testkit::exchange_code(&server, &request, &code).await;
    let stolen: Vec<Value> = reqwest::Client::new()
        .get(server.url("/api/v1/sessions"))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let grant_id = stolen.iter().find(|s| s["current"] == true).unwrap()["id"].clone();
    let (mut watcher, _) = events(&server, &watcher_app).await;

    // The code again, with someone else's verifier: refused, and the grant its first
    // use issued is revoked, which its channels hear.
    let replay = courier_testkit::token_call(
        &server,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", &request.redirect_uri),
            ("client_id", DESKTOP_CLIENT_ID),
            ("code_verifier", &"x".repeat(43)),
        ],
    )
    .await;
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        next_event(&mut watcher).await,
        Some(json!({"type": "session_revoked", "session_id": grant_id}))
    );
}

#[tokio::test]
async fn the_events_channel_refuses_a_missing_or_revoked_token() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let a = server.app_session("ada", "A").await;
    let url = server.url("/api/v1/events").replace("http://", "ws://");
    let error = tokio_tungstenite::connect_async(url.as_str())
        .await
        .unwrap_err();
    match error {
        tokio_tungstenite::tungstenite::Error::Http(response) => {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        }
        other => panic!("expected a 401, got {other}"),
    }
    let revoke = a
        .post_json("/api/v1/sessions/revoke-others", &json!({}))
        .await;
    assert_eq!(revoke.status(), StatusCode::OK);
    let id = session_id(&a).await;
    assert_eq!(
        a.delete(&format!("/api/v1/sessions/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", a.access_token).parse().unwrap(),
    );
    assert!(tokio_tungstenite::connect_async(request).await.is_err());
}

#[tokio::test]
async fn signing_out_in_the_browser_ends_exactly_that_browser_session() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "A").await;
    let first = server.browser();
    let second = server.browser();
    for browser in [&first, &second] {
        let response = browser
            .sign_in_at("/signin", "ada", courier_testkit::PASSWORD, false)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let before = sessions(&app).await;
    let browsers_before = before.iter().filter(|s| s["kind"] == "browser").count();
    let csrf = first.csrf_for("/signout").await;
    let response = first.post_form("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(courier_testkit::signed_in_user(&first).await, None);
    assert_eq!(
        courier_testkit::signed_in_user(&second).await.as_deref(),
        Some("ada")
    );
    let after = sessions(&app).await;
    assert_eq!(
        after.iter().filter(|s| s["kind"] == "browser").count(),
        browsers_before - 1
    );
    assert_eq!(after.iter().filter(|s| s["kind"] == "app").count(), 1);
}

#[tokio::test]
async fn a_sign_in_from_a_new_device_is_mailed_but_not_the_first_or_a_known_one() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let mails = || courier_testkit::mails_to(&server.outbox(), "ada@example.com");
    let _first = server.app_session("ada", "Ada's laptop").await;
    let _again = server.app_session("ada", "Ada's laptop").await;
    tokio::time::sleep(Duration::from_millis(300)).await; // let the mail worker run
    assert_eq!(mails().len(), 1, "only the confirmation so far");
    let _new = server.app_session("ada", "Ada's phone").await;
    let mail = server.mail_to("ada@example.com", 2).await;
    assert!(mail.contains("New sign-in"), "{mail}");
    assert!(mail.contains("Ada's phone"), "{mail}");
    assert!(mail.contains("Linux"), "{mail}");
    assert!(mail.contains("127.0.0.1"), "{mail}");
}

#[tokio::test]
async fn a_browser_session_s_last_seen_follows_its_use() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let signed_in = browser
        .sign_in_at("/signin", "ada", courier_testkit::PASSWORD, true)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    // The app's sign-in (its own browser) comes later, so this browser's row is the
    // oldest one.
    server.clock().advance(10);
    let app = server.app_session("ada", "Ada's desktop").await;
    let browser_row = |listed: &[Value]| -> Value {
        listed
            .iter()
            .filter(|s| s["kind"] == "browser")
            .min_by_key(|s| s["first_seen"].as_i64())
            .cloned()
            .unwrap()
    };
    let before = browser_row(&sessions(&app).await);

    // Five minutes later (the app's access token still good) the browser opens a
    // page: its session was seen then.
    server.clock().advance(300);
    assert_eq!(browser.get("/").await.status(), StatusCode::OK);
    let after = browser_row(&sessions(&app).await);
    assert_eq!(after["id"], before["id"]);
    assert_eq!(
        after["last_seen"].as_i64().unwrap() - before["last_seen"].as_i64().unwrap(),
        310
    );
    assert_eq!(after["first_seen"], before["first_seen"]);
}

#[tokio::test]
async fn a_failed_last_seen_write_never_fails_the_page_or_call_that_made_it() {
    let server = TestServer::start().await;
    if server.on_postgres() {
        eprintln!("skipped on PostgreSQL: this test breaks writes with a SQLite trigger");
        return;
    }
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let signed_in = browser
        .sign_in_at("/signin", "ada", courier_testkit::PASSWORD, true)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let app = server.app_session("ada", "Ada's desktop").await;
    // From now on the database refuses every "last seen" write, as a full disk or a
    // locked file would.
    let database = format!(
        "sqlite://{}",
        server.data_dir().join("courier.db").display()
    );
    let pool = sqlx::SqlitePool::connect(&database).await.unwrap();
    for (table, column) in [("web_sessions", "last_seen_at"), ("grants", "last_used_at")] {
        let trigger = format!(
            "CREATE TRIGGER refuse_{table} BEFORE UPDATE OF {column} ON {table} \
             BEGIN SELECT RAISE(ABORT, 'no space left on device'); END"
        );
        sqlx::query(&trigger).execute(&pool).await.unwrap();
    }

    server.clock().advance(300);
    let page = browser.get("/").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        courier_testkit::signed_in_user_in(&page.text().await.unwrap()).as_deref(),
        Some("ada")
    );
    assert_eq!(app.get("/api/v1/me").await.status(), StatusCode::OK);
    assert_eq!(
        courier_testkit::userinfo(&server, &app.access_token)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_events_channel_closes_when_its_session_reaches_its_end() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "Ada's laptop").await;
    // Keep me signed in: the session lasts 30 days from the sign-in. Two seconds
    // before its end the app refreshes (its access token is long gone) and listens.
    server.clock().advance(30 * 86_400 - 2);
    let refreshed = courier_testkit::oauth::refresh(&server, &app.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let tokens: Value = refreshed.json().await.unwrap();
    let late = AppSession::new(
        server.base(),
        tokens["access_token"].as_str().unwrap(),
        tokens["refresh_token"].as_str().unwrap(),
    );
    let (mut socket, ready) = events(&server, &late).await;
    assert_eq!(ready["type"], "ready");
    let closed = tokio::time::timeout(Duration::from_secs(10), socket.next())
        .await
        .expect("the channel closes by itself once the session has ended");
    match closed {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), 4003);
            assert_eq!(frame.reason.as_str(), "session expired");
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test]
async fn an_account_over_its_cap_of_event_channels_is_told_why() {
    let server = TestServer::start_with(|settings| {
        settings.connections.event_channels_per_account = 3;
    })
    .await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "Ada's laptop").await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(events(&server, &app).await.0);
    }
    let request = events_request(&server, &app);
    let (mut extra, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    match tokio::time::timeout(Duration::from_secs(5), extra.next())
        .await
        .unwrap()
    {
        Some(Ok(Message::Close(Some(frame)))) => {
            assert_eq!(u16::from(frame.code), 4008);
            assert_eq!(
                frame.reason.as_str(),
                "too many event channels for this account"
            );
        }
        other => panic!("expected a close frame, got {other:?}"),
    }
    // Closing one gives its place back.
    let mut first = open.remove(0);
    first.close(None).await.unwrap();
    while first.next().await.is_some() {}
    let mut again = None;
    for _ in 0..50 {
        let request = events_request(&server, &app);
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        if let Some(ready) = next_event(&mut socket).await {
            again = Some(ready);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(again.expect("a place came back")["type"], "ready");
}

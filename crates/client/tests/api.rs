//! The account API client against a scripted HTTP server on loopback: the bearer
//! token goes with every call, a returned profile updates the account list (its avatar
//! made absolute), refusals keep the server's kind, message and fields, and a 401
//! signs the account out with `reauth_required`. The real server's behaviour is
//! covered end to end in `tests/tests/client_events.rs`.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use common::{ACCESS_TOKEN, SignedIn};
use courier_client::api::FRESH_READS_AFTER_CHANGE;
use courier_client::clock::ManualClock;
use courier_proto::{ProfileUpdate, SessionKind};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// One request as the server saw it.
#[derive(Debug)]
struct Seen {
    head: String,
    body: String,
}

/// Answers every request with `status`, `extra_headers` and `body`, and reports it.
async fn answering(
    status: &'static str,
    extra_headers: &'static str,
    body: &'static str,
) -> (String, mpsc::UnboundedReceiver<Seen>) {
    serving(move |head| {
        if head.starts_with("POST /oauth/token") {
            // A grant the server ended: refreshing fails for good.
            return ("400 Bad Request", "", INVALID_GRANT);
        }
        (status, extra_headers, body)
    })
    .await
}

const INVALID_GRANT: &str = r#"{"error":"invalid_grant","error_description":"revoked"}"#;

/// A stand-in server whose answer (status, extra headers, body) depends on the
/// request head.
async fn serving(
    answer: impl Fn(&str) -> (&'static str, &'static str, &'static str) + Send + Sync + 'static,
) -> (String, mpsc::UnboundedReceiver<Seen>) {
    let answer = std::sync::Arc::new(answer);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sender, seen) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let sender = sender.clone();
            let answer = std::sync::Arc::clone(&answer);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                // Read the head, then as much body as Content-Length says.
                let (head, received) = loop {
                    let read = stream.read(&mut buffer).await.unwrap_or(0);
                    if read == 0 {
                        return;
                    }
                    request.extend_from_slice(&buffer[..read]);
                    let text = String::from_utf8_lossy(&request).into_owned();
                    if let Some((head, body)) = text.split_once("\r\n\r\n") {
                        let length = head
                            .lines()
                            .find_map(|line| {
                                let (name, value) = line.split_once(':')?;
                                name.eq_ignore_ascii_case("content-length")
                                    .then(|| value.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if body.len() >= length {
                            break (head.to_owned(), body.to_owned());
                        }
                    }
                };
                let (status, extra_headers, body) = answer(&head);
                let _ = sender.send(Seen {
                    head,
                    body: received,
                });
                let response = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extra_headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    (base, seen)
}

const PROFILE: &str = r#"{"id":"u1","username":"ada2","email":"ada@example.com",
    "email_verified":true,"pending_email":null,"name":"Ada Lovelace","bio":null,
    "website":null,"links":[],"avatar_url":"/avatars/u1.png?v=3","public":false,
    "configured":true,"created_at":1700000000}"#;

#[tokio::test]
async fn a_profile_update_sends_only_the_changed_fields_and_refreshes_the_account_list() {
    let (base, mut seen) = answering("200 OK", "", PROFILE).await;
    let client = SignedIn::on(&base);
    let update = ProfileUpdate {
        name: Some("Ada Lovelace".into()),
        username: Some("ada2".into()),
        ..ProfileUpdate::default()
    };
    let profile = client
        .courier
        .api(&client.account_id)
        .update_profile(&update)
        .await
        .unwrap();
    assert_eq!(
        profile.avatar_url.as_deref(),
        Some(format!("{base}/avatars/u1.png?v=3").as_str())
    );
    let request = seen.recv().await.unwrap();
    assert!(
        request.head.starts_with("PATCH /api/v1/me HTTP/1.1"),
        "{}",
        request.head
    );
    assert!(
        request
            .head
            .to_lowercase()
            .contains(&format!("authorization: bearer {ACCESS_TOKEN}")),
        "{}",
        request.head
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&request.body).unwrap(),
        serde_json::json!({"name": "Ada Lovelace", "username": "ada2"})
    );
    let account = client.account().await;
    assert_eq!(account.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(account.username.as_deref(), Some("ada2"));
    assert_eq!(account.avatar_url, profile.avatar_url);
}

/// Whether a request head asks for no copy.
fn asks_for_no_copy(seen: &Seen) -> bool {
    seen.head.to_lowercase().contains("cache-control: no-cache")
}

#[tokio::test]
async fn reads_ask_for_no_copy_for_a_while_after_a_change() {
    let (base, mut seen) = answering("200 OK", "", PROFILE).await;
    let clock = ManualClock::starting_now();
    let client = SignedIn::with_clock(&base, Arc::new(clock.clone()));
    let api = client.courier.api(&client.account_id);

    api.profile().await.unwrap();
    assert!(
        !asks_for_no_copy(&seen.recv().await.unwrap()),
        "no change yet"
    );

    api.update_profile(&ProfileUpdate {
        bio: Some("Analyst".into()),
        ..ProfileUpdate::default()
    })
    .await
    .unwrap();
    let change = seen.recv().await.unwrap();
    assert!(change.head.starts_with("PATCH "), "{}", change.head);
    api.profile().await.unwrap();
    assert!(
        asks_for_no_copy(&seen.recv().await.unwrap()),
        "just changed"
    );

    clock.advance(FRESH_READS_AFTER_CHANGE);
    api.profile().await.unwrap();
    assert!(
        asks_for_no_copy(&seen.recv().await.unwrap()),
        "still within"
    );

    clock.advance(1);
    api.profile().await.unwrap();
    assert!(
        !asks_for_no_copy(&seen.recv().await.unwrap()),
        "long enough ago"
    );
}

#[tokio::test]
async fn a_refusal_keeps_the_server_s_kind_message_and_fields() {
    let (base, _seen) = answering(
        "400 Bad Request",
        "",
        r#"{"kind":"invalid_input","message":"Check the highlighted fields.","fields":[{"field":"website","message":"must start with https://"}]}"#,
    )
    .await;
    let client = SignedIn::on(&base);
    let error = client
        .courier
        .api(&client.account_id)
        .update_profile(&ProfileUpdate {
            website: Some("ftp://x".into()),
            ..ProfileUpdate::default()
        })
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "invalid_input");
    assert_eq!(error.to_string(), "Check the highlighted fields.");
    assert_eq!(error.fields()[0].field, "website");
    assert!(!client.account().await.signed_out);
}

#[tokio::test]
async fn rate_limits_say_when_to_try_again() {
    let (base, _seen) = answering(
        "429 Too Many Requests",
        "Retry-After: 42\r\n",
        r#"{"kind":"rate_limited","message":"Too many requests."}"#,
    )
    .await;
    let client = SignedIn::on(&base);
    let error = client
        .courier
        .api(&client.account_id)
        .support_requests()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "rate_limited");
    assert!(error.to_string().contains("42 s"), "{error}");
}

#[tokio::test]
async fn a_401_whose_refresh_is_refused_marks_the_account_signed_out() {
    let (base, mut seen) = answering(
        "401 Unauthorized",
        "",
        r#"{"kind":"unauthorized","message":"The access token is not valid."}"#,
    )
    .await;
    let client = SignedIn::on(&base);
    let error = client
        .courier
        .api(&client.account_id)
        .sessions()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "reauth_required");
    let account = client.account().await;
    assert!(account.signed_out, "kept listed, marked signed out");
    assert!(!client.has_tokens());
    // The next call does not even reach the server.
    let again = client
        .courier
        .api(&client.account_id)
        .sessions()
        .await
        .unwrap_err();
    assert_eq!(again.kind(), "reauth_required");
    // The call, then one refresh (refused), and nothing after.
    assert!(
        seen.recv()
            .await
            .unwrap()
            .head
            .starts_with("GET /api/v1/sessions")
    );
    assert!(
        seen.recv()
            .await
            .unwrap()
            .head
            .starts_with("POST /oauth/token")
    );
    assert!(seen.try_recv().is_err());
}

/// A refresh's answer: a new pair.
const NEW_PAIR: &str = r#"{"access_token":"access-token-2","token_type":"Bearer","expires_in":600,"refresh_token":"refresh-token-2"}"#;

/// A server that refuses the first access token (401), answers refreshes with
/// `refreshed()` (status, body) and any call with the new token with `[]`.
async fn refusing_the_first_token(
    refreshed: impl Fn() -> (&'static str, &'static str) + Send + Sync + 'static,
) -> (String, mpsc::UnboundedReceiver<Seen>) {
    serving(move |head| {
        if head.starts_with("POST /oauth/token") {
            let (status, body) = refreshed();
            (status, "", body)
        } else if head.contains("Bearer access-token-2") {
            ("200 OK", "", "[]")
        } else {
            (
                "401 Unauthorized",
                "",
                r#"{"kind":"unauthorized","message":"expired"}"#,
            )
        }
    })
    .await
}

/// Lists the sessions as Ada on `base`: the list is empty and she is still signed in.
async fn still_signed_in_after_listing_sessions(base: &str) {
    let client = SignedIn::on(base);
    let sessions = client
        .courier
        .api(&client.account_id)
        .sessions()
        .await
        .unwrap();
    assert!(sessions.is_empty());
    assert!(!client.account().await.signed_out);
}

#[tokio::test]
async fn a_401_with_a_grant_still_alive_refreshes_and_retries_once() {
    // The server refuses the first token (this device's clock was behind) but the
    // grant is fine: one refresh, one retry, and the account stays signed in.
    let (base, mut seen) = refusing_the_first_token(|| ("200 OK", NEW_PAIR)).await;
    still_signed_in_after_listing_sessions(&base).await;
    let heads: Vec<String> = [
        seen.recv().await.unwrap(),
        seen.recv().await.unwrap(),
        seen.recv().await.unwrap(),
    ]
    .into_iter()
    .map(|seen| seen.head)
    .collect();
    assert!(heads[0].contains("Bearer access-token-1"));
    assert!(heads[1].starts_with("POST /oauth/token"));
    assert!(heads[2].contains("Bearer access-token-2"));
}

#[tokio::test]
async fn a_refresh_cut_off_by_a_502_is_sent_once_more_and_the_account_stays_signed_in() {
    // A proxy answers 502 for the first refresh (its server instance went away); the
    // same refresh token sent again gets a new pair.
    let refreshes = std::sync::atomic::AtomicUsize::new(0);
    let (base, mut seen) = refusing_the_first_token(move || {
        if refreshes.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            (
                "502 Bad Gateway",
                "<html><body>502 Bad Gateway</body></html>",
            )
        } else {
            ("200 OK", NEW_PAIR)
        }
    })
    .await;
    still_signed_in_after_listing_sessions(&base).await;
    let mut refresh_bodies = Vec::new();
    while let Ok(request) = seen.try_recv() {
        if request.head.starts_with("POST /oauth/token") {
            refresh_bodies.push(request.body);
        }
    }
    assert_eq!(refresh_bodies.len(), 2, "one refresh, sent twice");
    assert!(
        refresh_bodies
            .iter()
            .all(|body| body.contains("refresh_token=refresh-token-1")),
        "{refresh_bodies:?}"
    );
}

#[tokio::test]
async fn sessions_and_a_revocation_go_to_their_paths() {
    let (base, mut seen) = answering(
        "200 OK",
        "",
        r#"[{"id":"g/1","kind":"app","device_name":"desk","client":"Courier desktop","os":"Linux","ip":"127.0.0.1","first_seen":1,"last_seen":2,"current":true}]"#,
    )
    .await;
    let client = SignedIn::on(&base);
    let api = client.courier.api(&client.account_id);
    let sessions = api.sessions().await.unwrap();
    assert_eq!(sessions[0].kind, SessionKind::App);
    assert!(sessions[0].current);
    assert!(
        seen.recv()
            .await
            .unwrap()
            .head
            .starts_with("GET /api/v1/sessions HTTP/1.1")
    );
    // The server answers 200 with a body here; the client only needs a success.
    api.revoke_session("g/1").await.unwrap();
    let request = seen.recv().await.unwrap();
    assert!(
        request
            .head
            .starts_with("DELETE /api/v1/sessions/g%2F1 HTTP/1.1"),
        "{}",
        request.head
    );
}

#[tokio::test]
async fn oversized_avatars_are_refused_without_a_request() {
    let (base, mut seen) = answering("200 OK", "", PROFILE).await;
    let client = SignedIn::on(&base);
    let error = client
        .courier
        .api(&client.account_id)
        .upload_avatar(
            "image/png",
            vec![0; courier_client::api::AVATAR_MAX_BYTES + 1],
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "payload_too_large");
    assert!(seen.try_recv().is_err());
    let profile = client
        .courier
        .api(&client.account_id)
        .upload_avatar("image/png", b"\x89PNG\r\n\x1a\n".to_vec())
        .await
        .unwrap();
    assert!(profile.avatar_url.is_some());
    let request = seen.recv().await.unwrap();
    assert!(request.head.starts_with("PUT /api/v1/me/avatar HTTP/1.1"));
    assert!(
        request
            .head
            .to_lowercase()
            .contains("content-type: image/png")
    );
}

#[tokio::test]
async fn two_processes_on_one_device_spend_a_refresh_token_once() {
    use std::sync::Arc;

    use courier_client::Courier;
    use courier_client::auth::browser::NoBrowser;
    use courier_client::auth::vault::{TokenSet, TokenVault as _};
    use courier_client::clock::{Clock as _, SystemClock};
    use courier_client::config::ClientConfig;

    // The app and the CLI: one data folder, one keyring, two `Courier`s. The stand-in
    // server would revoke the grant on a second use of the refresh token; here it
    // just counts the refreshes.
    let (base, mut seen) = serving(|head| {
        if head.starts_with("POST /oauth/token") {
            (
                "200 OK",
                "",
                r#"{"access_token":"access-token-2","token_type":"Bearer","expires_in":600,"refresh_token":"refresh-token-2"}"#,
            )
        } else {
            ("404 Not Found", "", "{}")
        }
    })
    .await;
    let app = SignedIn::on(&base);
    app.vault
        .put(
            &app.account_id,
            &TokenSet {
                access_token: ACCESS_TOKEN.into(),
                access_expires_at: SystemClock.now() - 1,
                refresh_token: Some("refresh-token-1".into()),
                scope: None,
            },
        )
        .unwrap();
    let cli = Courier::new(
        ClientConfig::for_data_dir(app.data.path(), "unused", &base),
        app.vault.clone(),
        Arc::new(SystemClock),
        Arc::new(NoBrowser),
    )
    .unwrap();
    let (from_app, from_cli) = tokio::join!(
        app.courier.access_token(&app.account_id),
        cli.access_token(&app.account_id)
    );
    assert_eq!(from_app.unwrap(), "access-token-2");
    assert_eq!(from_cli.unwrap(), "access-token-2");
    let mut refreshes = 0;
    while let Ok(request) = seen.try_recv() {
        refreshes += usize::from(request.head.starts_with("POST /oauth/token"));
    }
    assert_eq!(refreshes, 1, "one refresh for both processes");
}

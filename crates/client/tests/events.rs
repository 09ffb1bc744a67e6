//! The events channel against a scripted WebSocket server on loopback: it sends the
//! bearer token, reports what the server says, reconnects after a loss (backoff made
//! tiny here), ignores other sessions' revocations, and on its own session's
//! revocation or a refused upgrade marks the account signed out and stops.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::{ACCESS_TOKEN, SignedIn};
use courier_client::channel::{self, AccountEvent, Backoff, EventsOptions};
use courier_proto::ServerEvent;
use futures::{SinkExt as _, StreamExt as _};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::StatusCode;

fn fast() -> EventsOptions {
    EventsOptions {
        backoff: Backoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(40),
        },
        ..EventsOptions::default()
    }
}

/// What the scripted server does with one connection.
#[derive(Clone)]
enum Script {
    /// Refuse the upgrade with this status.
    Refuse(StatusCode),
    /// Drop the TCP connection before the upgrade.
    Drop,
    /// Accept, send these events, then close (`true`) or stay open.
    Send(Vec<ServerEvent>, bool),
}

struct ScriptedServer {
    issuer: String,
    connections: Arc<AtomicUsize>,
    /// Messages the server received from the client, per connection.
    received: mpsc::UnboundedReceiver<(usize, Option<Message>)>,
}

/// Serves connection `n` with `scripts[n]` (the last one repeats).
async fn scripted_server(scripts: Vec<Script>) -> ScriptedServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let (sender, received) = mpsc::unbounded_channel();
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let script = scripts[n.min(scripts.len() - 1)].clone();
            let sender = sender.clone();
            tokio::spawn(async move {
                let refuse = match &script {
                    Script::Drop => return,
                    Script::Refuse(status) => Some(*status),
                    Script::Send(..) => None,
                };
                // The signature is tungstenite's handshake callback.
                #[allow(clippy::result_large_err)]
                let check = move |request: &Request, response: Response| {
                    assert_eq!(request.uri().path(), "/api/v1/events");
                    let bearer = request.headers().get("authorization").unwrap();
                    assert_eq!(bearer, &format!("Bearer {ACCESS_TOKEN}"));
                    match refuse {
                        Some(status) => {
                            let mut refusal = ErrorResponse::new(None);
                            *refusal.status_mut() = status;
                            Err(refusal)
                        }
                        None => Ok(response),
                    }
                };
                let Ok(mut socket) = tokio_tungstenite::accept_hdr_async(stream, check).await
                else {
                    return;
                };
                let Script::Send(events, close) = script else {
                    return;
                };
                for event in events {
                    let text = serde_json::to_string(&event).unwrap();
                    socket.send(Message::text(text)).await.unwrap();
                }
                if close {
                    let _ = socket.close(None).await;
                    return;
                }
                loop {
                    let message = socket.next().await.and_then(Result::ok);
                    let end = matches!(message, None | Some(Message::Close(_)));
                    let _ = sender.send((n, message));
                    if end {
                        return;
                    }
                }
            });
        }
    });
    ScriptedServer {
        issuer,
        connections,
        received,
    }
}

/// A token endpoint that answers every refresh with `invalid_grant`.
async fn refusing_token_endpoint() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/oauth/token", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
                let mut buffer = [0u8; 4096];
                let _ = stream.read(&mut buffer).await;
                let body = r#"{"error":"invalid_grant","error_description":"revoked"}"#;
                let response = format!(
                    "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\
                     Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    url
}

fn ready(session: &str) -> ServerEvent {
    ServerEvent::Ready {
        session_id: session.into(),
    }
}

fn revoked(session: &str) -> ServerEvent {
    ServerEvent::SessionRevoked {
        session_id: session.into(),
    }
}

async fn next(outcomes: &mut mpsc::UnboundedReceiver<AccountEvent>) -> AccountEvent {
    tokio::time::timeout(Duration::from_secs(5), outcomes.recv())
        .await
        .expect("an event within 5 s")
        .expect("the channel is still reporting")
}

#[tokio::test]
async fn reconnects_after_a_loss_and_signs_out_when_its_own_session_is_revoked() {
    let server = scripted_server(vec![
        // Live, then another device's session is revoked, then the connection drops.
        Script::Send(vec![ready("s1"), revoked("someone-else")], true),
        // Two failed attempts (not live: no Disconnected for them).
        Script::Drop,
        Script::Refuse(StatusCode::SERVICE_UNAVAILABLE),
        Script::Send(
            vec![ready("s1"), ServerEvent::ProfileChanged, revoked("s1")],
            false,
        ),
    ])
    .await;
    let client = SignedIn::on(&server.issuer);
    let (sink, mut outcomes) = mpsc::unbounded_channel();
    let handle = channel::spawn(
        Arc::clone(&client.courier),
        client.account_id.clone(),
        fast(),
        sink,
    );
    let id = client.account_id.clone();
    assert_eq!(
        next(&mut outcomes).await,
        AccountEvent::Connected {
            account_id: id.clone()
        }
    );
    let AccountEvent::Disconnected { account_id, .. } = next(&mut outcomes).await else {
        panic!("a lost connection is reported");
    };
    assert_eq!(account_id, id);
    assert!(!client.account().await.signed_out);
    assert_eq!(
        next(&mut outcomes).await,
        AccountEvent::Connected {
            account_id: id.clone()
        }
    );
    assert_eq!(
        next(&mut outcomes).await,
        AccountEvent::ProfileChanged {
            account_id: id.clone()
        }
    );
    assert_eq!(
        next(&mut outcomes).await,
        AccountEvent::SessionRevoked {
            account_id: id.clone()
        }
    );
    // Signed out exactly like a dead refresh token: listed, no tokens.
    assert!(client.account().await.signed_out);
    assert!(!client.has_tokens());
    assert_eq!(server.connections.load(Ordering::SeqCst), 4);
    tokio::time::timeout(Duration::from_secs(5), async {
        while !handle.is_finished() {
            tokio::task::yield_now().await;
        }
    })
    .await
    .expect("the channel ends after its session was revoked");
    assert_eq!(
        client.courier.access_token(&id).await.unwrap_err().kind(),
        "reauth_required"
    );
}

#[tokio::test]
async fn a_refused_token_whose_refresh_is_refused_signs_the_account_out() {
    let server = scripted_server(vec![Script::Refuse(StatusCode::UNAUTHORIZED)]).await;
    // The refresh the refused upgrade triggers: the grant has ended.
    let token_endpoint = refusing_token_endpoint().await;
    let client = SignedIn::with_token_endpoint(&server.issuer, &token_endpoint);
    let (sink, mut outcomes) = mpsc::unbounded_channel();
    let _handle = channel::spawn(
        Arc::clone(&client.courier),
        client.account_id.clone(),
        fast(),
        sink,
    );
    assert_eq!(
        next(&mut outcomes).await,
        AccountEvent::SessionRevoked {
            account_id: client.account_id.clone()
        }
    );
    assert!(client.account().await.signed_out);
    assert!(!client.has_tokens());
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn stop_closes_the_connection_and_nothing_reconnects() {
    let mut server = scripted_server(vec![Script::Send(vec![ready("s1")], false)]).await;
    let client = SignedIn::on(&server.issuer);
    let (sink, mut outcomes) = mpsc::unbounded_channel();
    let handle = channel::spawn(
        Arc::clone(&client.courier),
        client.account_id.clone(),
        fast(),
        sink,
    );
    assert!(matches!(
        next(&mut outcomes).await,
        AccountEvent::Connected { .. }
    ));
    handle.stop().await;
    let (connection, message) =
        tokio::time::timeout(Duration::from_secs(5), server.received.recv())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(connection, 0);
    assert!(
        matches!(message, Some(Message::Close(_))),
        "a clean close, not a dropped connection: {message:?}"
    );
    // Everything the channel will ever send has been sent once `stop` returned.
    assert!(outcomes.recv().await.is_none());
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    assert!(!client.account().await.signed_out);
}

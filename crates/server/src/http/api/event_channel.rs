//! `GET /api/v1/events`: the account's events channel, a WebSocket authenticated by
//! the upgrade request's bearer token. It sends `ready` first, then every event of
//! the account as a JSON text frame; when its own session is revoked it sends
//! `session_revoked` and closes (4001), and when the session reaches its end it closes
//! (4003), as any request of that session would then be refused. An account or an
//! address over its cap of open channels gets one that closes at once (4008). The client only ever sends pings and a close, so
//! the buffers are tiny: an idle channel costs a few KiB of server memory
//! (BENCHMARKS.md, "Session revocation").

use std::time::Duration;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::response::{IntoResponse as _, Response};
use courier_proto::{ErrorBody, ServerEvent};
use tokio::sync::broadcast::error::RecvError;

use super::auth::Authenticated;
use super::error::ApiError;
use crate::http::client::ClientInfo;
use crate::http::oauth::userinfo;
use crate::platform::channel_slots::Full;
use crate::platform::hub::Event;
use crate::state::AppState;

/// Largest message or frame the client may send (pings, a close with a reason).
const MAX_INCOMING: usize = 1024;
/// Read chunk of the WebSocket; tungstenite allocates it once per connection.
const READ_BUFFER: usize = 1024;
/// Outgoing frames are small JSON documents; write them straight through.
const WRITE_BUFFER: usize = 0;
/// The most unsent data a slow client may hold up before the channel closes.
const MAX_WRITE_BUFFER: usize = 64 * 1024;
/// Keeps proxies from closing an idle channel, and finds dead peers.
const PING_INTERVAL: Duration = Duration::from_secs(30);

/// Opens the events channel.
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "events",
    security(("bearer" = [])),
    responses(
        (status = 101, description = "Switching to a WebSocket carrying `ServerEvent` JSON text frames", body = ServerEvent),
        (status = 401, description = "No valid access token", body = ErrorBody),
    )
)]
pub async fn channel(
    auth: Authenticated,
    State(state): State<AppState>,
    client: ClientInfo,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    // Subscribe before answering, so nothing published from now on is missed; then
    // check the token once more, since a revocation between the first check and the
    // subscription was published to no one this channel could hear.
    let events = state.events.subscribe(&auth.user.id);
    match userinfo::authenticate(&state, &headers, auth.freshness).await {
        Ok(_) => {}
        Err(error) if error.status.is_server_error() => {
            return ApiError::internal().into_response();
        }
        Err(_) => return ApiError::unauthorized("the session has ended").into_response(),
    }
    // Over a cap, the channel opens only to say why it closes, so the app's log
    // and backoff see a reason rather than a bare refusal.
    let slot = state.event_channels.take(&auth.user.id, &client.ip);
    let session_id = auth.session_id;
    // The session's remaining life on the server's clock, counted from now.
    let remaining = auth.session_expires_at.saturating_sub(state.clock.now());
    let ends = tokio::time::Instant::now()
        + Duration::from_secs(u64::try_from(remaining).unwrap_or_default());
    upgrade
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(WRITE_BUFFER)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
        .max_message_size(MAX_INCOMING)
        .max_frame_size(MAX_INCOMING)
        .on_upgrade(move |socket| async move {
            let reason = match slot {
                Ok(_slot) => return serve(socket, events, session_id, ends).await,
                Err(Full::Account) => "too many event channels for this account",
                Err(Full::Address) => "too many event channels from this address",
            };
            close(socket, 4008, reason).await;
        })
}

async fn serve(
    mut socket: WebSocket,
    mut events: tokio::sync::broadcast::Receiver<Event>,
    session_id: String,
    session_ends: tokio::time::Instant,
) {
    let ready = ServerEvent::Ready {
        session_id: session_id.clone(),
    };
    if send(&mut socket, &ready).await.is_err() {
        return;
    }
    let mut ping =
        tokio::time::interval_at(tokio::time::Instant::now() + PING_INTERVAL, PING_INTERVAL);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => {
                    if send(&mut socket, &event).await.is_err() {
                        return;
                    }
                    if matches!(&*event, ServerEvent::SessionRevoked { session_id: revoked }
                        if *revoked == session_id)
                    {
                        close(socket, 4001, "session revoked").await;
                        return;
                    }
                }
                // Fell behind: the app reconnects and re-reads its state.
                Err(RecvError::Lagged(_)) => {
                    close(socket, 4002, "lagged").await;
                    return;
                }
                // Events may have been lost between instances (the bus's database
                // connection dropped): the app reconnects and re-reads its state.
                Err(RecvError::Closed) => {
                    close(socket, 4002, "missed events").await;
                    return;
                }
            },
            incoming = socket.recv() => match incoming {
                // Pings are answered by the library; nothing else is expected.
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
            () = tokio::time::sleep_until(session_ends) => {
                close(socket, 4003, "session expired").await;
                return;
            }
            _ = ping.tick() => {
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
        }
    }
}

async fn send(socket: &mut WebSocket, event: &ServerEvent) -> Result<(), ()> {
    let json = serde_json::to_string(event).map_err(|_| ())?;
    socket
        .send(Message::Text(Utf8Bytes::from(json)))
        .await
        .map_err(|_| ())
}

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let frame = CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}

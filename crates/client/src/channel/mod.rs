//! The events channel of one account (`/api/v1/events`, a WebSocket): connect with the
//! account's bearer token, keep the connection alive, reconnect after a loss with
//! capped exponential backoff and jitter (a fresh token each time), and turn the
//! server's frames into [`AccountEvent`]s. When the server says *this* session was
//! revoked, or refuses the token, the account is marked signed out (tokens deleted,
//! kept listed) exactly as when its refresh token dies, and the channel ends.
//! It does not fetch anything itself: `ProfileChanged` tells the owner to re-read.

mod backoff;

use std::sync::Arc;
use std::time::Duration;

use courier_proto::ServerEvent;
use futures::{SinkExt as _, StreamExt as _};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode, header::AUTHORIZATION};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use url::Url;

use crate::api::api_url;
use crate::courier::Courier;
use crate::error::{Error, Result};

pub use backoff::Backoff;

/// What an account's events channel reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountEvent {
    /// The channel is live (the server said `ready`).
    Connected { account_id: String },
    /// A live channel was lost; it is reconnecting.
    Disconnected { account_id: String, reason: String },
    /// The server ended this device's sign-in. The account is now marked signed out
    /// and the channel has stopped.
    SessionRevoked { account_id: String },
    /// The profile or email changed (here or elsewhere): read it again.
    ProfileChanged { account_id: String },
    /// A team of the account's changed (members, roles, invitations, join requests,
    /// its name) or the account joined or left one: read its teams again.
    TeamsChanged { account_id: String, team_id: String },
    /// A workspace the account reaches changed on the server up to `seq`: sync it.
    WorkspaceChanged {
        account_id: String,
        workspace_id: String,
        seq: i64,
    },
    /// A workspace's end-to-end keys changed (a new version, or copies for members):
    /// read them again.
    WorkspaceKeysChanged {
        account_id: String,
        workspace_id: String,
    },
    /// A workspace the account reached was deleted on the server: sync the account
    /// (its round removes this device's copy).
    WorkspaceDeleted {
        account_id: String,
        workspace_id: String,
    },
    /// A team's plan or billing changed (a payment confirmed, a renewal, a downgrade):
    /// read its billing again.
    BillingChanged { account_id: String, team_id: String },
}

impl AccountEvent {
    pub fn account_id(&self) -> &str {
        match self {
            AccountEvent::Connected { account_id }
            | AccountEvent::Disconnected { account_id, .. }
            | AccountEvent::SessionRevoked { account_id }
            | AccountEvent::ProfileChanged { account_id }
            | AccountEvent::TeamsChanged { account_id, .. }
            | AccountEvent::WorkspaceChanged { account_id, .. }
            | AccountEvent::WorkspaceKeysChanged { account_id, .. }
            | AccountEvent::WorkspaceDeleted { account_id, .. }
            | AccountEvent::BillingChanged { account_id, .. } => account_id,
        }
    }
}

/// Timings of an events channel.
#[derive(Debug, Clone, Copy)]
pub struct EventsOptions {
    pub backoff: Backoff,
    /// How long a connection (TCP, TLS and the upgrade) may take.
    pub connect_timeout: Duration,
    /// A ping is sent this often; a connection silent for twice as long is dropped
    /// and reconnected (a sleeping laptop, a NAT that forgot the connection).
    pub ping_interval: Duration,
}

impl Default for EventsOptions {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            connect_timeout: Duration::from_secs(10),
            ping_interval: Duration::from_secs(30),
        }
    }
}

/// The events URL of the server at `issuer`: `wss://`, or `ws://` on loopback only.
pub fn events_url(issuer: &str) -> Result<Url> {
    let mut url = api_url(issuer, &["events"])?;
    let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
    url.set_scheme(scheme)
        .map_err(|()| Error::InvalidServerUrl(issuer.to_owned()))?;
    Ok(url)
}

/// A running events channel. Dropping it stops the channel too; [`EventsHandle::stop`]
/// also waits until the connection is closed.
pub struct EventsHandle {
    account_id: String,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl EventsHandle {
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// True once the channel has ended (stopped, or the account was signed out).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Closes the connection and waits for the channel to end.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the events channel of `account_id`; what it sees goes to `sink`.
pub fn spawn(
    courier: Arc<Courier>,
    account_id: String,
    options: EventsOptions,
    sink: mpsc::UnboundedSender<AccountEvent>,
) -> EventsHandle {
    let (stop, stopped) = watch::channel(false);
    let channel = Channel {
        courier,
        account_id: account_id.clone(),
        options,
        sink,
        stopped,
    };
    EventsHandle {
        account_id,
        stop,
        task: tokio::spawn(channel.run()),
    }
}

/// How one connection ended.
enum End {
    /// Asked to stop (or the handle was dropped, or the account removed).
    Stopped,
    /// The server ended the sign-in; the account is marked signed out.
    SignedOut,
    /// Lost or never made; try again later.
    Lost(String),
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Channel {
    courier: Arc<Courier>,
    account_id: String,
    options: EventsOptions,
    sink: mpsc::UnboundedSender<AccountEvent>,
    stopped: watch::Receiver<bool>,
}

impl Channel {
    async fn run(mut self) {
        let mut failures: u32 = 0;
        loop {
            let mut was_live = false;
            match self.connection(&mut was_live).await {
                End::Stopped => return,
                End::SignedOut => {
                    self.report(AccountEvent::SessionRevoked {
                        account_id: self.account_id.clone(),
                    });
                    return;
                }
                End::Lost(reason) => {
                    tracing::debug!(account = %self.account_id, %reason, "events channel lost");
                    if was_live {
                        failures = 0;
                        self.report(AccountEvent::Disconnected {
                            account_id: self.account_id.clone(),
                            reason,
                        });
                    }
                }
            }
            let delay = self.options.backoff.delay(failures, rand::random::<f64>());
            failures = failures.saturating_add(1);
            let mut stopped = self.stopped.clone();
            tokio::select! {
                () = wait_for_stop(&mut stopped) => return,
                () = tokio::time::sleep(delay) => {}
            }
        }
    }

    fn report(&self, event: AccountEvent) {
        // Nobody listening any more is not this channel's problem.
        let _ = self.sink.send(event);
    }

    /// One connection, from getting a token to its end. `live` is set once the
    /// server said `ready`.
    async fn connection(&mut self, live: &mut bool) -> End {
        let mut stopped = self.stopped.clone();
        let mut socket = tokio::select! {
            () = wait_for_stop(&mut stopped) => return End::Stopped,
            connected = self.connect() => match connected {
                Ok(socket) => socket,
                Err(end) => return end,
            },
        };
        let mut session_id: Option<String> = None;
        let mut ping = tokio::time::interval(self.options.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        let mut last_heard = Instant::now();
        loop {
            let step = tokio::select! {
                () = wait_for_stop(&mut stopped) => {
                    let _ = socket.close(None).await;
                    return End::Stopped;
                }
                _ = ping.tick() => None,
                message = socket.next() => Some(message),
            };
            let message = match step {
                None => {
                    if last_heard.elapsed() > self.options.ping_interval * 2 {
                        return End::Lost("the server stopped answering".into());
                    }
                    if let Err(error) = socket.send(Message::Ping(Default::default())).await {
                        return End::Lost(error.to_string());
                    }
                    continue;
                }
                Some(None) => return End::Lost("the server closed the connection".into()),
                Some(Some(Err(error))) => return End::Lost(error.to_string()),
                Some(Some(Ok(message))) => message,
            };
            last_heard = Instant::now();
            let Message::Text(text) = message else {
                // Pings are answered by tungstenite; a Close is followed by the end.
                continue;
            };
            match serde_json::from_str::<ServerEvent>(text.as_str()) {
                Ok(ServerEvent::Ready { session_id: id }) => {
                    // Anything may have changed while the channel was away.
                    self.courier.note_change(&self.account_id);
                    session_id = Some(id);
                    *live = true;
                    self.report(AccountEvent::Connected {
                        account_id: self.account_id.clone(),
                    });
                }
                Ok(ServerEvent::SessionRevoked {
                    session_id: revoked,
                }) if session_id.as_deref() == Some(revoked.as_str()) => {
                    return self.signed_out().await;
                }
                // Another device's session of the same account.
                Ok(ServerEvent::SessionRevoked { .. }) => {}
                Ok(ServerEvent::ProfileChanged) => {
                    self.courier.note_change(&self.account_id);
                    self.report(AccountEvent::ProfileChanged {
                        account_id: self.account_id.clone(),
                    });
                }
                Ok(ServerEvent::TeamsChanged { team_id }) => {
                    self.report(AccountEvent::TeamsChanged {
                        account_id: self.account_id.clone(),
                        team_id,
                    });
                }
                Ok(ServerEvent::WorkspaceChanged { workspace_id, seq }) => {
                    self.report(AccountEvent::WorkspaceChanged {
                        account_id: self.account_id.clone(),
                        workspace_id,
                        seq,
                    });
                }
                Ok(ServerEvent::WorkspaceKeysChanged { workspace_id }) => {
                    self.report(AccountEvent::WorkspaceKeysChanged {
                        account_id: self.account_id.clone(),
                        workspace_id,
                    });
                }
                Ok(ServerEvent::WorkspaceDeleted { workspace_id }) => {
                    self.report(AccountEvent::WorkspaceDeleted {
                        account_id: self.account_id.clone(),
                        workspace_id,
                    });
                }
                Ok(ServerEvent::BillingChanged { team_id }) => {
                    // A payment confirmed at the bank: the next read must not be a copy
                    // from before it.
                    self.courier.note_change(&self.account_id);
                    self.report(AccountEvent::BillingChanged {
                        account_id: self.account_id.clone(),
                        team_id,
                    });
                }
                // A newer server's event this client does not know: not an error.
                Err(_) => tracing::debug!(account = %self.account_id, "unknown event ignored"),
            }
        }
    }

    /// A fresh token (refreshed when about to expire), then the upgrade.
    async fn connect(&self) -> Result<Socket, End> {
        let token = match self.courier.access_token(&self.account_id).await {
            Ok(token) => token,
            // `access_token` has already marked the account signed out.
            Err(Error::ReauthRequired { .. }) => return Err(End::SignedOut),
            Err(Error::UnknownAccount(_)) => return Err(End::Stopped),
            Err(error) => return Err(End::Lost(error.to_string())),
        };
        let issuer = match self.courier.account(&self.account_id).await {
            Ok(account) => account.issuer,
            Err(_) => return Err(End::Stopped),
        };
        let url = events_url(&issuer).map_err(|error| End::Lost(error.to_string()))?;
        let mut request = url
            .as_str()
            .into_client_request()
            .map_err(|error| End::Lost(error.to_string()))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| End::Lost("the access token is not a valid header value".into()))?;
        request.headers_mut().insert(AUTHORIZATION, bearer);
        // Events are small; a channel never needs tungstenite's 64 MiB default.
        let config = WebSocketConfig::default()
            .read_buffer_size(4096)
            .max_message_size(Some(64 * 1024))
            .max_frame_size(Some(64 * 1024));
        let connecting = tokio_tungstenite::connect_async_with_config(request, Some(config), true);
        match tokio::time::timeout(self.options.connect_timeout, connecting).await {
            Err(_) => Err(End::Lost("connecting timed out".into())),
            Ok(Ok((socket, _))) => Ok(socket),
            Ok(Err(tungstenite::Error::Http(response)))
                if response.status() == StatusCode::UNAUTHORIZED =>
            {
                // Refused although it looked fresh here: refresh once. An ended grant
                // fails that refresh (the account is then signed out); otherwise the
                // next attempt goes with the new token.
                match self
                    .courier
                    .access_token_after_rejection(&self.account_id, &token)
                    .await
                {
                    Ok(_) => Err(End::Lost(
                        "the server refused the token; refreshed it".into(),
                    )),
                    Err(Error::ReauthRequired { .. }) => Err(End::SignedOut),
                    Err(error) => Err(End::Lost(error.to_string())),
                }
            }
            Ok(Err(error)) => Err(End::Lost(error.to_string())),
        }
    }

    async fn signed_out(&self) -> End {
        if let Err(error) = self.courier.mark_signed_out(&self.account_id).await {
            tracing::warn!(%error, account = %self.account_id, "could not mark the account signed out");
        }
        End::SignedOut
    }
}

/// Resolves when the channel is asked to stop or its handle is dropped.
async fn wait_for_stop(stopped: &mut watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_use_secure_websockets_off_loopback() {
        let url = |issuer: &str| events_url(issuer).map(|url| url.to_string());
        assert_eq!(
            url("http://127.0.0.1:7878").unwrap(),
            "ws://127.0.0.1:7878/api/v1/events"
        );
        assert_eq!(
            url("http://[::1]:7878/").unwrap(),
            "ws://[::1]:7878/api/v1/events"
        );
        assert_eq!(
            url("https://accounts.example.com").unwrap(),
            "wss://accounts.example.com/api/v1/events"
        );
        assert_eq!(
            url("http://accounts.example.com").unwrap_err().kind(),
            "insecure_server"
        );
        assert_eq!(
            url("ws://127.0.0.1:1").unwrap_err().kind(),
            "invalid_server_url"
        );
    }
}

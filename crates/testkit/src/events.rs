//! The app's side of `/api/v1/events` in tests: opening an account's channel with its
//! access token (on any server instance) and reading its JSON frames.

use std::time::Duration;

use futures::StreamExt as _;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use crate::{AppSession, TestServer};

/// A client's end of an events channel.
pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// The upgrade request of `app`'s events channel.
pub fn events_request(
    server: &TestServer,
    app: &AppSession,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    events_request_at(server.base(), app)
}

/// The upgrade request of `app`'s events channel on the server (or balancer) at `base`.
pub fn events_request_at(
    base: &str,
    app: &AppSession,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let url = format!("{base}/api/v1/events").replace("http://", "ws://");
    let mut request = url.into_client_request().expect("an events URL");
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", app.access_token)
            .parse()
            .expect("a header value"),
    );
    request
}

/// Opens `app`'s events channel and returns it after its `ready` frame.
pub async fn events(server: &TestServer, app: &AppSession) -> (Socket, Value) {
    events_at(server.base(), app).await
}

/// Like [`events`] on the server (or balancer) at `base`.
pub async fn events_at(base: &str, app: &AppSession) -> (Socket, Value) {
    let request = events_request_at(base, app);
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the events channel opens");
    let ready = next_event(&mut socket).await.expect("a ready frame");
    (socket, ready)
}

/// The next JSON text frame, or `None` when the channel closes.
pub async fn next_event(socket: &mut Socket) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("an event within 5 s")?;
        match message.ok()? {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("a JSON frame")),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

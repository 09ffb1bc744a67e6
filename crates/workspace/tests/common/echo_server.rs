//! A real HTTP server on an ephemeral loopback port for the sender's tests and
//! benchmark: it answers every path it does not know with a JSON echo of what it
//! received, and has a few routes that redirect, wait, set cookies or send a lot.

// Each test or bench target uses a different part of it.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Stops the server when dropped.
pub struct EchoServer {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl EchoServer {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = Router::new()
            .route("/redirect/{hops}", get(redirect))
            .route("/loop", get(|| async { Redirect::temporary("/loop") }))
            .route("/slow", get(slow))
            .route("/slow-body", get(slow_body))
            .route("/cookies", get(cookies))
            .route("/bytes/{count}", get(bytes))
            .route("/tiny", get(|| async { "ok" }))
            .fallback(echo);
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    stopped.await.ok();
                })
                .await
                .expect("serve");
        });
        Self {
            addr,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

impl Drop for EchoServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.send(()).ok();
        }
    }
}

/// `{method, path, query, headers: [[name, value]…], body}` of the request received.
async fn echo(method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> impl IntoResponse {
    let headers: Vec<[String; 2]> = headers
        .iter()
        .map(|(name, value)| {
            [
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            ]
        })
        .collect();
    axum::Json(serde_json::json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": uri.query(),
        "headers": headers,
        "body": String::from_utf8_lossy(&body),
    }))
}

/// `/redirect/3` → `/redirect/2` → … → `/redirect/0` → the echo at `/landed`.
async fn redirect(Path(hops): Path<u32>) -> Redirect {
    if hops == 0 {
        Redirect::to("/landed")
    } else {
        Redirect::to(&format!("/redirect/{}", hops - 1))
    }
}

async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(10)).await;
    "late"
}

/// Headers at once, then a body that never finishes in time.
async fn slow_body() -> impl IntoResponse {
    let chunks = futures::stream::unfold(0u32, |sent| async move {
        if sent > 0 {
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
        (sent < 2).then(|| {
            (
                Ok::<_, std::io::Error>(Bytes::from_static(b"part ")),
                sent + 1,
            )
        })
    });
    axum::body::Body::from_stream(chunks)
}

async fn cookies() -> impl IntoResponse {
    (
        StatusCode::OK,
        // `AppendHeaders`: a plain array would keep only the last `Set-Cookie`.
        AppendHeaders([
            (header::SET_COOKIE, "session=abc; Path=/; HttpOnly; Secure"),
            (
                header::SET_COOKIE,
                "theme=dark; Domain=example.com; Expires=Wed, 21 Oct 2037 07:28:00 GMT",
            ),
        ]),
        "cookies set",
    )
}

async fn bytes(Path(count): Path<usize>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        vec![b'x'; count],
    )
}

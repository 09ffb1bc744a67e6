//! A small API on `127.0.0.1:0` for the desktop's send tests: `GET /json` answers
//! JSON, `GET /png` an 8×8 PNG ([`PNG`]), and `POST /upload` keeps the raw body of
//! each request it gets (a multipart form, say) for the test to read.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use anyhow::{Context as _, Result};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The JSON `GET /json` answers, compact as sent.
pub const JSON: &str = r#"{"name":"Ada","tags":["math","engines"]}"#;

/// An 8×8 red PNG, what `GET /png` answers.
pub const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x08, 0x08, 0x02, 0x00, 0x00, 0x00, 0x4b, 0x6d, 0x29,
    0xdc, 0x00, 0x00, 0x00, 0x11, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xb8, 0x60, 0x60, 0x80,
    0x15, 0x31, 0x0c, 0x2d, 0x09, 0x00, 0xda, 0x7b, 0x4c, 0x01, 0xeb, 0x96, 0x2a, 0x9a, 0x00, 0x00,
    0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

type Uploads = Arc<Mutex<Vec<Vec<u8>>>>;

/// The running API; it stops when dropped.
pub struct SampleApi {
    addr: SocketAddr,
    uploads: Uploads,
    task: JoinHandle<()>,
}

impl SampleApi {
    pub async fn start() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let uploads = Uploads::default();
        let app = Router::new()
            .route(
                "/json",
                get(|| async { ([(header::CONTENT_TYPE, "application/json")], JSON) }),
            )
            .route(
                "/png",
                get(|| async { ([(header::CONTENT_TYPE, "image/png")], PNG) }),
            )
            .route("/upload", post(upload))
            .with_state(Arc::clone(&uploads));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            addr,
            uploads,
            task,
        })
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The bodies `POST /upload` received, oldest first.
    pub fn uploads(&self) -> Vec<Vec<u8>> {
        self.uploads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for SampleApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn upload(State(uploads): State<Uploads>, body: Bytes) -> String {
    let size = body.len();
    uploads
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(body.to_vec());
    format!("received {size} bytes")
}

//! A stand-in for an app's loopback redirect URI: a listener on `127.0.0.1:0` that
//! answers every request with a short page and reports each request target, so a test
//! can read the `code`, `state` and `iss` an authorization server sent back.
//! (The real app's listener lives in courier-client; this one is for tests that drive
//! an authorization by hand.)

use std::time::Duration;

use anyhow::{Context as _, Result};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use url::Url;

const READ_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_HEAD: usize = 16 * 1024;

/// A running listener; it stops when dropped.
pub struct CallbackListener {
    port: u16,
    targets: mpsc::UnboundedReceiver<String>,
    task: JoinHandle<()>,
}

impl CallbackListener {
    pub async fn bind() -> Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let (sender, targets) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let sender = sender.clone();
                // One task per connection, so a slow or idle one (a browser's
                // speculative connection) cannot hold up the real callback.
                tokio::spawn(async move {
                    if let Ok(Some(target)) = answer(stream).await {
                        let _ = sender.send(target);
                    }
                });
            }
        });
        Ok(Self {
            port,
            targets,
            task,
        })
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}/callback", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The next request to `/callback` as an absolute URL, waiting at most `timeout`.
    /// Other paths (e.g. `/favicon.ico`) are skipped.
    pub async fn next_callback(&mut self, timeout: Duration) -> Result<Url> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let target = tokio::time::timeout_at(deadline, self.targets.recv())
                .await
                .with_context(|| {
                    format!("no request to {} within {timeout:?}", self.redirect_uri())
                })?
                .context("the callback listener stopped")?;
            let url = Url::parse(&format!("http://127.0.0.1:{}{target}", self.port))?;
            if url.path() == "/callback" {
                return Ok(url);
            }
        }
    }
}

impl Drop for CallbackListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads one request head from `stream`, answers it, and returns its target.
async fn answer(mut stream: TcpStream) -> Result<Option<String>> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 2048];
    let read = tokio::time::timeout(READ_TIMEOUT, async {
        while !head.windows(4).any(|window| window == b"\r\n\r\n") && head.len() < MAX_HEAD {
            let n = stream.read(&mut buffer).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buffer[..n]);
        }
        Ok::<_, std::io::Error>(())
    })
    .await;
    if !matches!(read, Ok(Ok(()))) {
        return Ok(None);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .map(str::to_owned);
    let body = "<!DOCTYPE html><title>Signed in</title><p>Signed in. You can close this tab.</p>";
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await?;
    Ok(target)
}

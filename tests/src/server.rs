//! A real `courier-server` in-process on `127.0.0.1:0`: its own temporary data folder
//! (SQLite, signing key, mail outbox), rate limits off, a manual clock, and shutdown
//! when the guard is dropped. Runs on the calling test's Tokio runtime.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, Result};
use courier_server::{ManualClock, Server, Settings};
use tempfile::TempDir;
use tokio::sync::oneshot;

/// A running server; it stops when this is dropped.
pub struct CourierServer {
    base: String,
    clock: ManualClock,
    data_dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl CourierServer {
    /// Starts a server with default settings for its data folder, rate limits off.
    pub async fn start() -> Result<Self> {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `configure` has adjusted its settings (rate limits are
    /// already off and two password-hash workers set; `configure` may change both).
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Result<Self> {
        let data_dir = tempfile::Builder::new()
            .prefix("courier-server-")
            .tempdir()?;
        let mut settings = Settings::for_data_dir(data_dir.path());
        settings.rate_limits.enabled = false;
        settings.password_hash_workers = Some(2);
        configure(&mut settings);
        let clock = ManualClock::starting_now();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("binding 127.0.0.1:0")?;
        let server = Server::bind(settings, Arc::new(clock.clone()), listener)
            .await
            .context("starting courier-server")?;
        let base = server.issuer().to_owned();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Ok(Self {
            base,
            clock,
            data_dir,
            stop: Some(stop),
        })
    }

    /// The server's origin and issuer, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `path` (starting with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Where the server writes its mail as `.eml` files.
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// The server's clock: advance it to expire links, sessions and tokens.
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }
}

impl Drop for CourierServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

//! A real `courier-server` in-process on `127.0.0.1:0`: its own temporary data folder
//! (SQLite, signing key, mail outbox), rate limits off, two password-hash workers, a
//! manual clock, and shutdown when the guard is dropped (or a restart on the same
//! folder and clock). Runs on the calling test's Tokio runtime. Also the two things
//! most tests start from: a confirmed account and an app signed in to it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use courier_server::{ManualClock, Server, Settings};
use reqwest::StatusCode;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::AppSession;
use crate::oauth::{AuthorizeRequest, authorize_in, exchange_code_at, param};
use crate::scripted::ScriptedBrowser;
use crate::{PASSWORD, outbox};

/// A running server; it stops when this is dropped.
pub struct TestServer {
    base: String,
    /// `None`: SQLite in the data folder.
    database_url: Option<String>,
    clock: ManualClock,
    data_dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    running: Option<JoinHandle<courier_server::Result<()>>>,
}

impl TestServer {
    /// Starts a server with default settings for its data folder, rate limits off.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts a server after `configure` has adjusted its settings (rate limits are
    /// already off and two password-hash workers set; `configure` may change both).
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        Self::start_listening(configure).await.0
    }

    /// Like [`TestServer::start_with`], also returning the loopback address the server
    /// listens on, which is not [`TestServer::base`] when `settings.issuer` names a
    /// public origin.
    pub async fn start_listening(configure: impl FnOnce(&mut Settings)) -> (Self, SocketAddr) {
        let data_dir = tempfile::Builder::new()
            .prefix("courier-server-")
            .tempdir()
            .expect("a temporary data folder");
        let mut server = Self {
            base: String::new(),
            database_url: postgres_database().await,
            clock: ManualClock::starting_now(),
            data_dir,
            stop: None,
            running: None,
        };
        let addr = server.launch(configure).await;
        (server, addr)
    }

    /// Stops the server, waits until it has (requests in flight finished, mail
    /// deliveries under way cut short), and starts a new one on the same data folder
    /// and clock, as a deploy or a restart after a crash would; `configure` adjusts its
    /// settings as in [`TestServer::start_with`]. It listens on a new port:
    /// [`TestServer::base`] changes.
    pub async fn restart_with(&mut self, configure: impl FnOnce(&mut Settings)) {
        self.restart_listening(configure).await;
    }

    /// [`TestServer::restart_with`], returning the loopback address the new server
    /// listens on (see [`TestServer::start_listening`]).
    pub async fn restart_listening(&mut self, configure: impl FnOnce(&mut Settings)) -> SocketAddr {
        self.stop().await;
        self.launch(configure).await
    }

    /// Stops the server and waits until it has, keeping its data folder and clock, so
    /// a test can work on the stopped installation's files (move its data elsewhere)
    /// before [`TestServer::restart_with`] starts it again.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(running) = self.running.take() {
            running
                .await
                .expect("the server task")
                .expect("the server stopping cleanly");
        }
    }

    /// Starts a server on this data folder and clock; returns the address it listens on.
    async fn launch(&mut self, configure: impl FnOnce(&mut Settings)) -> SocketAddr {
        let mut settings = Settings::for_data_dir(self.data_dir.path());
        settings.database_url.clone_from(&self.database_url);
        settings.rate_limits.enabled = false;
        settings.password_hash_workers = Some(2);
        configure(&mut settings);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding 127.0.0.1:0");
        let server = Server::bind(settings, Arc::new(self.clock.clone()), listener)
            .await
            .expect("starting courier-server");
        let addr = server.local_addr().expect("the server's local address");
        self.base = server.issuer().to_owned();
        let (stop, stopped) = oneshot::channel::<()>();
        self.running = Some(tokio::spawn(server.run(async {
            let _ = stopped.await;
        })));
        self.stop = Some(stop);
        addr
    }

    /// The server's origin and issuer, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `path` (starting with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's clock: advance it to expire links, sessions and tokens.
    pub fn clock(&self) -> &ManualClock {
        &self.clock
    }

    /// Whether this server keeps its data in PostgreSQL rather than the data folder's
    /// SQLite file (`COURIER_TEST_SERVER_DATABASE=postgres`): tests that open that file
    /// to look at rows have nothing to open then.
    pub fn on_postgres(&self) -> bool {
        self.database_url.is_some()
    }

    /// The PostgreSQL database this server keeps its data in, if it does.
    pub fn postgres_url(&self) -> Option<&str> {
        self.database_url.as_deref()
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    /// Where the server writes its mail as `.eml` files.
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// A new scripted browser (its own cookie jar) pointed at this server.
    pub fn browser(&self) -> ScriptedBrowser {
        ScriptedBrowser::new(&self.base)
    }

    /// Waits for the `n`th mail (counting from 1) to `to`, and returns its text.
    pub async fn mail_to(&self, to: &str, n: usize) -> String {
        outbox::wait_for_mail(&self.outbox(), to, n).await
    }

    /// Signs up `username` with `email` and [`PASSWORD`] in a fresh browser and
    /// confirms the address through the mailed link: an account that can sign in.
    pub async fn confirmed_account(&self, email: &str, username: &str) {
        confirmed_account_at(&self.base, &self.outbox(), email, username).await;
    }

    /// Whether `password` signs `identifier` in on the web (in a fresh browser).
    pub async fn signs_in(&self, identifier: &str, password: &str) -> bool {
        let response = self
            .browser()
            .sign_in_at("/signin", identifier, password, false)
            .await;
        response.status() == StatusCode::SEE_OTHER
    }

    /// Signs `identifier` in as the desktop app would (Keep me signed in, a fresh
    /// browser, device name `device`): a new grant, i.e. a new session.
    pub async fn app_session(&self, identifier: &str, device: &str) -> AppSession {
        app_session_at(&self.base, identifier, device).await
    }
}

/// [`TestServer::confirmed_account`] on the server (or the balancer in front of
/// several) at `base`, whose mail lands in `outbox_dir`.
pub async fn confirmed_account_at(base: &str, outbox_dir: &Path, email: &str, username: &str) {
    let browser = ScriptedBrowser::new(base);
    browser.sign_up(email, username, PASSWORD).await;
    browser.confirm_from_outbox(outbox_dir, email).await;
}

/// [`TestServer::app_session`] on the server (or the balancer in front of several) at
/// `base`.
pub async fn app_session_at(base: &str, identifier: &str, device: &str) -> AppSession {
    let request = AuthorizeRequest::new()
        .with("device_name", device)
        .with("device_os", "Linux");
    let params = authorize_in(&ScriptedBrowser::new(base), &request, identifier, true).await;
    let code = param(&params, "code").expect("a code").to_owned();
    let body = exchange_code_at(base, &request, &code).await;
    AppSession::new(
        base,
        body["access_token"].as_str().unwrap(),
        body["refresh_token"].as_str().unwrap(),
    )
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// With `COURIER_TEST_SERVER_DATABASE=postgres`, a new database for one test server in
/// the cluster `COURIER_TEST_POSTGRES_URL` names (`scripts/with-postgres.sh`), so the
/// server's tests run on PostgreSQL; otherwise `None` (SQLite in the data folder).
async fn postgres_database() -> Option<String> {
    if std::env::var("COURIER_TEST_SERVER_DATABASE").ok()? != "postgres" {
        return None;
    }
    let url = std::env::var("COURIER_TEST_POSTGRES_URL")
        .expect("COURIER_TEST_POSTGRES_URL (run under scripts/with-postgres.sh)");
    Some(create_database(&url).await)
}

/// A new, empty database in the cluster `scripts/with-postgres.sh` provides, for a
/// test that needs PostgreSQL whatever the run's default; `None` (the test skips)
/// without one, except under CI (`CI` set), where the test command always has one.
pub async fn fresh_postgres_database() -> Option<String> {
    let url = match std::env::var("COURIER_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var_os("CI").is_some() => {
            panic!("COURIER_TEST_POSTGRES_URL is unset: run under scripts/with-postgres.sh")
        }
        _ => {
            eprintln!("skipped: no PostgreSQL (run under scripts/with-postgres.sh)");
            return None;
        }
    };
    Some(create_database(&url).await)
}

/// Creates a uniquely named database beside the one `url` names; returns its URL.
pub async fn create_database(url: &str) -> String {
    use sqlx::Connection as _;
    let name = crate::unique_name("server");
    let mut admin = sqlx::PgConnection::connect(url)
        .await
        .expect("connecting to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("creating a test database");
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    format!("{server}/{name}?{query}")
}

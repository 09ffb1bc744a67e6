//! What the benches that drive a real `courier-server` share: the release binary as a
//! child process on 127.0.0.1:0 (its own data folder, rate limits and the caps on
//! events channels per account and per address off), accounts made
//! through the real pages with as many app grants as asked (one password sign-in,
//! then code flows that reuse the browser session), authenticated events channels,
//! and percentiles. Included by each bench with `#[path]`; not every bench uses every
//! piece.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context as _, anyhow};
use courier_testkit::{
    AuthorizeRequest, DESKTOP_CLIENT_ID, PASSWORD, ScriptedBrowser, callback_params, location,
    param,
};
use futures::StreamExt as _;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// One app sign-in: its access token (what the API and the events channel take).
pub struct Grant {
    pub access_token: String,
}

/// The child server; killed when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub base: String,
    data_dir: tempfile::TempDir,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    pub fn start() -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_courier-server"))
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path())
            .env("COURIER_RATE_LIMITS__ENABLED", "false")
            // One load generator plays a thousand apps from one address.
            .env("COURIER_CONNECTIONS__EVENT_CHANNELS_PER_ACCOUNT", "1000")
            .env("COURIER_CONNECTIONS__EVENT_CHANNELS_PER_ADDRESS", "5000")
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("starting courier-server")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?)
            .read_line(&mut line)?;
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .ok_or_else(|| anyhow!("unexpected first line {line:?}"))?
            .to_owned();
        Ok(Self {
            child,
            base,
            data_dir,
        })
    }

    /// Where the server writes its mail (no SMTP relay is configured).
    pub fn outbox(&self) -> PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// The server's SQLite database, for seeding beside it.
    pub fn database_url(&self) -> String {
        format!(
            "sqlite://{}",
            self.data_dir.path().join("courier.db").display()
        )
    }

    /// Proportional set size in KiB.
    pub fn pss_kib(&self) -> anyhow::Result<u64> {
        let rollup = std::fs::read_to_string(format!("/proc/{}/smaps_rollup", self.child.id()))?;
        rollup
            .lines()
            .find_map(|line| line.strip_prefix("Pss:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| anyhow!("no Pss line"))
    }
}

/// Raises this process's open-file limit (children inherit it): a thousand channels
/// need more descriptors than the usual 1,024.
pub fn raise_fd_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let wanted = limit.maximum.unwrap_or(65_536).min(65_536);
    let raised = rustix::process::Rlimit {
        current: Some(wanted),
        maximum: limit.maximum,
    };
    if let Err(error) = setrlimit(Resource::Nofile, raised) {
        println!("could not raise the open-file limit: {error}");
    }
}

/// One code flow in a browser that is already signed in: a new grant, no password
/// (**Continue as …** on the account chooser).
pub async fn new_grant(
    base: &str,
    browser: &ScriptedBrowser,
    device: &str,
) -> anyhow::Result<Grant> {
    let request = AuthorizeRequest::new()
        .with("device_name", device)
        .with("device_os", "Linux");
    let mut response = browser.get(&request.path()).await;
    // A browser signed in asks which account continues (one click), as it would the
    // person.
    if location(response.headers()).starts_with("/authorize/choose") {
        response = browser.continue_at(&location(response.headers())).await;
    }
    let callback = location(response.headers());
    anyhow::ensure!(
        callback.starts_with("http://127.0.0.1"),
        "{device}: the authorization answered {} {callback:?}, not the app's callback",
        response.status()
    );
    let params = callback_params(&callback);
    let code = param(&params, "code").ok_or_else(|| anyhow!("no code in {callback}"))?;
    let body: serde_json::Value = browser
        .client
        .post(format!("{base}/oauth/token"))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", &request.redirect_uri),
            ("client_id", DESKTOP_CLIENT_ID),
            ("code_verifier", &request.verifier),
        ])
        .send()
        .await?
        .json()
        .await?;
    let access_token = body["access_token"]
        .as_str()
        .ok_or_else(|| anyhow!("no access token: {body}"))?
        .to_owned();
    Ok(Grant { access_token })
}

/// A confirmed account `username` (`username@example.com`) signed in on `grants`
/// devices.
pub async fn account_with_grants(
    base: String,
    outbox: PathBuf,
    username: String,
    grants: usize,
) -> anyhow::Result<Vec<Grant>> {
    let browser = ScriptedBrowser::new(&base);
    let email = format!("{username}@example.com");
    browser.sign_up(&email, &username, PASSWORD).await;
    browser.confirm_from_outbox(&outbox, &email).await;
    let signed_in = browser.sign_in_at("/signin", &email, PASSWORD, true).await;
    anyhow::ensure!(signed_in.status().is_redirection(), "sign-in of {email}");
    let mut made = Vec::with_capacity(grants);
    for i in 0..grants {
        made.push(new_grant(&base, &browser, &format!("{username} device {i}")).await?);
    }
    Ok(made)
}

/// Opens a grant's events channel; returns it with the session id from `ready`.
pub async fn open_channel(base: &str, grant: &Grant) -> anyhow::Result<(Socket, String)> {
    let mut request =
        format!("{}/api/v1/events", base.replace("http://", "ws://")).into_client_request()?;
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", grant.access_token).parse()?,
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await?;
    match socket.next().await {
        Some(Ok(Message::Text(text))) => {
            let ready: serde_json::Value = serde_json::from_str(&text)?;
            let id = ready["session_id"]
                .as_str()
                .ok_or_else(|| anyhow!("not a ready frame: {text}"))?
                .to_owned();
            Ok((socket, id))
        }
        other => Err(anyhow!("expected ready, got {other:?}")),
    }
}

/// The `p` quantile (0–1) of `sorted`, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

/// `duration` in milliseconds with two decimals, for reports.
pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

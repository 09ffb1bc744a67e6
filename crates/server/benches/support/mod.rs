//! What the benches that drive a real `courier-server` share: the release binary as a
//! child process on 127.0.0.1:0 (its own data folder, rate limits and the caps on
//! events channels per account and per address off), accounts made
//! through the real pages with as many app grants as asked (one password sign-in,
//! then code flows that reuse the browser session), authenticated events channels,
//! and percentiles; the lean HTTP load generator and its scripts ([`load`],
//! [`scripts`]) and CPU times from /proc ([`proc`]). Included by each bench with
//! `#[path]`; not every bench uses every piece.

#![allow(dead_code)]

pub mod load;
pub mod proc;
pub mod scripts;

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

/// One app sign-in: its access token (what the API and the events channel take) and
/// the refresh token that starts its rotation chain.
pub struct Grant {
    pub access_token: String,
    pub refresh_token: String,
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
        Self::start_with(None)
    }

    /// The server on `database_url` (`postgres://…`), or on SQLite in its data folder.
    pub fn start_with(database_url: Option<&str>) -> anyhow::Result<Self> {
        Self::spawn(database_url, None)
    }

    /// [`ServerProcess::start_with`], logging JSON lines on stderr at `rust_log`
    /// (`RUST_LOG`'s syntax) instead of errors only to nowhere; the caller reads them
    /// (and must keep reading, or the server blocks on a full pipe).
    pub fn start_logging(
        database_url: Option<&str>,
        rust_log: &str,
    ) -> anyhow::Result<(Self, std::process::ChildStderr)> {
        let mut server = Self::spawn(database_url, Some(rust_log))?;
        let stderr = server
            .child
            .stderr
            .take()
            .ok_or_else(|| anyhow!("no stderr"))?;
        Ok((server, stderr))
    }

    fn spawn(database_url: Option<&str>, rust_log: Option<&str>) -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_courier-server"));
        command
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path());
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        command
            .env("COURIER_RATE_LIMITS__ENABLED", "false")
            // One load generator plays a thousand apps from one address.
            .env("COURIER_CONNECTIONS__EVENT_CHANNELS_PER_ACCOUNT", "1000")
            .env("COURIER_CONNECTIONS__EVENT_CHANNELS_PER_ADDRESS", "5000")
            .env("RUST_LOG", rust_log.unwrap_or("error"))
            .stdout(Stdio::piped())
            .stderr(if rust_log.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            });
        if rust_log.is_some() {
            command.args(["--log-format", "json"]);
        }
        let mut child = command.spawn().context("starting courier-server")?;
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

/// The runtime that makes a bench's fixtures: one worker that keeps running between
/// them, so the browsers' idle pooled connections notice when the server closes them.
pub fn fixtures_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("fixtures")
        .enable_all()
        .build()
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
    let token = |name: &str| {
        body[name]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no {name}: {body}"))
    };
    Ok(Grant {
        access_token: token("access_token")?,
        refresh_token: token("refresh_token")?,
    })
}

/// A confirmed account `username` (`username@example.com`) signed in on `grants`
/// devices.
pub async fn account_with_grants(
    base: String,
    outbox: PathBuf,
    username: String,
    grants: usize,
) -> anyhow::Result<Vec<Grant>> {
    let browser = signed_in_browser(&base, &outbox, &username).await?;
    let mut made = Vec::with_capacity(grants);
    for i in 0..grants {
        made.push(new_grant(&base, &browser, &format!("{username} device {i}")).await?);
    }
    Ok(made)
}

/// A browser signed in (kept) to a new confirmed account `username`
/// (`username@example.com`, [`PASSWORD`]), made through the sign-up page and the
/// confirmation mail: [`new_grant`] then needs no password.
pub async fn signed_in_browser(
    base: &str,
    outbox: &std::path::Path,
    username: &str,
) -> anyhow::Result<ScriptedBrowser> {
    let browser = ScriptedBrowser::new(base);
    let email = format!("{username}@example.com");
    browser.sign_up(&email, username, PASSWORD).await;
    browser.confirm_from_outbox(outbox, &email).await;
    let signed_in = browser.sign_in_at("/signin", &email, PASSWORD, true).await;
    anyhow::ensure!(signed_in.status().is_redirection(), "sign-in of {email}");
    Ok(browser)
}

/// An account of a bench's, signed in through the pages on several devices.
pub struct Person {
    pub user_id: String,
    pub email: String,
    /// One access token per device.
    pub tokens: Vec<String>,
}

/// Signs `username` up and in on `devices` devices, and reads its id.
pub async fn person(
    server: &ServerProcess,
    username: &str,
    devices: usize,
) -> anyhow::Result<Person> {
    let grants = account_with_grants(
        server.base.clone(),
        server.outbox(),
        username.to_owned(),
        devices,
    )
    .await?;
    let tokens: Vec<String> = grants.into_iter().map(|grant| grant.access_token).collect();
    let me: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v1/me", server.base))
        .bearer_auth(&tokens[0])
        .send()
        .await?
        .json()
        .await?;
    Ok(Person {
        user_id: me["id"]
            .as_str()
            .ok_or_else(|| anyhow!("no id in {me}"))?
            .to_owned(),
        email: format!("{username}@example.com"),
        tokens,
    })
}

/// Opens a grant's events channel; returns it with the session id from `ready`.
pub async fn open_channel(base: &str, access_token: &str) -> anyhow::Result<(Socket, String)> {
    let mut request =
        format!("{}/api/v1/events", base.replace("http://", "ws://")).into_client_request()?;
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {access_token}").parse()?);
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

/// The number in environment variable `name`, or `default` when it is unset.
pub fn env_number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| anyhow!("{name} must be a number, not {value:?}")),
        Err(_) => Ok(default),
    }
}

/// What a window's CPU accounting says about other work on the machine.
pub trait Disturbance {
    /// Cores used by everything the bench does not account for.
    fn outside(&self) -> f64;
    /// Whether that was enough to question the window's numbers.
    fn disturbed(&self) -> bool;
}

/// Runs a scenario, and again (up to `attempts` runs in all) while other work shared
/// the machine; keeps the quietest run.
pub fn quietest<T, U: Disturbance>(
    scenario: &str,
    attempts: u32,
    mut run: impl FnMut() -> anyhow::Result<(T, U)>,
) -> anyhow::Result<(T, U)> {
    let mut quietest: Option<(T, U)> = None;
    for attempt in 1..=attempts.max(1) {
        let (result, usage) = run()?;
        let disturbed = usage.disturbed();
        if disturbed {
            println!(
                "{scenario}: run {attempt} of at most {attempts} shared the machine \
                 ({:.2} cores used outside the bench)",
                usage.outside()
            );
        }
        if quietest
            .as_ref()
            .is_none_or(|(_, best)| usage.outside() < best.outside())
        {
            quietest = Some((result, usage));
        }
        if !disturbed {
            break;
        }
    }
    quietest.ok_or_else(|| anyhow!("{scenario} never ran"))
}

/// The `p` quantile (0–1) of `sorted`, nearest rank.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

/// The `p` quantile (0–1) of `sorted` microseconds, nearest rank, in milliseconds;
/// `None` when nothing was measured.
pub fn percentile_ms(sorted: &[u32], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(f64::from(sorted[rank - 1]) / 1e3)
}

/// `duration` in milliseconds with two decimals, for reports.
pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1e3)
}

//! `cargo bench -p courier-server --bench revocation`: how fast a revoked session
//! hears about it, and what an idle events channel costs. Runs the release
//! `courier-server` binary as a child process on 127.0.0.1:0 (temporary data folder,
//! rate limits off), makes 1,000 grants through the real pages and endpoints (one
//! password sign-in per account, then code flows that reuse the browser session),
//! opens an authenticated `/api/v1/events` channel for each, then revokes sessions
//! one at a time through `DELETE /api/v1/sessions/{id}` and times revoke call →
//! `session_revoked` on that session's channel. Memory is the child's proportional
//! set size (`/proc/PID/smaps_rollup` Pss) before and after opening the channels,
//! so the client side of the connections is not counted. BENCHMARKS.md records it.

#![allow(clippy::print_stdout, clippy::unwrap_used)] // a report-printing program

use courier_testkit as common;

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow};
use common::{
    AuthorizeRequest, DESKTOP_CLIENT_ID, PASSWORD, ScriptedBrowser, callback_params, location,
    param,
};
use futures::StreamExt as _;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

const ACCOUNTS: usize = 10;
const GRANTS_PER_ACCOUNT: usize = 100;
/// Revocations measured per account (the account's first session is the revoker).
const REVOKED_PER_ACCOUNT: usize = 25;
const P99_TARGET: Duration = Duration::from_millis(100);
const KIB_PER_CONNECTION_TARGET: f64 = 16.0;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Grant {
    access_token: String,
}

/// The child server; killed when dropped.
struct ServerProcess {
    child: Child,
    base: String,
    data_dir: tempfile::TempDir,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ServerProcess {
    fn start() -> anyhow::Result<Self> {
        let data_dir = tempfile::tempdir()?;
        let mut child = Command::new(env!("CARGO_BIN_EXE_courier-server"))
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path())
            .env("COURIER_RATE_LIMITS__ENABLED", "false")
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
    fn outbox(&self) -> PathBuf {
        self.data_dir.path().join("outbox")
    }

    /// Proportional set size in KiB.
    fn pss_kib(&self) -> anyhow::Result<u64> {
        let rollup = std::fs::read_to_string(format!("/proc/{}/smaps_rollup", self.child.id()))?;
        rollup
            .lines()
            .find_map(|line| line.strip_prefix("Pss:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .ok_or_else(|| anyhow!("no Pss line"))
    }
}

fn raise_fd_limit() {
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

/// One code flow in a browser that is already signed in: a new grant, no password.
async fn new_grant(base: &str, browser: &ScriptedBrowser, device: &str) -> anyhow::Result<Grant> {
    let request = AuthorizeRequest::new()
        .with("device_name", device)
        .with("device_os", "Linux");
    let response = browser.get(&request.path()).await;
    let callback = location(response.headers());
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

/// A confirmed account with `GRANTS_PER_ACCOUNT` grants.
async fn account(base: String, outbox: PathBuf, n: usize) -> anyhow::Result<Vec<Grant>> {
    let browser = ScriptedBrowser::new(&base);
    let email = format!("bench{n}@example.com");
    browser
        .sign_up(&email, &format!("bench{n}"), PASSWORD)
        .await;
    browser.confirm_from_outbox(&outbox, &email).await;
    let signed_in = browser.sign_in_at("/signin", &email, PASSWORD, true).await;
    anyhow::ensure!(signed_in.status().is_redirection(), "sign-in of {email}");
    let mut grants = Vec::with_capacity(GRANTS_PER_ACCOUNT);
    for i in 0..GRANTS_PER_ACCOUNT {
        grants.push(new_grant(&base, &browser, &format!("device {n}-{i}")).await?);
    }
    Ok(grants)
}

/// Opens a grant's events channel; returns it with the session id from `ready`.
async fn open_channel(base: &str, grant: &Grant) -> anyhow::Result<(Socket, String)> {
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

/// Reads `socket` until `session_id`'s `session_revoked` arrives.
async fn revoked_event(socket: &mut Socket, session_id: &str) -> anyhow::Result<()> {
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message? {
            let event: serde_json::Value = serde_json::from_str(&text)?;
            if event["type"] == "session_revoked" && event["session_id"] == session_id {
                return Ok(());
            }
        }
    }
    Err(anyhow!("the channel closed without session_revoked"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    raise_fd_limit();
    let server = ServerProcess::start()?;
    println!(
        "courier-server pid {} at {}",
        server.child.id(),
        server.base
    );

    let setup = Instant::now();
    let mut accounts = Vec::new();
    for n in 0..ACCOUNTS {
        accounts.push(tokio::spawn(account(
            server.base.clone(),
            server.outbox(),
            n,
        )));
    }
    let mut grants = Vec::new();
    for account in accounts {
        grants.push(account.await??);
    }
    println!(
        "{} grants in {:.1} s",
        ACCOUNTS * GRANTS_PER_ACCOUNT,
        setup.elapsed().as_secs_f64()
    );

    tokio::time::sleep(Duration::from_secs(2)).await; // let the mail worker drain
    let before = server.pss_kib()?;
    let mut channels: Vec<Vec<(Socket, String)>> = Vec::new();
    for account in &grants {
        let mut open = Vec::new();
        for grant in account {
            open.push(open_channel(&server.base, grant).await?);
        }
        channels.push(open);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.pss_kib()?;
    let connections = channels.iter().map(Vec::len).sum::<usize>();
    let per_connection = (after.saturating_sub(before)) as f64 / connections as f64;
    println!(
        "server Pss {before} KiB before, {after} KiB with {connections} idle channels: \
         {per_connection:.1} KiB per channel (target ≤ {KIB_PER_CONNECTION_TARGET})"
    );

    let http = reqwest::Client::new();
    let mut latencies = Vec::new();
    for round in 1..=REVOKED_PER_ACCOUNT {
        for (account, open) in channels.iter_mut().enumerate() {
            let revoker = &grants[account][0].access_token;
            let (socket, session_id) = &mut open[round];
            let url = format!("{}/api/v1/sessions/{session_id}", server.base);
            let started = Instant::now();
            let call = http.delete(url).bearer_auth(revoker).send();
            let (response, heard) = tokio::join!(call, async {
                tokio::time::timeout(Duration::from_secs(5), revoked_event(socket, session_id))
                    .await
            });
            let elapsed = started.elapsed();
            anyhow::ensure!(response?.status().as_u16() == 204, "revoke refused");
            heard.context("no session_revoked within 5 s")??;
            latencies.push(elapsed);
        }
    }
    latencies.sort();
    let p50 = percentile(&latencies, 0.50);
    let p99 = percentile(&latencies, 0.99);
    let max = latencies[latencies.len() - 1];
    println!(
        "revoke → session_revoked over {} revocations: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         (target p99 ≤ {} ms)",
        latencies.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3,
        P99_TARGET.as_millis()
    );
    let pass = p99 <= P99_TARGET && per_connection <= KIB_PER_CONNECTION_TARGET;
    println!("{}", if pass { "PASS" } else { "FAIL" });
    Ok(())
}

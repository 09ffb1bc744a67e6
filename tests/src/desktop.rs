//! The real Courier desktop window, driven over WebDriver: `tauri-driver` on a free
//! port (with WebKitWebDriver beneath it) launches the app binary with the
//! environment a test gives it (data folder, keyring service, server, the browser
//! program), and the [`Browser`] helpers then work on the app's webview. Robust on a
//! fresh machine's first run: it waits for tauri-driver's `/status` to say ready,
//! bounds the launch, and retries it once (saying why on stderr). Needs a display
//! (`xvfb-run`) and a session bus (`scripts/with-keyring.sh`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::browser::{Browser, log_tail};
use crate::process::{ChildGuard, free_port};

/// The desktop binary beside the test executables (`target/debug/courier`), or
/// `COURIER_DESKTOP_BIN`.
pub fn desktop_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("COURIER_DESKTOP_BIN") {
        return Ok(PathBuf::from(path));
    }
    let exe = std::env::current_exe()?;
    // target/debug/deps/<test> → target/debug/courier
    let candidate = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join("courier"))
        .context("locating the target folder")?;
    if !candidate.exists() {
        bail!(
            "{} is missing: `cargo build -p courier-desktop` first",
            candidate.display()
        );
    }
    Ok(candidate)
}

/// How long tauri-driver (and the WebKitWebDriver beneath it) may take to say it is
/// ready: on a fresh machine the first start follows a cold build and is slow.
const DRIVER_READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long one `/status` probe may take.
const STATUS_PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// How long starting the app and opening a session on its window may take.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(40);

/// Starts the desktop app with `env` and opens a WebDriver session on its window. If
/// the first launch fails (on a fresh machine the first session can time out), it
/// says why on stderr and tries once more with a fresh tauri-driver.
pub async fn launch_desktop(env: &[(&str, &str)]) -> Result<Browser> {
    let binary = desktop_binary()?;
    if std::env::var_os("DISPLAY").is_none() {
        bail!("the desktop app needs a display: run the tests under xvfb-run");
    }
    match launch_once(&binary, env).await {
        Ok(window) => Ok(window),
        Err(first) => {
            eprintln!(
                "courier-tests: starting the desktop app failed; retrying once with a fresh \
                 tauri-driver. The failure was: {first:#}"
            );
            launch_once(&binary, env).await.map_err(|second| {
                second.context(format!(
                    "starting the desktop app failed twice; the first attempt: {first:#}"
                ))
            })
        }
    }
}

/// One attempt: tauri-driver on free ports, waited for until ready, then a session.
async fn launch_once(binary: &Path, env: &[(&str, &str)]) -> Result<Browser> {
    let dir = tempfile::Builder::new()
        .prefix("courier-desktop-")
        .tempdir()?;
    let log = dir.path().join("tauri-driver.log");
    let port = free_port()?;
    let native_port = free_port()?;
    let mut command = Command::new("tauri-driver");
    command
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ])
        .envs(env.iter().copied())
        .env("NO_AT_BRIDGE", "1")
        .env("TAURI_WEBVIEW_AUTOMATION", "true")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log)?)
        .stderr(std::fs::File::options().append(true).open(&log)?);
    let mut driver = ChildGuard::spawn("tauri-driver", command)
        .context("tauri-driver is missing: `cargo install tauri-driver --locked`")?;
    wait_for_ready(&mut driver, port, &log).await?;
    let capabilities = json!({ "tauri:options": { "application": binary } });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object literal");
    };
    let mut builder = ClientBuilder::new(HttpConnector::new());
    builder.capabilities(capabilities);
    let webdriver = format!("http://127.0.0.1:{port}");
    let client = match tokio::time::timeout(LAUNCH_TIMEOUT, builder.connect(&webdriver)).await {
        Ok(Ok(client)) => client,
        Ok(Err(error)) => bail!(
            "starting the desktop app: {error}\ntauri-driver log:\n{}",
            log_tail(&log)
        ),
        Err(_) => bail!(
            "starting the desktop app: no session within {LAUNCH_TIMEOUT:?}\ntauri-driver log:\n{}",
            log_tail(&log)
        ),
    };
    Ok(Browser::from_session(client, driver, dir))
}

/// Polls tauri-driver's `GET /status` until it answers `"ready": true` (it forwards
/// to WebKitWebDriver, so this also waits for that), each probe bounded, the whole
/// wait bounded by [`DRIVER_READY_TIMEOUT`]; fails early if the driver exits.
async fn wait_for_ready(driver: &mut ChildGuard, port: u16, log: &Path) -> Result<()> {
    let http = reqwest::Client::builder()
        .timeout(STATUS_PROBE_TIMEOUT)
        .build()?;
    let status_url = format!("http://127.0.0.1:{port}/status");
    let deadline = Instant::now() + DRIVER_READY_TIMEOUT;
    loop {
        let last = match http.get(&status_url).send().await {
            Ok(response) => {
                let code = response.status();
                let body: serde_json::Value = response.json().await.unwrap_or_default();
                if code.is_success() && body["value"]["ready"] == true {
                    return Ok(());
                }
                format!("{code} {body}")
            }
            Err(error) => error.to_string(),
        };
        if let Some(status) = driver.exited() {
            bail!(
                "tauri-driver exited ({status}) before it was ready:\n{}",
                log_tail(log)
            );
        }
        if Instant::now() >= deadline {
            bail!(
                "tauri-driver was not ready on {port} within {DRIVER_READY_TIMEOUT:?} \
                 (last /status: {last}):\n{}",
                log_tail(log)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

//! The real Courier desktop window, driven over WebDriver: `tauri-driver` on a free
//! port (with WebKitWebDriver beneath it) launches the app binary with the
//! environment a test gives it (data folder, keyring service, server, the browser
//! program), and the [`Browser`] helpers then work on the app's webview. Needs a
//! display (`xvfb-run`) and a session bus (`scripts/with-keyring.sh`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, Result, anyhow, bail};
use fantoccini::ClientBuilder;
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

use crate::browser::{Browser, log_tail, wait_for_port};
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

/// Starts the desktop app with `env` and opens a WebDriver session on its window.
pub async fn launch_desktop(env: &[(&str, &str)]) -> Result<Browser> {
    let binary = desktop_binary()?;
    if std::env::var_os("DISPLAY").is_none() {
        bail!("the desktop app needs a display: run the tests under xvfb-run");
    }
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
    wait_for_port(&mut driver, port, &log).await?;
    let capabilities = json!({ "tauri:options": { "application": binary } });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!("a JSON object literal");
    };
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|error| {
            anyhow!(
                "starting the desktop app: {error}\ntauri-driver log:\n{}",
                log_tail(&log)
            )
        })?;
    Ok(Browser::from_session(client, driver, dir))
}

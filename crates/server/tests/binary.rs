//! The `courier-server` binary's interface that scripts rely on: `--addr` with port
//! 0, `--data-dir`, the `listening on http://HOST:PORT` line once it accepts
//! connections, configuration through `COURIER_…` variables, JSON log lines for a
//! collector, and a clean exit on SIGTERM.

#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

/// Starts the binary on a free loopback port with a data folder in `data_dir`, the
/// `env` variables set and stderr going to `stderr`; stdout is piped.
fn start(data_dir: &std::path::Path, env: &[(&str, &str)], stderr: Stdio) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_courier-server"))
        .args(["--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap()
}

#[tokio::test]
async fn prints_its_address_serves_and_takes_environment_configuration() {
    let data_dir = tempfile::tempdir().unwrap();
    let env = [
        ("COURIER_ISSUER", "http://courier.test:1234"),
        ("RUST_LOG", "warn"),
    ];
    let mut child = start(data_dir.path(), &env, Stdio::null());
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("the listening line")
        .to_owned();
    assert!(
        base.starts_with("http://127.0.0.1:") && !base.ends_with(":0"),
        "{base}"
    );

    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.text().await.unwrap(), "ok");
    let metadata: serde_json::Value =
        reqwest::get(format!("{base}/.well-known/openid-configuration"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        metadata["issuer"], "http://courier.test:1234",
        "COURIER_ISSUER was applied"
    );
    assert!(data_dir.path().join("courier.db").exists());
    let jwks: serde_json::Value = reqwest::get(format!("{base}/oauth/jwks"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"].as_array().map(Vec::len), Some(1), "{jwks}");

    let pid = child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown on SIGTERM: {status:?}");
}

#[test]
fn a_bad_configuration_is_a_clear_error_not_a_panic() {
    let output = Command::new(env!("CARGO_BIN_EXE_courier-server"))
        .args([
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            "mysql://nowhere/courier",
        ])
        .arg("--data-dir")
        .arg(tempfile::tempdir().unwrap().path())
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unsupported database URL"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn logs_one_json_object_a_line_when_asked() {
    let data_dir = tempfile::tempdir().unwrap();
    let env = [("COURIER_LOG_FORMAT", "json"), ("RUST_LOG", "info")];
    let mut child = start(data_dir.path(), &env, Stdio::piped());
    let mut listening = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut listening)
        .unwrap();
    assert!(listening.starts_with("listening on "), "{listening}");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let output = child.wait_with_output().unwrap();
    let logs = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    assert!(!lines.is_empty(), "the server logs its start");
    for line in &lines {
        assert!(
            line["timestamp"].is_string() && line["level"].is_string(),
            "{line}"
        );
        assert!(line["message"].is_string(), "{line}");
    }
}

//! The CLI under test: `courier-cli` run as a process with its own data folder and
//! keyring service (a throwaway Secret Service: run under `scripts/with-keyring.sh`).

#![allow(dead_code, clippy::unwrap_used)]

use std::process::Stdio;

use courier_testkit::unique_name;
use tokio::process::Command;

pub struct Cli {
    pub data: tempfile::TempDir,
    pub service: String,
}

impl Cli {
    /// A fresh device: empty data folder, keyring service `{prefix}-{random}`.
    pub fn new(prefix: &str) -> Self {
        Self {
            data: tempfile::tempdir().unwrap(),
            service: unique_name(&format!("{prefix}-")),
        }
    }

    /// `courier-cli ARGS` on this device, output captured.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_courier-cli"));
        command
            .args(args)
            .env("COURIER_DATA_DIR", self.data.path().join("client"))
            .env("COURIER_KEYRING_SERVICE", &self.service)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    /// Runs `courier-cli ARGS` to the end: exit code and stdout + stderr.
    pub async fn run(&self, args: &[&str]) -> (i32, String) {
        let output = self.command(args).output().await.unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.code().unwrap_or(-1), text)
    }
}

/// Waits (at most a minute) for a `courier-cli` process to end, asserting success.
pub async fn exits_successfully(child: &mut tokio::process::Child) {
    let status = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait())
        .await
        .expect("the CLI ended within a minute")
        .unwrap();
    assert!(status.success(), "the CLI failed: {status}");
}

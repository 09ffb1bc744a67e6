//! The account API against its own OpenAPI document: Schemathesis (PyPI; the test
//! command installs it into a virtualenv and names it in `COURIER_SCHEMATHESIS`)
//! generates requests from `/api/v1/openapi.json`, valid and invalid, sends them to a
//! real `courier-server` as a signed-in app, and checks every response against the
//! document (status codes, content types, schemas), plus no 5xx anywhere.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::Stdio;

use courier_testkit::TestServer;

fn schemathesis() -> PathBuf {
    std::env::var_os("COURIER_SCHEMATHESIS")
        .map(PathBuf::from)
        .expect(
            "COURIER_SCHEMATHESIS names the `st` executable (scripts/test.sh installs it; \
             see scripts/common.sh need_contract_tools)",
        )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_response_matches_the_openapi_document() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let app = server.app_session("ada", "Contract test").await;

    let work = tempfile::tempdir().unwrap();
    // The token reaches Schemathesis through the environment (the config names the
    // variable), not the command line, which any local user can read.
    let config = std::env::var_os("ST_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schemathesis.toml"));
    let output = tokio::process::Command::new(schemathesis())
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(server.url("/api/v1/openapi.json"))
        // The events channel is a WebSocket: its own tests drive it.
        .args(["--exclude-path", "/api/v1/events"])
        .args(["--max-examples", "40", "--workers", "1", "--seed", "1"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--request-timeout", "10", "--no-color"])
        .args(["--report", "har"])
        .arg("--report-dir")
        .arg(std::env::var_os("ST_REPORT_DIR").unwrap_or_else(|| work.path().into()))
        .env("COURIER_API_TOKEN", &app.access_token)
        .current_dir(work.path())
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{stdout}\n{stderr}"
    );
    // A run that tested nothing would also succeed; it must have covered operations.
    assert!(
        stdout.contains("passed"),
        "schemathesis ran no operations:\n{stdout}"
    );
}

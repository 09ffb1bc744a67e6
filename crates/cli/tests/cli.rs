//! The CLI's promises that need no server: a missing keyring is its own exit code with
//! the remedy, and usage errors are plain.

#![allow(clippy::unwrap_used)]

use std::process::Command;

fn cli() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_courier-cli"));
    command
        .env("COURIER_DATA_DIR", tempfile::tempdir().unwrap().keep())
        .env("COURIER_KEYRING_SERVICE", "courier-cli-test");
    command
}

#[test]
fn without_a_reachable_keyring_the_cli_says_so_with_the_remedy() {
    for bus in ["unix:path=/nonexistent/courier-test-bus", "disabled:"] {
        let output = cli()
            .env("DBUS_SESSION_BUS_ADDRESS", bus)
            .arg("accounts")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(3), "bus {bus}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("no secret store is available"), "{stderr}");
        assert!(
            stderr.contains("keyring"),
            "the remedy names the keyring: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn an_insecure_server_is_refused_before_anything_happens() {
    let output = cli()
        .env("DBUS_SESSION_BUS_ADDRESS", "disabled:")
        .args([
            "login",
            "--no-browser",
            "--server",
            "http://accounts.example.com",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("plain HTTP is only allowed"), "{stderr}");
}

#[test]
fn usage_errors_are_plain() {
    let output = cli().args(["logout", "someone", "--all"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be used with"));
}

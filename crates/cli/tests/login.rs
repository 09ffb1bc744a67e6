//! `courier-cli` end to end: `login` opens "the system browser" (here `COURIER_BROWSER`
//! pointing at a script that hands the URL to headless Chromium) or prints the link
//! with `--no-browser`; then `accounts`, `whoami`, `switch` and `logout`. Real server,
//! real keyring (run under `scripts/with-keyring.sh`).

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use courier_testkit::{PASSWORD, TestServer};
use courier_tests::{Browser, pages};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::Child;

mod common;

use common::Cli;

/// An executable that appends the URL it is given to `urls` (the test's "system browser").
fn browser_script(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    let urls = dir.join("urls");
    let script = dir.join("open-url");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    (script, urls)
}

async fn wait_for_file_line(path: &Path) -> String {
    for _ in 0..300 {
        if let Some(line) = std::fs::read_to_string(path)
            .ok()
            .and_then(|text| text.lines().next().map(str::to_owned))
        {
            return line;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("nothing was opened in the browser");
}

async fn finish(child: Child) -> (i32, String) {
    let output = tokio::time::timeout(Duration::from_secs(60), child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code().unwrap_or(-1), text)
}

#[tokio::test]
async fn login_through_the_browser_then_accounts_whoami_switch_and_logout() {
    let server = TestServer::start().await;
    for (email, username) in [("ada@example.com", "ada"), ("grace@example.com", "grace")] {
        server.confirmed_account(email, username).await;
    }
    let cli = Cli::new("courier-cli-e2e");
    let (script, urls) = browser_script(cli.data.path());

    // `login` asks the "system browser" to open the authorization URL.
    let browser = Browser::launch().await.unwrap();
    let login = cli
        .command(&["login", "--server", server.base()])
        .env("COURIER_BROWSER", &script)
        .spawn()
        .unwrap();
    let url = wait_for_file_line(&urls).await;
    assert!(
        url.starts_with(&format!("{}/oauth/authorize?", server.base())),
        "{url}"
    );
    browser.goto(&url).await.unwrap();
    pages::sign_in_on_page(&browser, "ada", PASSWORD, true)
        .await
        .unwrap();
    let (code, output) = finish(login).await;
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Your browser should open"), "{output}");
    assert!(
        output.contains("Signed in as ada <ada@example.com>"),
        "{output}"
    );
    browser.close().await.unwrap();

    // `login --no-browser` only prints the link; a person opens it.
    let mut login = cli
        .command(&["login", "--no-browser", "--server", server.base()])
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(login.stdout.take().unwrap()).lines();
    let mut printed = None;
    while let Some(line) = stdout.next_line().await.unwrap() {
        if let Some(url) = line
            .trim()
            .strip_prefix(&format!("{}/oauth/authorize?", server.base()))
        {
            printed = Some(format!("{}/oauth/authorize?{url}", server.base()));
            break;
        }
    }
    let url = printed.expect("the link is printed");
    assert!(
        url.contains("prompt=select_account"),
        "a second account on the same server may choose"
    );
    let browser = Browser::launch().await.unwrap();
    browser.goto(&url).await.unwrap();
    pages::sign_in_on_page(&browser, "grace", PASSWORD, false)
        .await
        .unwrap();
    common::exits_successfully(&mut login).await;
    browser.close().await.unwrap();

    let (code, accounts) = cli.run(&["accounts"]).await;
    assert_eq!(code, 0, "{accounts}");
    assert!(accounts.contains("  ada <ada@example.com>"), "{accounts}");
    assert!(
        accounts.contains("* grace <grace@example.com>"),
        "grace is active: {accounts}"
    );
    assert!(accounts.contains("OS keyring"), "{accounts}");

    let (code, who) = cli.run(&["whoami"]).await;
    assert_eq!(
        (code, who.starts_with("grace (grace@example.com)")),
        (0, true),
        "{who}"
    );
    let (code, switched) = cli.run(&["switch", "ada"]).await;
    assert_eq!(code, 0, "{switched}");
    let (_, who) = cli.run(&["whoami"]).await;
    assert!(who.starts_with("ada (ada@example.com)"), "{who}");
    let (code, unknown) = cli.run(&["switch", "nobody"]).await;
    assert_eq!(code, 1);
    assert!(unknown.contains("no account \"nobody\""), "{unknown}");

    let (code, out) = cli.run(&["logout", "grace@example.com"]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Signed out of grace"), "{out}");
    let (_, who) = cli.run(&["whoami"]).await;
    assert!(
        who.starts_with("ada"),
        "signing out of one leaves the other: {who}"
    );
    let (code, out) = cli.run(&["logout", "--all"]).await;
    assert_eq!(code, 0, "{out}");
    let (code, who) = cli.run(&["whoami"]).await;
    assert_eq!(code, 5, "{who}");
}

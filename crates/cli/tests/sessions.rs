//! `courier-cli whoami` and `sessions` against a real server: the profile as the
//! server has it, the sessions list with this device marked, revoking another
//! device (its token stops working) and revoking this one (the CLI then says sign in
//! again). Sign-in is scripted (no Chromium); real keyring (run under
//! `scripts/with-keyring.sh`).

#![allow(clippy::unwrap_used)]

use courier_testkit::{PASSWORD, ScriptedBrowser, TestServer};
use tokio::io::{AsyncBufReadExt as _, BufReader};

mod common;

use common::Cli;

/// `login --no-browser`, the printed link opened by a scripted browser.
async fn login(cli: &Cli, server: &TestServer) {
    let mut login = cli
        .command(&["login", "--no-browser", "--server", server.base()])
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(login.stdout.take().unwrap()).lines();
    let prefix = format!("{}/oauth/authorize?", server.base());
    let mut url = None;
    while let Some(line) = stdout.next_line().await.unwrap() {
        if line.trim().starts_with(&prefix) {
            url = Some(line.trim().to_owned());
            break;
        }
    }
    let browser = ScriptedBrowser::new(server.base());
    let callback = browser
        .authorize(&url.expect("the link is printed"), "ada", PASSWORD, true)
        .await;
    reqwest::get(&callback)
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    common::exits_successfully(&mut login).await;
}

/// The id at the start of the `sessions` line that contains `needle`.
fn session_id(listing: &str, needle: &str) -> String {
    let line = listing
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("no session line with {needle:?} in:\n{listing}"));
    line[2..].split_whitespace().next().unwrap().to_owned()
}

#[tokio::test]
async fn whoami_shows_the_profile_and_sessions_can_be_listed_and_revoked() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let cli = Cli::new("courier-cli-sessions");
    login(&cli, &server).await;

    let (code, who) = cli.run(&["whoami"]).await;
    assert_eq!(code, 0, "{who}");
    assert!(
        who.starts_with(&format!("ada (ada@example.com) on {}", server.base())),
        "{who}"
    );
    assert!(who.contains("Profile: private"), "{who}");

    // Another device signs in as Ada.
    let laptop = server.app_session("ada", "ada-laptop").await;
    let (code, listing) = cli.run(&["sessions"]).await;
    assert_eq!(code, 0, "{listing}");
    let this_device = listing.lines().next().unwrap();
    assert!(
        this_device.starts_with("* ") && this_device.ends_with("(this device)"),
        "this device comes first, marked:\n{listing}"
    );
    assert_eq!(listing.matches("(this device)").count(), 1, "{listing}");
    let laptop_id = session_id(&listing, "ada-laptop");
    let own_id = session_id(&listing, "(this device)");

    let (code, out) = cli.run(&["sessions", "revoke", &laptop_id]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("Revoked {laptop_id}")), "{out}");
    let (_, listing) = cli.run(&["sessions"]).await;
    assert!(!listing.contains(&laptop_id), "{listing}");
    let laptop_call = laptop.get("/api/v1/me").await;
    assert_eq!(laptop_call.status(), reqwest::StatusCode::UNAUTHORIZED);

    let (code, out) = cli.run(&["sessions", "revoke", "no-such-session"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("courier-cli: "), "{out}");

    // Revoking this device's own session signs it out here too.
    let (code, out) = cli.run(&["sessions", "revoke", &own_id]).await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("this device's own session"), "{out}");
    let (code, who) = cli.run(&["whoami"]).await;
    assert_eq!(code, 5, "{who}");
    assert!(who.contains("sign in again"), "{who}");
    let (_, accounts) = cli.run(&["accounts"]).await;
    assert!(
        accounts.contains("(signed out: sign in again)"),
        "{accounts}"
    );
}

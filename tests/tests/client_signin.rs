//! `courier-client` end to end: a real courier-server, headless Chromium as the system
//! browser, the callback on the client's real loopback listener, tokens in a real
//! (throwaway) Secret Service. Run under `scripts/with-keyring.sh`.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use courier_client::auth::vault::{KeyringVault, TokenVault as _};
use courier_client::clock::ManualClock;
use courier_client::config::ClientConfig;
use courier_client::{Account, Courier, SignInAttempt, SignInMode};
use courier_testkit::{PASSWORD, TestServer, unique_name};
use courier_tests::{Browser, ChannelOpener, OidcProvider, pages};
use tokio::sync::mpsc;

/// A desktop: the client library with its own data folder and keyring service.
struct Desktop {
    courier: Courier,
    opened: mpsc::UnboundedReceiver<String>,
    clock: ManualClock,
    vault: Arc<KeyringVault>,
    data: tempfile::TempDir,
}

impl Desktop {
    /// The username the server says the active account has.
    async fn username(&self) -> Option<String> {
        self.courier.whoami().await.unwrap().1.preferred_username
    }

    fn new(server: &str) -> Self {
        let data = tempfile::tempdir().unwrap();
        let service = unique_name("courier-e2e-");
        let config = ClientConfig::for_data_dir(data.path(), &service, server);
        let vault = Arc::new(
            KeyringVault::connect(&service)
                .expect("a Secret Service (run under scripts/with-keyring.sh)"),
        );
        let (opener, opened) = ChannelOpener::new();
        let clock = ManualClock::starting_now();
        let courier = Courier::new(
            config,
            vault.clone(),
            Arc::new(clock.clone()),
            Arc::new(opener),
        )
        .unwrap();
        Self {
            courier,
            opened,
            clock,
            vault,
            data,
        }
    }

    /// Starts a sign-in and sends Chromium to the URL the client asked to open.
    async fn start(
        &mut self,
        browser: &Browser,
        server: Option<&str>,
        mode: SignInMode,
    ) -> SignInAttempt {
        let attempt = self.courier.start_sign_in(server, mode).await.unwrap();
        let url = self
            .opened
            .recv()
            .await
            .expect("the client opened the browser");
        assert_eq!(url, attempt.url());
        browser.goto(&url).await.unwrap();
        attempt
    }
}

/// Waits for Chromium to land on the client's loopback callback page.
async fn lands_on_callback(browser: &Browser, attempt: &SignInAttempt) {
    let prefix = format!("http://127.0.0.1:{}/callback", attempt.port());
    browser.wait_for_url_prefix(&prefix).await.unwrap();
    browser.wait_for_text("return to Courier").await.unwrap();
}

async fn sign_up_and_confirm(server: &TestServer, browser: &Browser, email: &str, username: &str) {
    pages::sign_up(browser, server.base(), email, username, PASSWORD)
        .await
        .unwrap();
    pages::confirm_from_outbox(browser, &server.outbox(), email)
        .await
        .unwrap();
}

/// Signs in as `identifier` through a fresh browser and the client's whole flow.
async fn sign_in(
    desktop: &mut Desktop,
    server: &TestServer,
    identifier: &str,
    keep: bool,
) -> Account {
    let browser = Browser::launch().await.unwrap();
    let attempt = desktop
        .start(&browser, Some(server.base()), SignInMode::SignIn)
        .await;
    pages::sign_in_on_page(&browser, identifier, PASSWORD, keep)
        .await
        .unwrap();
    lands_on_callback(&browser, &attempt).await;
    let account = desktop.courier.finish_sign_in(attempt).await.unwrap();
    browser.close().await.unwrap();
    account
}

#[tokio::test]
async fn create_account_in_the_browser_confirm_it_and_come_back_signed_in_with_tokens_in_the_keyring()
 {
    let server = TestServer::start().await;
    let mut desktop = Desktop::new(server.base());
    let browser = Browser::launch().await.unwrap();

    let attempt = desktop
        .start(&browser, None, SignInMode::CreateAccount)
        .await;
    browser
        .wait_for_url("Create Account", |url| url.path() == "/signup")
        .await
        .unwrap();
    browser.fill("email", "ada@example.com").await.unwrap();
    browser.fill("username", "ada").await.unwrap();
    browser.fill("password", PASSWORD).await.unwrap();
    browser.check("terms").await.unwrap();
    browser
        .navigate_by(
            "Create free account",
            browser.click_button("Create free account"),
        )
        .await
        .unwrap();
    assert!(
        browser
            .page_text()
            .await
            .unwrap()
            .contains("Check your inbox: open the link we've sent to confirm your address")
    );
    // The password works once the address is confirmed; before, it is refused like a
    // wrong one, with a hint.
    let early = pages::sign_in_on_page(&browser, "ada@example.com", PASSWORD, true)
        .await
        .expect_err("not confirmed yet");
    assert!(
        format!("{early:#}").contains("Just created your account? Open the link we emailed"),
        "{early:#}"
    );
    // The link opens in another tab; back on Sign In, the app's request is still there.
    pages::confirm_in_new_tab(&browser, &server.outbox(), "ada@example.com")
        .await
        .unwrap();
    pages::sign_in_on_page(&browser, "ada@example.com", PASSWORD, true)
        .await
        .unwrap();
    lands_on_callback(&browser, &attempt).await;

    let account = desktop.courier.finish_sign_in(attempt).await.unwrap();
    assert_eq!(account.email.as_deref(), Some("ada@example.com"));
    assert_eq!(account.username.as_deref(), Some("ada"));
    assert!(account.email_verified, "confirmed before signing in");
    assert_eq!(account.issuer, server.base());
    let registry = desktop.courier.registry().await.unwrap();
    assert_eq!(registry.active.as_deref(), Some(account.id.as_str()));

    // Tokens are in the keyring, and nowhere on disk.
    let tokens = desktop
        .vault
        .get(&account.id)
        .unwrap()
        .expect("a keyring entry for the account");
    assert!(tokens.refresh_token.is_some());
    for entry in walk(desktop.data.path()) {
        let text = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            !text.contains(&tokens.access_token),
            "{} holds the access token",
            entry.display()
        );
        assert!(
            !text.contains(tokens.refresh_token.as_deref().unwrap()),
            "{} holds the refresh token",
            entry.display()
        );
    }
    browser.close().await.unwrap();
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[tokio::test]
async fn two_accounts_switching_and_signing_out_of_one_leaves_the_other_working() {
    let server = TestServer::start().await;
    let setup = Browser::launch().await.unwrap();
    sign_up_and_confirm(&server, &setup, "ada@example.com", "ada").await;
    sign_up_and_confirm(&server, &setup, "grace@example.com", "grace").await;
    setup.close().await.unwrap();
    let mut desktop = Desktop::new(server.base());

    // The same browser signs in as Ada, then adds Grace: the server must offer a choice
    // instead of silently reusing Ada's browser session.
    let browser = Browser::launch().await.unwrap();
    let first = desktop.start(&browser, None, SignInMode::SignIn).await;
    pages::sign_in_on_page(&browser, "ada", PASSWORD, true)
        .await
        .unwrap();
    lands_on_callback(&browser, &first).await;
    let ada = desktop.courier.finish_sign_in(first).await.unwrap();

    let second = desktop.start(&browser, None, SignInMode::SignIn).await;
    pages::use_another_account(&browser).await.unwrap();
    pages::sign_in_on_page(&browser, "grace", PASSWORD, true)
        .await
        .unwrap();
    lands_on_callback(&browser, &second).await;
    let grace = desktop.courier.finish_sign_in(second).await.unwrap();
    browser.close().await.unwrap();

    assert_ne!(ada.id, grace.id);
    let registry = desktop.courier.registry().await.unwrap();
    assert_eq!(registry.accounts.len(), 2);
    assert_eq!(
        registry.active.as_deref(),
        Some(grace.id.as_str()),
        "the newest account is active"
    );

    desktop.courier.switch("ada@example.com").await.unwrap();
    assert_eq!(desktop.username().await.as_deref(), Some("ada"));

    let grace_tokens = desktop.vault.get(&grace.id).unwrap().unwrap();
    let outcome = desktop.courier.sign_out("grace").await.unwrap();
    assert!(outcome.revoked_on_server);
    assert!(
        desktop.vault.get(&grace.id).unwrap().is_none(),
        "Grace's keyring entry is gone"
    );
    let registry = desktop.courier.registry().await.unwrap();
    assert_eq!(registry.accounts.len(), 1);
    // Her grant is dead at the server too.
    let refreshed =
        courier_testkit::refresh(&server, grace_tokens.refresh_token.as_deref().unwrap()).await;
    assert_eq!(refreshed.status(), reqwest::StatusCode::BAD_REQUEST);
    // Ada is untouched.
    assert_eq!(desktop.username().await.as_deref(), Some("ada"));
    desktop.courier.sign_out_all().await.unwrap();
    assert!(
        desktop
            .courier
            .registry()
            .await
            .unwrap()
            .accounts
            .is_empty()
    );
}

#[tokio::test]
async fn signing_in_again_as_the_same_account_updates_it_instead_of_duplicating() {
    let server = TestServer::start().await;
    let setup = Browser::launch().await.unwrap();
    sign_up_and_confirm(&server, &setup, "ada@example.com", "ada").await;
    setup.close().await.unwrap();
    let mut desktop = Desktop::new(server.base());
    let first = sign_in(&mut desktop, &server, "ada", true).await;
    let again = sign_in(&mut desktop, &server, "ada@example.com", true).await;
    assert_eq!(first.id, again.id);
    assert_eq!(desktop.courier.registry().await.unwrap().accounts.len(), 1);
}

#[tokio::test]
async fn access_tokens_refresh_before_expiry_and_concurrent_callers_share_one_refresh() {
    let server = TestServer::start().await;
    let setup = Browser::launch().await.unwrap();
    sign_up_and_confirm(&server, &setup, "ada@example.com", "ada").await;
    setup.close().await.unwrap();
    let mut desktop = Desktop::new(server.base());
    let account = sign_in(&mut desktop, &server, "ada", true).await;
    let first = desktop.courier.access_token(&account.id).await.unwrap();
    assert_eq!(
        desktop.courier.access_token(&account.id).await.unwrap(),
        first,
        "no refresh while fresh"
    );

    // Ten minutes later (the server's access tokens live ten), the client refreshes.
    desktop.clock.advance(10 * 60);
    server.clock().advance(10 * 60);
    let courier = &desktop.courier;
    let (a, b) = tokio::join!(
        courier.access_token(&account.id),
        courier.access_token(&account.id)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a, first);
    assert_eq!(a, b, "both callers got the one refreshed token");
    // Had two refreshes raced, the server would have seen the old refresh token twice
    // and revoked the whole grant: whoami would fail.
    assert_eq!(
        courier
            .whoami()
            .await
            .unwrap()
            .1
            .preferred_username
            .as_deref(),
        Some("ada")
    );
}

#[tokio::test]
async fn a_sign_in_the_server_ended_marks_the_account_signed_out_but_keeps_it_listed() {
    let server = TestServer::start().await;
    let setup = Browser::launch().await.unwrap();
    sign_up_and_confirm(&server, &setup, "ada@example.com", "ada").await;
    setup.close().await.unwrap();
    let mut desktop = Desktop::new(server.base());
    let account = sign_in(&mut desktop, &server, "ada", false).await;

    // Without Keep me signed in the grant ends after 30 minutes.
    server.clock().advance(31 * 60);
    desktop.clock.advance(31 * 60);
    let error = desktop.courier.access_token(&account.id).await.unwrap_err();
    assert_eq!(error.kind(), "reauth_required");
    let registry = desktop.courier.registry().await.unwrap();
    let listed = registry.find(&account.id).expect("still listed");
    assert!(listed.signed_out);
    assert!(
        desktop.vault.get(&account.id).unwrap().is_none(),
        "dead tokens are not kept"
    );
    assert_eq!(
        desktop.courier.whoami().await.unwrap_err().kind(),
        "reauth_required"
    );
}

#[tokio::test]
async fn sign_in_again_names_the_account_so_a_browser_signed_in_as_someone_else_asks_for_it() {
    let server = TestServer::start().await;
    let setup = Browser::launch().await.unwrap();
    sign_up_and_confirm(&server, &setup, "ada@example.com", "ada").await;
    sign_up_and_confirm(&server, &setup, "grace@example.com", "grace").await;
    setup.close().await.unwrap();
    let mut desktop = Desktop::new(server.base());
    // Ada's sign-in ends at the server (30 minutes without Keep me signed in).
    let ada = sign_in(&mut desktop, &server, "ada", false).await;
    server.clock().advance(31 * 60);
    desktop.clock.advance(31 * 60);
    desktop.courier.access_token(&ada.id).await.unwrap_err();

    // The person's browser is signed in as Grace now.
    let browser = Browser::launch().await.unwrap();
    browser.goto(&server.url("/signin")).await.unwrap();
    pages::sign_in_on_page(&browser, "grace", PASSWORD, true)
        .await
        .unwrap();

    // Sign in again for Ada: Grace's browser session must not answer for her; the
    // Sign In page opens with Ada's address filled in.
    let attempt = desktop
        .start(&browser, None, SignInMode::Again(ada.id.clone()))
        .await;
    assert!(attempt.url().contains("login_hint=ada%40example.com"));
    browser
        .wait_for_url("Sign In", |url| url.path() == "/signin")
        .await
        .unwrap();
    let identifier = browser.find("input[name=identifier]").await.unwrap();
    assert_eq!(
        identifier.prop("value").await.unwrap().as_deref(),
        Some("ada@example.com")
    );
    pages::sign_in_on_page(&browser, "ada@example.com", PASSWORD, true)
        .await
        .unwrap();
    lands_on_callback(&browser, &attempt).await;
    let again = desktop.courier.finish_sign_in(attempt).await.unwrap();
    assert_eq!(again.id, ada.id, "the same account, signed in again");
    assert!(!again.signed_out);
    let registry = desktop.courier.registry().await.unwrap();
    assert_eq!(registry.accounts.len(), 1);
    assert_eq!(registry.active.as_deref(), Some(ada.id.as_str()));

    // Now that the browser is Ada's, naming her asks only for a click on the page
    // that names her and the app, never for nothing.
    let attempt = desktop
        .start(&browser, None, SignInMode::Again(ada.id.clone()))
        .await;
    pages::continue_as(&browser, "ada@example.com")
        .await
        .unwrap();
    lands_on_callback(&browser, &attempt).await;
    assert_eq!(
        desktop.courier.finish_sign_in(attempt).await.unwrap().id,
        ada.id
    );
    browser.close().await.unwrap();
}

#[tokio::test]
async fn cancel_in_the_browser_ends_the_attempt_with_that_reason_and_stores_nothing() {
    let server = TestServer::start().await;
    let mut desktop = Desktop::new(server.base());
    let browser = Browser::launch().await.unwrap();
    let attempt = desktop.start(&browser, None, SignInMode::SignIn).await;
    browser
        .wait_for_url("Sign In", |url| url.path() == "/signin")
        .await
        .unwrap();
    browser
        .navigate_by("Cancel", browser.click_button("Cancel"))
        .await
        .unwrap();
    lands_on_callback_with_text(&browser, &attempt, "cancelled").await;
    let error = desktop.courier.finish_sign_in(attempt).await.unwrap_err();
    assert_eq!(error.kind(), "sign_in_cancelled_in_browser");
    assert!(
        desktop
            .courier
            .registry()
            .await
            .unwrap()
            .accounts
            .is_empty()
    );
    browser.close().await.unwrap();
}

async fn lands_on_callback_with_text(browser: &Browser, attempt: &SignInAttempt, text: &str) {
    let prefix = format!("http://127.0.0.1:{}/callback", attempt.port());
    browser.wait_for_url_prefix(&prefix).await.unwrap();
    browser.wait_for_text(text).await.unwrap();
}

#[tokio::test]
async fn the_same_client_signs_into_an_independent_openid_provider() {
    let provider = OidcProvider::start().await.unwrap();
    let mut desktop = Desktop::new(provider.issuer());
    let browser = Browser::launch().await.unwrap();
    let attempt = desktop.start(&browser, None, SignInMode::SignIn).await;
    courier_tests::oidc_provider_login(&browser, "lin@example.com")
        .await
        .unwrap();
    lands_on_callback(&browser, &attempt).await;
    let account = desktop.courier.finish_sign_in(attempt).await.unwrap();
    assert_eq!(account.issuer, provider.issuer().trim_end_matches('/'));
    assert_eq!(account.email.as_deref(), Some("lin@example.com"));

    // Its refresh tokens work through the same code path.
    let first = desktop.courier.access_token(&account.id).await.unwrap();
    desktop.clock.advance(24 * 3600);
    let renewed = desktop.courier.access_token(&account.id).await.unwrap();
    assert_ne!(first, renewed);
    assert!(desktop.courier.whoami().await.is_ok());
    browser.close().await.unwrap();
}

/// Signing out revokes at the server, whose event makes the app's live updates forget
/// the same tokens: two deletes of one keyring entry race. Each must succeed, whichever
/// finds the item already gone, and the entry must be gone after.
#[test]
fn deleting_the_same_keyring_entry_from_two_threads_at_once_succeeds_both_times() {
    let service = unique_name("courier-e2e-race-");
    let vault = Arc::new(
        KeyringVault::connect(&service)
            .expect("a Secret Service (run under scripts/with-keyring.sh)"),
    );
    let tokens = courier_client::auth::vault::TokenSet {
        access_token: "at".into(),
        access_expires_at: 0,
        refresh_token: Some("rt".into()),
        scope: None,
    };
    for round in 0..20 {
        let account = format!("account-{round}");
        vault.put(&account, &tokens).unwrap();
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let deletes: Vec<_> = (0..2)
            .map(|_| {
                let (vault, barrier, account) = (vault.clone(), barrier.clone(), account.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    vault.delete(&account)
                })
            })
            .collect();
        for delete in deletes {
            delete.join().unwrap().unwrap();
        }
        assert!(vault.get(&account).unwrap().is_none(), "round {round}");
    }
}

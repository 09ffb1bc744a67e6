//! Tests of the end-to-end harness itself: that headless Chromium can drive the real
//! courier-server, that the independent OpenID provider serves discovery and lets a
//! browser through an authorization (PKCE, refresh token), and that the throwaway
//! keyring of `scripts/with-keyring.sh` stores and returns secrets. Timings go to
//! stderr (`cargo test -p courier-tests -- --nocapture` shows them).

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail, ensure};
use courier_testkit::{DESKTOP_CLIENT_ID, PASSWORD, Pkce, TestServer, random_token};
use courier_tests::oidc_provider::{CLIENT_ID, OidcProvider};
use courier_tests::{
    Browser, CallbackListener, confirm_from_outbox, consent_page, continue_as, oidc_provider_login,
    sign_in_on_page, sign_up, use_another_account,
};
use serde_json::Value;

#[tokio::test]
async fn chromium_signs_up_confirms_and_signs_in_on_a_real_server() -> Result<()> {
    let server = TestServer::start().await;

    let launched = Instant::now();
    let browser = Browser::launch().await?;
    browser.goto(&server.url("/")).await?;
    let first_page = launched.elapsed();
    ensure!(
        browser.page_text().await?.contains("Welcome to Courier"),
        "a new browser should not be signed in"
    );

    let round_trip = Instant::now();
    sign_up(&browser, server.base(), "ada@example.test", "ada", PASSWORD).await?;
    confirm_from_outbox(&browser, &server.outbox(), "ada@example.test").await?;
    browser.goto(&server.url("/signin")).await?;
    let landed = sign_in_on_page(&browser, "ada", PASSWORD, true).await?;
    let round_trip = round_trip.elapsed();

    ensure!(
        landed.path() == "/",
        "a plain sign-in should land on /, not {landed}"
    );
    let page = browser.page_text().await?;
    ensure!(page.contains("You're signed in"), "front page says: {page}");
    ensure!(page.contains("Signed in as ada"), "front page says: {page}");
    ensure!(
        !page.contains("Confirm your email address"),
        "the address should be confirmed: {page}"
    );

    let screenshot = browser.work_dir().join("signed-in.png");
    browser.screenshot(&screenshot).await?;
    ensure!(
        std::fs::metadata(&screenshot)?.len() > 1_000,
        "empty screenshot"
    );

    browser.close().await?;
    eprintln!(
        "harness timing: chromium cold launch to first page {first_page:.2?}; \
         sign-up + confirm + sign-in round trip {round_trip:.2?}"
    );
    Ok(())
}

#[tokio::test]
async fn sign_in_with_a_wrong_password_is_reported() -> Result<()> {
    let server = TestServer::start().await;
    server.confirmed_account("bob@example.test", "bob").await;
    let browser = Browser::launch().await?;
    browser.goto(&server.url("/signin")).await?;
    let error = sign_in_on_page(&browser, "bob", "not-the-password-1", false)
        .await
        .expect_err("a wrong password must not sign in");
    ensure!(
        format!("{error:#}").contains("Incorrect email, username or password"),
        "unexpected error: {error:#}"
    );
    Ok(())
}

/// courier-server's authorization URL for the desktop client, as the app builds it.
fn courier_authorize_url(
    server: &TestServer,
    callback: &CallbackListener,
    pkce: &Pkce,
    prompt: Option<&str>,
) -> Result<url::Url> {
    let mut url = url::Url::parse(&server.url("/oauth/authorize"))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", DESKTOP_CLIENT_ID)
        .append_pair("redirect_uri", &callback.redirect_uri())
        .append_pair("scope", "openid profile email offline_access")
        .append_pair("state", &random_token())
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    if let Some(prompt) = prompt {
        url.query_pairs_mut().append_pair("prompt", prompt);
    }
    Ok(url)
}

/// The browser `landed` on the app's redirect URI and the app's listener got a code.
async fn came_back_with_a_code(landed: &url::Url, callback: &mut CallbackListener) -> Result<()> {
    ensure!(
        landed.as_str().starts_with(&callback.redirect_uri()),
        "went to {landed}"
    );
    let returned = callback.next_callback(Duration::from_secs(10)).await?;
    ensure!(returned.query().unwrap_or_default().contains("code="));
    Ok(())
}

#[tokio::test]
async fn a_signed_in_browser_continues_to_the_app_only_after_a_click_on_the_consent_page()
-> Result<()> {
    let server = TestServer::start().await;
    server.confirmed_account("cyd@example.test", "cyd").await;
    server.confirmed_account("dina@example.test", "dina").await;
    let browser = Browser::launch().await?;
    let mut callback = CallbackListener::bind().await?;
    let pkce = Pkce::new();
    // Not signed in: the request goes to Sign In, then back to the app.
    let url = courier_authorize_url(&server, &callback, &pkce, None)?;
    browser.goto(url.as_str()).await?;
    let landed = sign_in_on_page(&browser, "cyd", PASSWORD, true).await?;
    came_back_with_a_code(&landed, &mut callback).await?;

    // Signed in: the same request stops on a page naming the app and the account, and
    // nothing reaches the app until Continue.
    browser.goto(url.as_str()).await?;
    consent_page(&browser).await?;
    let page = browser.page_text().await?;
    ensure!(page.contains("Continue to Courier Desktop"), "{page}");
    ensure!(page.contains("cyd@example.test"), "{page}");
    ensure!(
        callback
            .next_callback(Duration::from_millis(500))
            .await
            .is_err(),
        "the app heard back before the click"
    );
    let landed = continue_as(&browser, "cyd@example.test").await?;
    came_back_with_a_code(&landed, &mut callback).await?;

    // Asked to pick, the same page.
    let url = courier_authorize_url(&server, &callback, &pkce, Some("select_account"))?;
    browser.goto(url.as_str()).await?;
    let landed = continue_as(&browser, "cyd@example.test").await?;
    came_back_with_a_code(&landed, &mut callback).await?;

    // Or use another account: Sign In for the same request, as dina.
    browser.goto(url.as_str()).await?;
    let signin = use_another_account(&browser).await?;
    ensure!(
        signin.query().unwrap_or_default().contains("req="),
        "{signin}"
    );
    let landed = sign_in_on_page(&browser, "dina@example.test", PASSWORD, false).await?;
    came_back_with_a_code(&landed, &mut callback).await?;
    browser.goto(&server.url("/")).await?;
    ensure!(browser.page_text().await?.contains("Signed in as dina"));
    Ok(())
}

#[tokio::test]
async fn oidc_provider_serves_discovery_and_a_browser_login_with_pkce() -> Result<()> {
    let started = Instant::now();
    let provider = OidcProvider::start().await?;
    let start_time = started.elapsed();

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let discovery: Value = http
        .get(provider.discovery_url())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    ensure!(
        discovery["issuer"] == provider.issuer(),
        "issuer {} != {}",
        discovery["issuer"],
        provider.issuer()
    );
    let methods = discovery["code_challenge_methods_supported"]
        .as_array()
        .context("code_challenge_methods_supported")?;
    ensure!(
        methods.iter().any(|method| method == "S256"),
        "methods: {methods:?}"
    );
    let authorize = discovery["authorization_endpoint"]
        .as_str()
        .context("authorization_endpoint")?;
    let token_endpoint = discovery["token_endpoint"]
        .as_str()
        .context("token_endpoint")?;

    // An authorization request as a native app makes it, without prompt=consent.
    let mut callback = CallbackListener::bind().await?;
    let pkce = Pkce::new();
    let state = random_token();
    let mut url = url::Url::parse(authorize)?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", &callback.redirect_uri())
        .append_pair("scope", "openid email profile offline_access")
        .append_pair("state", &state)
        .append_pair("nonce", &random_token())
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");

    let browser = Browser::launch().await?;
    browser.goto(url.as_str()).await?;
    oidc_provider_login(&browser, "grace@example.test").await?;
    browser
        .wait_for_url_prefix(&callback.redirect_uri())
        .await?;
    let returned = callback.next_callback(Duration::from_secs(10)).await?;
    let param = |name: &str| {
        returned
            .query_pairs()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.into_owned())
    };
    if let Some(error) = param("error") {
        bail!(
            "the provider answered {error}: {:?}",
            param("error_description")
        );
    }
    ensure!(
        param("state").as_deref() == Some(state.as_str()),
        "state: {returned}"
    );
    ensure!(
        param("iss").as_deref() == Some(provider.issuer()),
        "iss: {returned}"
    );
    let code = param("code").context("no code in the callback")?;

    let tokens: Value = http
        .post(token_endpoint)
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", callback.redirect_uri().as_str()),
            ("client_id", CLIENT_ID),
            ("code_verifier", pkce.verifier.as_str()),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    for field in ["access_token", "id_token", "refresh_token"] {
        ensure!(tokens[field].is_string(), "no {field} in {tokens}");
    }
    let userinfo: Value = http
        .get(
            discovery["userinfo_endpoint"]
                .as_str()
                .context("userinfo_endpoint")?,
        )
        .bearer_auth(tokens["access_token"].as_str().unwrap_or_default())
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    ensure!(
        userinfo["email"] == "grace@example.test",
        "userinfo: {userinfo}"
    );

    browser.close().await?;
    eprintln!("harness timing: oidc-provider start to listening {start_time:.2?}");
    Ok(())
}

#[tokio::test]
async fn oidc_provider_rejects_a_code_without_its_verifier() -> Result<()> {
    let provider = OidcProvider::start().await?;
    let mut callback = CallbackListener::bind().await?;
    let pkce = Pkce::new();
    let mut url = url::Url::parse(&format!("{}/auth", provider.issuer()))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", &callback.redirect_uri())
        .append_pair("scope", "openid")
        .append_pair("state", "s")
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    let browser = Browser::launch().await?;
    browser.goto(url.as_str()).await?;
    oidc_provider_login(&browser, "mallory").await?;
    let returned = callback.next_callback(Duration::from_secs(10)).await?;
    let code = returned
        .query_pairs()
        .find(|(key, _)| key == "code")
        .map(|(_, value)| value.into_owned())
        .context("no code")?;
    let response = reqwest::Client::new()
        .post(format!("{}/token", provider.issuer()))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", callback.redirect_uri().as_str()),
            ("client_id", CLIENT_ID),
            ("code_verifier", Pkce::new().verifier.as_str()),
        ])
        .send()
        .await?;
    ensure!(
        response.status() == reqwest::StatusCode::BAD_REQUEST,
        "a wrong verifier got {}",
        response.status()
    );
    Ok(())
}

/// Runs `secret-tool` with `args`, feeding `stdin`; returns its stdout.
fn secret_tool(args: &[&str], stdin: &str) -> Result<String> {
    let mut child = Command::new("secret-tool")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running secret-tool (Debian package libsecret-tools)")?;
    child
        .stdin
        .take()
        .context("secret-tool stdin")?
        .write_all(stdin.as_bytes())?;
    let output = child.wait_with_output()?;
    ensure!(
        output.status.success(),
        "secret-tool {args:?}: {}; {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?)
}

#[test]
fn throwaway_keyring_stores_and_returns_a_secret() -> Result<()> {
    // Only inside scripts/with-keyring.sh: never write to a developer's real keyring.
    if std::env::var_os("COURIER_TEST_KEYRING").is_none() {
        bail!("run this under scripts/with-keyring.sh (it provides a throwaway keyring)");
    }
    // A prefix, so that a token starting with `-` is not read as an option.
    let account = format!("account-{}", random_token());
    let secret = format!("refresh-token-{}", random_token());
    let attributes = [
        "service",
        "courier-tests-harness",
        "account",
        account.as_str(),
    ];
    let mut store = vec!["store", "--label=courier-tests harness"];
    store.extend(attributes);
    secret_tool(&store, &secret)?;
    let mut lookup = vec!["lookup"];
    lookup.extend(attributes);
    ensure!(
        secret_tool(&lookup, "")? == secret,
        "lookup returned another secret"
    );
    let mut clear = vec!["clear"];
    clear.extend(attributes);
    secret_tool(&clear, "")?;
    ensure!(
        Command::new("secret-tool")
            .args(&lookup)
            .output()?
            .stdout
            .is_empty(),
        "the secret is still there after clear"
    );
    Ok(())
}

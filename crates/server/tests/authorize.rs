//! The authorization endpoint: redirect URI rules (any loopback port, nothing else),
//! PKCE S256 required, errors as pages until the redirect is trusted, the five-minute
//! window, and what a browser already signed in does: the consent page (a code only
//! after **Continue**, RFC 8252 §8.6), the `prompt` values and `login_hint`.

use courier_testkit::{
    AuthorizeRequest, PASSWORD, ScriptedBrowser, TestServer, callback_params, location, param,
};
use reqwest::StatusCode;
use reqwest::header::LOCATION;

/// Who the app is signed in as after `response` redirected it back with a code.
async fn signed_in_as(
    server: &TestServer,
    request: &AuthorizeRequest,
    response: reqwest::Response,
) -> String {
    let params = callback_params(&location(response.headers()));
    let code = param(&params, "code").expect("a code");
    let tokens = courier_testkit::exchange_code(server, request, code).await;
    let access_token = tokens["access_token"].as_str().expect("an access token");
    let info: serde_json::Value = courier_testkit::userinfo(server, access_token)
        .await
        .json()
        .await
        .expect("user info");
    info["preferred_username"]
        .as_str()
        .expect("a username")
        .to_owned()
}

/// Asserts `response` sends the browser back to the app with `error`, `state` and `iss`
/// and no code; returns the callback's parameters.
fn assert_error_back(
    server: &TestServer,
    response: &reqwest::Response,
    error: &str,
) -> Vec<(String, String)> {
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        response.url()
    );
    let target = location(response.headers());
    assert!(
        target.starts_with("http://127.0.0.1:49152/callback?"),
        "{target}"
    );
    let params = callback_params(&target);
    assert_eq!(param(&params, "error"), Some(error), "{}", response.url());
    assert!(param(&params, "state").is_some_and(|state| state.starts_with("state-")));
    assert_eq!(param(&params, "iss"), Some(server.base()));
    assert!(param(&params, "code").is_none(), "{target}");
    params
}

#[tokio::test]
async fn any_loopback_port_is_accepted() {
    let server = TestServer::start().await;
    for redirect in [
        "http://127.0.0.1:1024/callback",
        "http://127.0.0.1:49152/callback",
        "http://127.0.0.1:65535/callback",
        "http://[::1]:50000/callback",
    ] {
        let mut request = AuthorizeRequest::new();
        request.redirect_uri = redirect.to_owned();
        let response = server.browser().get(&request.path()).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{redirect}");
        assert!(
            location(response.headers()).starts_with("/signin?req="),
            "{redirect}"
        );
    }
}

#[tokio::test]
async fn a_bad_client_or_redirect_uri_gets_an_error_page_never_a_redirect() {
    let server = TestServer::start().await;
    let mut cases: Vec<AuthorizeRequest> = [
        "http://localhost:49152/callback",
        "https://127.0.0.1:49152/callback",
        "http://127.0.0.1/callback",
        "http://127.0.0.1:49152/elsewhere",
        "http://127.0.0.1:49152/callback?next=evil",
        "http://192.168.1.10:49152/callback",
        "http://evil.example/callback",
    ]
    .into_iter()
    .map(|redirect| {
        let mut request = AuthorizeRequest::new();
        request.redirect_uri = redirect.to_owned();
        request
    })
    .collect();
    cases.push(AuthorizeRequest::new().with("client_id", "someone-else"));
    for request in cases {
        let response = server.browser().get(&request.path()).await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{}",
            request.path()
        );
        assert!(
            response.headers().get(LOCATION).is_none(),
            "no redirect for {}",
            request.path()
        );
        assert!(response.text().await.unwrap().contains("<h1>"));
    }
}

#[tokio::test]
async fn pkce_downgrades_are_refused_with_an_error_redirect() {
    let server = TestServer::start().await;
    let base = AuthorizeRequest::new();
    let without_challenge = base
        .path()
        .replace(&format!("&code_challenge={}", base.challenge), "");
    let plain = AuthorizeRequest::new()
        .with("code_challenge_method", "plain")
        .path();
    let no_method = AuthorizeRequest::new()
        .path()
        .replace("&code_challenge_method=S256", "");
    let short_challenge = AuthorizeRequest::new().with("code_challenge", "abc").path();
    for path in [without_challenge, plain, no_method, short_challenge] {
        let response = server.browser().get(&path).await;
        assert_error_back(&server, &response, "invalid_request");
    }
}

#[tokio::test]
async fn other_protocol_errors_redirect_with_their_own_codes() {
    let server = TestServer::start().await;
    let cases = [
        (
            AuthorizeRequest::new().with("response_type", "token"),
            "unsupported_response_type",
        ),
        (
            AuthorizeRequest::new().with("scope", "admin"),
            "invalid_scope",
        ),
        (
            AuthorizeRequest::new().with("prompt", "none login"),
            "invalid_request",
        ),
        (
            AuthorizeRequest::new().with("response_mode", "fragment"),
            "invalid_request",
        ),
        (
            AuthorizeRequest::new().with("prompt", "none"),
            "login_required",
        ),
    ];
    for (request, expected) in cases {
        let response = server.browser().get(&request.path()).await;
        let params = callback_params(&location(response.headers()));
        assert_eq!(
            param(&params, "error"),
            Some(expected),
            "{}",
            request.path()
        );
    }
}

#[tokio::test]
async fn repeated_or_garbled_parameters_get_an_error_page() {
    let server = TestServer::start().await;
    let repeated = format!("{}&state=again", AuthorizeRequest::new().path());
    let response = server.browser().get(&repeated).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = server.browser().get("/oauth/authorize?%zz=%%").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = server.browser().get("/oauth/authorize").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn state_and_issuer_come_back_with_the_code() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let request = AuthorizeRequest::new().with("state", "a state with spaces & symbols/=?");
    let params = courier_testkit::authorize_as(&server, &request, "ada", true).await;
    assert_eq!(
        param(&params, "state"),
        Some("a state with spaces & symbols/=?")
    );
    assert_eq!(param(&params, "iss"), Some(server.base()));
    assert!(param(&params, "code").is_some_and(|code| code.len() > 40));
}

#[tokio::test]
async fn a_request_must_be_completed_within_five_minutes() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;

    // Just inside the window the sign-in completes.
    let browser = server.browser();
    let request = AuthorizeRequest::new();
    let signin = location(browser.get(&request.path()).await.headers());
    server.clock().advance(4 * 60 + 59);
    let response = browser.sign_in_at(&signin, "ada", PASSWORD, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(response.headers()).starts_with(&request.redirect_uri));

    // Past it, the page says so and no code is issued, even with a form loaded in time.
    let browser = server.browser();
    let request = AuthorizeRequest::new();
    let signin = location(browser.get(&request.path()).await.headers());
    let html = browser.get(&signin).await.text().await.unwrap();
    server.clock().advance(5 * 60 + 1);
    let stale_page = browser.get(&signin).await;
    assert_eq!(stale_page.status(), StatusCode::GONE);
    assert!(stale_page.text().await.unwrap().contains("expired"));
    let req = courier_testkit::hidden_value(&html, "req").unwrap();
    let response = browser
        .post_form(
            "/signin",
            &[
                ("csrf", &courier_testkit::csrf_in(&html)),
                ("req", &req),
                ("identifier", "ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert!(response.headers().get(LOCATION).is_none());
}

#[tokio::test]
async fn a_request_completes_only_once() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let request = AuthorizeRequest::new();
    let signin = location(browser.get(&request.path()).await.headers());
    let first = browser.sign_in_at(&signin, "ada", PASSWORD, true).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let again = browser.get(&signin).await;
    assert_eq!(again.status(), StatusCode::GONE);
}

/// A browser signed in as Ada (Keep me signed in), and the server it is on, with Grace
/// there too.
async fn ada_signed_in() -> (TestServer, ScriptedBrowser) {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let browser = server.browser();
    courier_testkit::authorize_in(&browser, &AuthorizeRequest::new(), "ada", true).await;
    (server, browser)
}

/// Where the browser was sent for `request`; asserts it was not the app.
async fn sent_to(browser: &ScriptedBrowser, request: &AuthorizeRequest) -> String {
    let response = browser.get(&request.path()).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        request.path()
    );
    let target = location(response.headers());
    assert!(
        !target.starts_with(&request.redirect_uri),
        "{} went straight back to the app: {target}",
        request.path()
    );
    target
}

#[tokio::test]
async fn a_signed_in_browser_gets_a_code_only_after_continue_on_a_page_naming_app_and_account() {
    let (server, browser) = ada_signed_in().await;
    let request = AuthorizeRequest::new().with("device_name", "Ada's laptop");
    let consent = sent_to(&browser, &request).await;
    assert!(consent.starts_with("/authorize/choose?req="), "{consent}");
    let html = browser.page(&consent).await;
    for text in [
        "<h1>Continue to Courier Desktop</h1>",
        "Courier Desktop on Ada's laptop asks to sign in",
        "<strong>ada</strong>",
        "Continue as ada@example.com",
        "Use another account",
        "Create Account",
        "action=\"/authorize/cancel\"",
    ] {
        assert!(html.contains(text), "{text} in {html}");
    }
    let response = browser.continue_at(&consent).await;
    assert_eq!(signed_in_as(&server, &request, response).await, "ada");
    // The click ended the request.
    assert_eq!(browser.get(&consent).await.status(), StatusCode::GONE);
}

#[tokio::test]
async fn every_way_a_signed_in_browser_could_answer_goes_through_the_consent_page() {
    let (server, browser) = ada_signed_in().await;
    for request in [
        AuthorizeRequest::new(),
        AuthorizeRequest::new().with("prompt", "consent"),
        AuthorizeRequest::new().with("prompt", "select_account"),
        // "Sign in again" names the account the browser is signed in as.
        AuthorizeRequest::new().with("login_hint", "ada@example.com"),
        AuthorizeRequest::new().with("login_hint", "ADA"),
    ] {
        let consent = sent_to(&browser, &request).await;
        assert!(
            consent.starts_with("/authorize/choose?req="),
            "{}: {consent}",
            request.path()
        );
        let response = browser.continue_at(&consent).await;
        assert_eq!(signed_in_as(&server, &request, response).await, "ada");
    }
}

#[tokio::test]
async fn a_signed_in_browser_is_asked_for_the_password_when_the_app_says_so() {
    let (_server, browser) = ada_signed_in().await;
    // A hint naming someone else: Sign In for that account, never Ada's session.
    let request = AuthorizeRequest::new().with("login_hint", "grace@example.com");
    let signin = sent_to(&browser, &request).await;
    assert!(signin.starts_with("/signin?req="), "{signin}");
    let html = browser.page(&signin).await;
    assert_eq!(
        courier_testkit::input_value(&html, "identifier").as_deref(),
        Some("grace@example.com")
    );
    // prompt=login always asks for the password again.
    let request = AuthorizeRequest::new().with("prompt", "login");
    assert!(
        sent_to(&browser, &request)
            .await
            .starts_with("/signin?req=")
    );
    // prompt=create opens Create Account.
    let request = AuthorizeRequest::new().with("prompt", "create");
    assert!(
        sent_to(&browser, &request)
            .await
            .starts_with("/signup?req=")
    );
}

#[tokio::test]
async fn a_fresh_sign_in_for_the_request_answers_with_the_code_at_once() {
    let (server, browser) = ada_signed_in().await;
    // Use another account: Sign In for the same request; the password is the click.
    let request = AuthorizeRequest::new();
    let consent = sent_to(&browser, &request).await;
    let req = consent.split("req=").nth(1).unwrap();
    let html = browser.page(&consent).await;
    assert!(
        html.contains(&format!("href=\"/signin?req={req}\"")),
        "{html}"
    );
    let response = browser
        .sign_in_at(&format!("/signin?req={req}"), "grace", PASSWORD, true)
        .await;
    assert_eq!(signed_in_as(&server, &request, response).await, "grace");
}

#[tokio::test]
async fn prompt_none_never_answers_with_a_code() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let none = || AuthorizeRequest::new().with("prompt", "none");

    // Not signed in.
    let browser = server.browser();
    let answer = browser.get(&none().path()).await;
    assert_error_back(&server, &answer, "login_required");

    // Signed in: the person must still click, which prompt=none forbids.
    courier_testkit::authorize_in(&browser, &AuthorizeRequest::new(), "ada", true).await;
    let answer = browser.get(&none().path()).await;
    assert_error_back(&server, &answer, "consent_required");
    let answer = browser.get(&none().with("login_hint", "ada").path()).await;
    assert_error_back(&server, &answer, "consent_required");
    // The hint is honoured: Ada's session does not answer for someone else.
    let naming_grace = none().with("login_hint", "grace@example.com");
    let answer = browser.get(&naming_grace.path()).await;
    assert_error_back(&server, &answer, "login_required");
}

#[tokio::test]
async fn continue_counts_only_for_the_account_the_page_showed() {
    let (server, browser) = ada_signed_in().await;
    let request = AuthorizeRequest::new().with("prompt", "select_account");
    let consent = sent_to(&browser, &request).await;
    let html = browser.page(&consent).await;
    assert!(html.contains("Continue as ada@example.com"));
    // Another tab signs in as Grace before the click.
    let response = browser.sign_in_at("/signin", "grace", PASSWORD, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = browser.continue_on(&html).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(response.headers()),
        consent,
        "asked again, no code"
    );
    // The page now names Grace, and her click counts.
    assert!(
        browser
            .page(&consent)
            .await
            .contains("Continue as grace@example.com")
    );
    let response = browser.continue_at(&consent).await;
    assert_eq!(signed_in_as(&server, &request, response).await, "grace");
}

#[tokio::test]
async fn the_consent_page_without_a_session_goes_to_sign_in() {
    let (server, browser) = ada_signed_in().await;
    let request = AuthorizeRequest::new().with("prompt", "select_account");
    let consent = sent_to(&browser, &request).await;
    let req = consent.split("req=").nth(1).unwrap();
    let stranger = server.browser();
    let response = stranger.get(&consent).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), format!("/signin?req={req}"));
}

/// Presses Cancel on `page` (Sign In or the consent page of `request`) and checks the
/// app hears `access_denied` and the request is over.
async fn assert_cancel_ends(
    server: &TestServer,
    browser: &ScriptedBrowser,
    request: &AuthorizeRequest,
    page: &str,
) {
    let html = browser.page(page).await;
    assert!(
        html.contains("action=\"/authorize/cancel\""),
        "{page} offers Cancel"
    );
    let req = courier_testkit::hidden_value(&html, "req").expect("a req field");
    let csrf = courier_testkit::csrf_in(&html);
    let forged = browser
        .post_form("/authorize/cancel", &[("csrf", "wrong"), ("req", &req)])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let response = browser
        .post_form("/authorize/cancel", &[("csrf", &csrf), ("req", &req)])
        .await;
    let params = assert_error_back(server, &response, "access_denied");
    assert_eq!(param(&params, "state"), Some(request.state.as_str()));

    // The request is over: neither the page nor cancelling again does anything.
    assert_eq!(browser.get(page).await.status(), StatusCode::GONE);
    let again = browser
        .post_form("/authorize/cancel", &[("csrf", &csrf), ("req", &req)])
        .await;
    assert_eq!(again.status(), StatusCode::GONE);
}

#[tokio::test]
async fn an_account_created_for_an_app_signs_in_for_it_once_its_address_is_confirmed() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let request = AuthorizeRequest::new().with("prompt", "create");
    let signup = location(browser.get(&request.path()).await.headers());
    let req = signup.split("req=").nth(1).unwrap().to_owned();
    let response = browser
        .sign_up_at(&signup, "ada@example.com", "ada", PASSWORD)
        .await;
    let check_inbox = location(response.headers());
    assert_eq!(check_inbox, format!("/signin?notice=check-inbox&req={req}"));
    let early = browser
        .sign_in_at(&check_inbox, "ada", PASSWORD, true)
        .await;
    assert_eq!(
        early.status(),
        StatusCode::UNAUTHORIZED,
        "not confirmed yet"
    );

    // The link is opened elsewhere (another tab, or the phone the mail arrived on) ...
    server
        .browser()
        .confirm_from_outbox(&server.outbox(), "ada@example.com")
        .await;
    // ... and Sign In, still waiting with the app's request, finishes it.
    let response = browser
        .sign_in_at(&check_inbox, "ada", PASSWORD, true)
        .await;
    assert_eq!(signed_in_as(&server, &request, response).await, "ada");
}

#[tokio::test]
async fn cancel_in_the_browser_sends_access_denied_back_and_ends_the_request() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let request = AuthorizeRequest::new();
    let signin = location(browser.get(&request.path()).await.headers());
    assert!(signin.starts_with("/signin?req="), "{signin}");
    assert_cancel_ends(&server, &browser, &request, &signin).await;
}

#[tokio::test]
async fn cancel_on_the_consent_page_sends_access_denied_and_no_click_can_follow() {
    let (server, browser) = ada_signed_in().await;
    let request = AuthorizeRequest::new();
    let consent = sent_to(&browser, &request).await;
    let html = browser.page(&consent).await;
    assert_cancel_ends(&server, &browser, &request, &consent).await;
    assert_eq!(browser.continue_on(&html).await.status(), StatusCode::GONE);
}

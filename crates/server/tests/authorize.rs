//! The authorization endpoint: redirect URI rules (any loopback port, nothing else),
//! PKCE S256 required, errors as pages until the redirect is trusted, the five-minute
//! window, and the `prompt` values that let a browser already signed in choose or
//! switch accounts.

use courier_testkit::{AuthorizeRequest, PASSWORD, TestServer, callback_params, location, param};
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
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
        let target = location(response.headers());
        assert!(
            target.starts_with("http://127.0.0.1:49152/callback?"),
            "{target}"
        );
        let params = callback_params(&target);
        assert_eq!(param(&params, "error"), Some("invalid_request"), "{path}");
        assert!(param(&params, "state").is_some_and(|state| state.starts_with("state-")));
        assert_eq!(param(&params, "iss"), Some(server.base()));
        assert!(param(&params, "code").is_none());
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

#[tokio::test]
async fn a_signed_in_browser_completes_at_once_unless_asked_to_choose() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    courier_testkit::authorize_in(&browser, &AuthorizeRequest::new(), "ada", true).await;

    // No prompt: the existing session answers immediately.
    let request = AuthorizeRequest::new();
    let response = browser.get(&request.path()).await;
    assert!(location(response.headers()).starts_with(&request.redirect_uri));

    // prompt=none with a session also answers with a code.
    let request = AuthorizeRequest::new().with("prompt", "none");
    let params = callback_params(&location(browser.get(&request.path()).await.headers()));
    assert!(param(&params, "code").is_some());

    // prompt=login always asks for the password again.
    let request = AuthorizeRequest::new().with("prompt", "login");
    assert!(location(browser.get(&request.path()).await.headers()).starts_with("/signin?req="));

    // prompt=create opens Create Account.
    let request = AuthorizeRequest::new().with("prompt", "create");
    assert!(location(browser.get(&request.path()).await.headers()).starts_with("/signup?req="));
}

#[tokio::test]
async fn adding_an_account_lets_the_user_continue_or_sign_in_as_someone_else() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let browser = server.browser();
    courier_testkit::authorize_in(&browser, &AuthorizeRequest::new(), "ada", true).await;

    // Continue as the signed-in account.
    let request = AuthorizeRequest::new().with("prompt", "select_account");
    let chooser = location(browser.get(&request.path()).await.headers());
    assert!(chooser.starts_with("/authorize/choose?req="), "{chooser}");
    let html = browser.get(&chooser).await.text().await.unwrap();
    assert!(html.contains("Continue as ada"), "{html}");
    assert!(html.contains("Use another account"));
    let req = courier_testkit::hidden_value(&html, "req").unwrap();
    let response = browser
        .post_form(
            "/authorize/choose",
            &[("csrf", &courier_testkit::csrf_in(&html)), ("req", &req)],
        )
        .await;
    assert_eq!(signed_in_as(&server, &request, response).await, "ada");

    // Or sign in as someone else from the same browser.
    let request = AuthorizeRequest::new().with("prompt", "select_account");
    let chooser = location(browser.get(&request.path()).await.headers());
    let req = chooser.split("req=").nth(1).unwrap();
    let response = browser
        .sign_in_at(&format!("/signin?req={req}"), "grace", PASSWORD, true)
        .await;
    assert_eq!(signed_in_as(&server, &request, response).await, "grace");
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
    let html = browser.get(&signin).await.text().await.unwrap();
    assert!(
        html.contains("action=\"/authorize/cancel\""),
        "the sign-in page offers Cancel"
    );
    let req = courier_testkit::hidden_value(&html, "req").unwrap();
    let csrf = courier_testkit::csrf_in(&html);
    let response = browser
        .post_form("/authorize/cancel", &[("csrf", &csrf), ("req", &req)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let params = callback_params(&location(response.headers()));
    assert_eq!(param(&params, "error"), Some("access_denied"));
    assert_eq!(param(&params, "state"), Some(request.state.as_str()));
    assert_eq!(param(&params, "iss"), Some(server.base()));

    // The request is over: neither signing in nor cancelling again does anything.
    assert_eq!(browser.get(&signin).await.status(), StatusCode::GONE);
    let again = browser
        .post_form("/authorize/cancel", &[("csrf", &csrf), ("req", &req)])
        .await;
    assert_eq!(again.status(), StatusCode::GONE);
    let forged = browser
        .post_form("/authorize/cancel", &[("csrf", "wrong"), ("req", &req)])
        .await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

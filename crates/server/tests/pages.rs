//! The server's web pages through real HTTP: CSRF protection on every form, the
//! security headers and cookie attributes, signing in and out (session cycling,
//! **Keep me signed in**), rate limits, and bad input answered with pages, never 500.
//! Sign-up and email confirmation are in `signup.rs`.

#![allow(clippy::unwrap_used)]

use courier_testkit::robot_check::{challenge_in, solve, solved_in};
use courier_testkit::{
    AuthorizeRequest, PASSWORD, ScriptedBrowser, TestServer, cookie_attributes, cookie_pair,
    csrf_in, hidden_value, link_in, location, set_cookie_named, signed_in_user, signed_in_user_in,
    signed_in_with_cookie,
};
use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ORIGIN, RETRY_AFTER};
use reqwest::{Response, StatusCode};

const SESSION: &str = "courier_session";
const CSRF: &str = "courier_csrf";
const DAY: i64 = 24 * 60 * 60;
const MINUTE: i64 = 60;

/// A browser signed in to a new (confirmed) account `username`.
async fn signed_in_browser(server: &TestServer, username: &str, keep: bool) -> ScriptedBrowser {
    server
        .confirmed_account(&format!("{username}@example.com"), username)
        .await;
    let browser = server.browser();
    let response = browser
        .sign_in_at("/signin", username, PASSWORD, keep)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "sign-in of {username}"
    );
    browser
}

/// Signs in at `/signin` and returns the response (not followed).
async fn sign_in(
    browser: &ScriptedBrowser,
    identifier: &str,
    password: &str,
    keep: bool,
) -> Response {
    browser
        .sign_in_at("/signin", identifier, password, keep)
        .await
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// Asserts `response` is an HTML page with `status` that says `text`.
async fn assert_page(response: Response, status: StatusCode, text: &str) -> String {
    assert_eq!(response.status(), status, "{}", response.url());
    assert!(is_html(&response), "an HTML page for {status}");
    let html = response.text().await.unwrap();
    assert!(html.contains(text), "{text:?} missing from:\n{html}");
    html
}

/// A client without cookies that does not follow redirects.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Posts `fields` to `path` in every way a forged or stale form arrives, asserting
/// each gets the 403 page; then posts the genuine form (the browser's own token, its
/// own `Origin`) and returns that answer.
async fn assert_refuses_forgeries(
    server: &TestServer,
    browser: &ScriptedBrowser,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> Response {
    fn form<'a>(fields: &[(&'a str, &'a str)], token: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
        let mut all = fields.to_vec();
        all.extend(token.map(|token| ("csrf", token)));
        all
    }
    let with = |token| form(fields, token);
    let foreign_token = server.browser().csrf_for("/signin").await;
    let wrong = format!("csrf_{}", "A".repeat(csrf.len().saturating_sub(5)));
    let attempts = [
        ("no token", with(None), None),
        ("an empty token", with(Some("")), None),
        ("a wrong token", with(Some(&wrong)), None),
        ("another browser's token", with(Some(&foreign_token)), None),
        (
            "a foreign Origin",
            with(Some(csrf)),
            Some("https://evil.example"),
        ),
        ("Origin: null", with(Some(csrf)), Some("null")),
        (
            "another port on the same host",
            with(Some(csrf)),
            Some("http://127.0.0.1:1"),
        ),
    ];
    for (what, form, origin) in attempts {
        let mut request = browser.client.post(server.url(path)).form(&form);
        if let Some(origin) = origin {
            request = request.header(ORIGIN, origin);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::FORBIDDEN,
            "POST {path} with {what}"
        );
        assert!(is_html(&response), "POST {path} with {what}: a page");
        assert!(set_cookie_named(&response, SESSION).is_none());
        let html = response.text().await.unwrap();
        assert!(html.contains("This form has expired"), "{what}: {html}");
    }
    let stolen = bare_client()
        .post(server.url(path))
        .form(&with(Some(csrf)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        stolen.status(),
        StatusCode::FORBIDDEN,
        "POST {path}: the right token without its cookie"
    );
    browser
        .client
        .post(server.url(path))
        .header(ORIGIN, server.base())
        .form(&with(Some(csrf)))
        .send()
        .await
        .unwrap()
}

// ---- CSRF on every form ----

#[tokio::test]
async fn the_sign_up_form_refuses_forged_posts() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/signup").await;
    let fields = [
        ("email", "ada@example.com"),
        ("username", "ada"),
        ("password", PASSWORD),
        ("terms", "on"),
    ];
    let response = assert_refuses_forgeries(&server, &browser, "/signup", &csrf, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), "/signin?notice=check-inbox");
}

#[tokio::test]
async fn the_sign_in_form_refuses_forged_posts() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/signin").await;
    let fields = [
        ("identifier", "ada"),
        ("password", PASSWORD),
        ("keep", "on"),
    ];
    let response = assert_refuses_forgeries(&server, &browser, "/signin", &csrf, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), "/");
    assert_eq!(signed_in_user(&browser).await.as_deref(), Some("ada"));
}

#[tokio::test]
async fn sign_out_refuses_forged_posts() {
    let server = TestServer::start().await;
    let browser = signed_in_browser(&server, "ada", true).await;
    let csrf = browser.csrf_for("/signout").await;
    let response = assert_refuses_forgeries(&server, &browser, "/signout", &csrf, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), "/signin?notice=signed-out");
    assert_eq!(signed_in_user(&browser).await, None);
}

#[tokio::test]
async fn a_forged_sign_out_leaves_the_session_alone() {
    let server = TestServer::start().await;
    let browser = signed_in_browser(&server, "ada", true).await;
    let response = browser
        .client
        .post(server.url("/signout"))
        .header(ORIGIN, "https://evil.example")
        .form(&[("csrf", browser.csrf_for("/signout").await.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(signed_in_user(&browser).await.as_deref(), Some("ada"));
}

#[tokio::test]
async fn email_confirmation_refuses_forged_posts() {
    let server = TestServer::start().await;
    let browser = server.browser();
    browser.sign_up("ada@example.com", "ada", PASSWORD).await;
    let mail = server.mail_to("ada@example.com", 1).await;
    let link = courier_testkit::link_in(&mail, "/confirm-email?token=");
    let html = browser.get(&link).await.text().await.unwrap();
    let token = hidden_value(&html, "token").expect("token field");
    let response = assert_refuses_forgeries(
        &server,
        &browser,
        "/confirm-email",
        &csrf_in(&html),
        &[("token", &token)],
    )
    .await;
    // The forged posts did not spend the link: the genuine one still confirms.
    assert_eq!(
        location(response.headers()),
        "/signin?notice=email-confirmed"
    );
}

#[tokio::test]
async fn resending_the_confirmation_refuses_forged_posts() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/confirm-email/resend").await;
    let fields = [("email", "ada@example.com")];
    let response =
        assert_refuses_forgeries(&server, &browser, "/confirm-email/resend", &csrf, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), "/confirm-email/resend?sent=1");
}

#[tokio::test]
async fn the_consent_page_refuses_forged_posts() {
    let server = TestServer::start().await;
    let browser = signed_in_browser(&server, "ada", true).await;
    let request = AuthorizeRequest::new();
    let response = browser.get(&request.path()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let consent = location(response.headers());
    assert!(consent.starts_with("/authorize/choose?req="), "{consent}");
    let html = browser.get(&consent).await.text().await.unwrap();
    assert!(html.contains("Continue as ada@example.com"), "{html}");
    let req = hidden_value(&html, "req").expect("req field");
    let account = hidden_value(&html, "account").expect("account field");
    let response = assert_refuses_forgeries(
        &server,
        &browser,
        "/authorize/choose",
        &csrf_in(&html),
        &[("req", &req), ("account", &account)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let callback = location(response.headers());
    assert!(
        callback.starts_with(&request.redirect_uri) && callback.contains("code="),
        "the request was still pending after the forgeries: {callback}"
    );
}

// ---- Headers and cookies ----

/// Every `src`, `href` and `action` attribute value in `html`.
fn linked_urls(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for attribute in [
        "src=\"",
        "href=\"",
        "action=\"",
        "formaction=\"",
        "srcset=\"",
    ] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            let after = &rest[start + attribute.len()..];
            let end = after.find('"').unwrap_or(after.len());
            urls.push(after[..end].to_owned());
            rest = &after[end..];
        }
    }
    urls
}

fn assert_self_contained(server: &TestServer, what: &str, html: &str) {
    for url in linked_urls(html) {
        let own = (url.starts_with('/') && !url.starts_with("//"))
            || url.starts_with(&format!("{}/", server.base()));
        assert!(own, "{what} links to {url:?}, not to the server itself");
    }
    for forbidden in [
        "<script",
        "<iframe",
        "<object",
        "<embed",
        " style=\"",
        "<style",
    ] {
        assert!(
            !html.contains(forbidden),
            "{what} contains {forbidden} (CSP forbids it)"
        );
    }
}

async fn assert_secure_page(server: &TestServer, what: &str, response: Response) {
    assert!(
        response.status().as_u16() < 500,
        "{what}: {}",
        response.status()
    );
    assert!(is_html(&response), "{what} is HTML");
    let headers = response.headers();
    let csp = headers
        .get(CONTENT_SECURITY_POLICY)
        .unwrap_or_else(|| panic!("{what} has no Content-Security-Policy"))
        .to_str()
        .unwrap()
        .to_owned();
    // Never framed, so no page (the consent page least of all) can be clicked through
    // an invisible frame; X-Frame-Options for browsers without CSP 2.
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(
        headers.get("x-frame-options").and_then(|v| v.to_str().ok()),
        Some("DENY"),
        "{what}"
    );
    assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
    // Forms post to the server itself; the only wildcard is the port of an app's
    // loopback listener, where a sign-in form's answer redirects.
    assert!(
        csp.contains("form-action 'self' http://127.0.0.1:* http://[::1]:*"),
        "{what}: {csp}"
    );
    let without_form_action = csp
        .replace("http://127.0.0.1:*", "")
        .replace("http://[::1]:*", "");
    assert!(
        !csp.contains("unsafe-inline") && !without_form_action.contains('*'),
        "{what}: {csp}"
    );
    assert_eq!(
        headers.get(CACHE_CONTROL).and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}: HTML is never cached"
    );
    assert_eq!(
        headers
            .get("x-content-type-options")
            .and_then(|v| v.to_str().ok()),
        Some("nosniff"),
        "{what}"
    );
    // Not `no-referrer`: that makes browsers send `Origin: null` on the page's own forms.
    assert_eq!(
        headers.get("referrer-policy").and_then(|v| v.to_str().ok()),
        Some("same-origin"),
        "{what}"
    );
    let html = response.text().await.unwrap();
    assert_self_contained(server, what, &html);
}

#[tokio::test]
async fn every_page_forbids_framing_is_not_cached_and_loads_nothing_from_elsewhere() {
    let server = TestServer::start().await;
    let visitor = server.browser();
    for path in [
        "/",
        "/signin",
        "/signin?notice=check-inbox",
        "/signin?notice=email-confirmed",
        "/signup",
        "/terms",
        "/signout",
        "/confirm-email/resend",
        "/confirm-email/resend?sent=1",
        "/confirm-email?token=cel_whatever",
        "/confirm-email",
        "/no/such/page",
    ] {
        assert_secure_page(&server, path, visitor.get(path).await).await;
    }
    let forged = visitor
        .post_form("/signin", &[("identifier", "ada"), ("password", "x")])
        .await;
    assert_secure_page(&server, "the CSRF refusal", forged).await;

    let browser = signed_in_browser(&server, "ada", false).await;
    assert_secure_page(&server, "/ signed in", browser.get("/").await).await;
    let consent = location(browser.get(&AuthorizeRequest::new().path()).await.headers());
    assert_secure_page(&server, "the consent page", browser.get(&consent).await).await;
    let csrf = browser.csrf_for("/signup").await;
    let refused = browser
        .post_form(
            "/signup",
            &[("csrf", &csrf), ("email", "nope"), ("username", "x")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_secure_page(&server, "a refused sign-up", refused).await;

    let css = visitor.get("/static/style.css").await.text().await.unwrap();
    assert!(
        !css.contains("@import") && !css.contains("http:") && !css.contains("https:"),
        "the stylesheet loads nothing: {css}"
    );
}

#[tokio::test]
async fn cookies_are_http_only_same_site_lax_and_not_secure_over_plain_http() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let page = browser.get("/signin").await;
    let csrf_cookie = set_cookie_named(&page, CSRF).expect("a CSRF cookie on the first visit");
    let html = page.text().await.unwrap();
    let response = browser
        .post_form(
            "/signin",
            &[
                ("csrf", &csrf_in(&html)),
                ("identifier", "ada"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session_cookie = set_cookie_named(&response, SESSION).expect("a session cookie");
    for cookie in [&csrf_cookie, &session_cookie] {
        let attributes = cookie_attributes(cookie);
        for wanted in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(
                attributes.iter().any(|a| a == wanted),
                "{wanted} missing: {cookie}"
            );
        }
        assert!(
            !attributes.iter().any(|a| a.eq_ignore_ascii_case("secure")),
            "no Secure over plain http, or the browser would drop it: {cookie}"
        );
        assert!(
            !attributes.iter().any(|a| a.starts_with("Domain")),
            "{cookie}"
        );
    }
    assert!(
        set_cookie_named(&browser.get("/signin").await, CSRF).is_none(),
        "the CSRF cookie is set once, not on every page"
    );
}

#[tokio::test]
async fn an_https_issuer_gets_host_prefixed_secure_cookies_and_checks_its_own_origin() {
    let issuer = "https://accounts.example.test";
    let (server, addr) =
        TestServer::start_listening(|settings| settings.issuer = Some(issuer.into())).await;
    assert_eq!(server.base(), issuer);
    let local = format!("http://{addr}");
    let client = bare_client();

    let page = client.get(format!("{local}/signup")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let csrf_cookie =
        set_cookie_named(&page, &format!("__Host-{CSRF}")).expect("a __Host- CSRF cookie");
    let attributes = cookie_attributes(&csrf_cookie);
    for wanted in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            attributes.iter().any(|a| a == wanted),
            "{wanted} missing: {csrf_cookie}"
        );
    }
    assert!(!attributes.iter().any(|a| a.starts_with("Domain")));
    assert!(
        set_cookie_named(&page, CSRF).is_none(),
        "no unprefixed cookie"
    );
    let cookie = cookie_pair(&csrf_cookie);
    let csrf = csrf_in(&page.text().await.unwrap());

    let post = |path: &str, origin: &str, fields: Vec<(&str, &str)>| {
        client
            .post(format!("{local}{path}"))
            .header(reqwest::header::COOKIE, &cookie)
            .header(ORIGIN, origin)
            .form(&fields)
            .send()
    };
    let signup = vec![
        ("csrf", csrf.as_str()),
        ("email", "ada@example.com"),
        ("username", "ada"),
        ("password", PASSWORD),
        ("terms", "on"),
    ];
    let refused = post("/signup", &local, signup.clone()).await.unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "the loopback origin is not the public origin"
    );
    let created = post("/signup", issuer, signup).await.unwrap();
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let link = link_in(
        &server.mail_to("ada@example.com", 1).await,
        "/confirm-email?token=",
    );
    assert!(
        link.starts_with(issuer),
        "mail links use the public origin: {link}"
    );
    let token = link.split("token=").nth(1).unwrap();
    let confirm = vec![("csrf", csrf.as_str()), ("token", token)];
    let confirmed = post("/confirm-email", issuer, confirm).await.unwrap();
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);

    let signin = vec![
        ("csrf", csrf.as_str()),
        ("identifier", "ada"),
        ("password", PASSWORD),
        ("keep", "on"),
    ];
    let response = post("/signin", issuer, signin).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let session =
        set_cookie_named(&response, &format!("__Host-{SESSION}")).expect("a __Host- session");
    let attributes = cookie_attributes(&session);
    for wanted in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(attributes.iter().any(|a| a == wanted), "{session}");
    }
    let home = client
        .get(format!("{local}/"))
        .header(reqwest::header::COOKIE, cookie_pair(&session))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        courier_testkit::signed_in_user_in(&home).as_deref(),
        Some("ada")
    );
}

// ---- Signing in and out ----

#[tokio::test]
async fn sign_in_takes_the_email_or_the_username_in_any_case() {
    let server = TestServer::start().await;
    server
        .confirmed_account("Ada.Lovelace@Example.com", "AdaL")
        .await;
    for identifier in [
        "Ada.Lovelace@Example.com",
        "ada.lovelace@example.com",
        "ADA.LOVELACE@EXAMPLE.COM",
        "AdaL",
        "adal",
        "ADAL",
        "  adal  ",
    ] {
        let browser = server.browser();
        let response = sign_in(&browser, identifier, PASSWORD, false).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{identifier:?}");
        assert_eq!(location(response.headers()), "/");
        assert_eq!(
            signed_in_user(&browser).await.as_deref(),
            Some("AdaL"),
            "{identifier:?}"
        );
    }
}

#[tokio::test]
async fn an_unknown_identifier_and_a_wrong_password_get_the_same_answer() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    // The page repeats the identifier, so compare with it blanked out.
    let answer = |identifier: &'static str, password: &'static str| {
        let browser = browser.clone();
        async move {
            let response = sign_in(&browser, identifier, password, true).await;
            let status = response.status();
            assert!(set_cookie_named(&response, SESSION).is_none());
            let html = response.text().await.unwrap();
            assert!(!html.contains(password), "the password is never echoed");
            assert_eq!(
                courier_testkit::input_value(&html, "identifier").as_deref(),
                Some(identifier)
            );
            let typed = format!("value=\"{identifier}\"");
            (status, html.replace(&typed, "value=\"IDENTIFIER\""))
        }
    };
    let wrong_password = answer("ada@example.com", "not-the-password-1").await;
    let unknown_email = answer("nobody@example.com", "not-the-password-1").await;
    let unknown_username = answer("nobody", "not-the-password-1").await;
    let wrong_by_username = answer("ada", "not-the-password-1").await;
    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert!(
        wrong_password
            .1
            .contains("Incorrect email, username or password.")
    );
    assert_eq!(unknown_email, wrong_password);
    assert_eq!(unknown_username, wrong_password);
    assert_eq!(wrong_by_username, wrong_password);
    assert_eq!(signed_in_user(&browser).await, None);
}

#[tokio::test]
async fn signing_in_always_starts_a_new_session_and_ends_the_one_it_replaces() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let browser = server.browser();

    let first = sign_in(&browser, "ada", PASSWORD, true).await;
    let first = cookie_pair(&set_cookie_named(&first, SESSION).expect("session cookie"));
    assert_eq!(
        signed_in_with_cookie(&server, &first).await.as_deref(),
        Some("ada")
    );

    let again = sign_in(&browser, "ada", PASSWORD, true).await;
    let again = cookie_pair(&set_cookie_named(&again, SESSION).expect("session cookie"));
    assert_ne!(again, first, "signing in again gives a new session id");
    assert_eq!(
        signed_in_with_cookie(&server, &first).await,
        None,
        "the replaced session is over"
    );

    let other = sign_in(&browser, "grace", PASSWORD, true).await;
    let other = cookie_pair(&set_cookie_named(&other, SESSION).expect("session cookie"));
    assert_ne!(other, again);
    assert_eq!(signed_in_user(&browser).await.as_deref(), Some("grace"));
    assert_eq!(
        signed_in_with_cookie(&server, &again).await,
        None,
        "ada's cookie no longer works once grace signed in in the same browser"
    );
    assert_eq!(
        signed_in_with_cookie(&server, &other).await.as_deref(),
        Some("grace")
    );
}

#[tokio::test]
async fn a_session_id_planted_before_sign_in_is_never_adopted() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let planted = format!("{SESSION}=cws_planted-by-an-attacker");
    let client = bare_client();
    let page = client.get(server.url("/signin")).send().await.unwrap();
    let csrf_cookie = cookie_pair(&set_cookie_named(&page, CSRF).unwrap());
    let csrf = csrf_in(&page.text().await.unwrap());
    let response = client
        .post(server.url("/signin"))
        .header(reqwest::header::COOKIE, format!("{csrf_cookie}; {planted}"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("identifier", "ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let issued = cookie_pair(&set_cookie_named(&response, SESSION).unwrap());
    assert_ne!(issued, planted);
    assert_eq!(signed_in_with_cookie(&server, &planted).await, None);
}

#[tokio::test]
async fn keep_me_signed_in_lasts_30_days() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let response = sign_in(&browser, "ada", PASSWORD, true).await;
    let cookie = set_cookie_named(&response, SESSION).expect("session cookie");
    assert!(
        cookie_attributes(&cookie).contains(&"Max-Age=2592000".to_owned()),
        "a 30-day cookie: {cookie}"
    );
    server.clock().advance(29 * DAY);
    assert_eq!(signed_in_user(&browser).await.as_deref(), Some("ada"));
    server.clock().advance(2 * DAY);
    assert_eq!(signed_in_user(&browser).await, None, "over after 30 days");
}

#[tokio::test]
async fn without_keep_me_signed_in_the_session_ends_after_30_minutes() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let response = sign_in(&browser, "ada", PASSWORD, false).await;
    let cookie = set_cookie_named(&response, SESSION).expect("session cookie");
    assert!(
        !cookie_attributes(&cookie)
            .iter()
            .any(|a| a.starts_with("Max-Age") || a.starts_with("Expires")),
        "a browser-session cookie: {cookie}"
    );
    server.clock().advance(29 * MINUTE);
    assert_eq!(signed_in_user(&browser).await.as_deref(), Some("ada"));
    server.clock().advance(2 * MINUTE);
    assert_eq!(
        signed_in_user(&browser).await,
        None,
        "over after 30 minutes"
    );
}

#[tokio::test]
async fn signing_out_ends_only_this_browsers_session() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let laptop = server.browser();
    let response = sign_in(&laptop, "ada", PASSWORD, true).await;
    let laptop_cookie = cookie_pair(&set_cookie_named(&response, SESSION).unwrap());
    let phone = server.browser();
    let response = sign_in(&phone, "ada", PASSWORD, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let home = laptop.get("/").await.text().await.unwrap();
    assert!(
        home.contains("Sign out"),
        "the front page offers to sign out"
    );
    let response = laptop
        .post_form("/signout", &[("csrf", &csrf_in(&home))])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(response.headers()), "/signin?notice=signed-out");
    let cleared = set_cookie_named(&response, SESSION).expect("the cookie is cleared");
    assert!(cookie_attributes(&cleared).contains(&"Max-Age=0".to_owned()));

    assert_eq!(signed_in_user(&laptop).await, None);
    assert_eq!(
        signed_in_with_cookie(&server, &laptop_cookie).await,
        None,
        "the session ended on the server, not only in the browser"
    );
    assert_eq!(
        signed_in_user(&phone).await.as_deref(),
        Some("ada"),
        "the other browser stays signed in"
    );
}

// ---- Rate limits ----

fn retry_after(response: &Response) -> u64 {
    response
        .headers()
        .get(RETRY_AFTER)
        .expect("Retry-After")
        .to_str()
        .unwrap()
        .parse()
        .expect("Retry-After in seconds")
}

async fn assert_too_many(response: Response, window: u64) {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(&response);
    assert!((1..=window).contains(&wait), "Retry-After {wait}");
    assert_page(response, StatusCode::TOO_MANY_REQUESTS, "Too many attempts").await;
}

/// Signs in from the client address `ip` (the server trusts `X-Forwarded-For` here).
async fn sign_in_from(
    browser: &ScriptedBrowser,
    ip: &str,
    identifier: &str,
    password: &str,
) -> Response {
    let csrf = browser.csrf_for("/signin").await;
    browser
        .client
        .post(format!("{}/signin", browser.base))
        .header("x-forwarded-for", ip)
        .form(&[
            ("csrf", csrf.as_str()),
            ("identifier", identifier),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

/// A server allowing 3 sign-ins a minute per address (this machine a trusted proxy
/// when `behind_proxy`), and ada's account.
async fn three_sign_ins_a_minute_per_address(behind_proxy: bool) -> TestServer {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.signin_per_ip_per_minute = 3;
        settings.rate_limits.signin_failures_per_account = 100;
        if behind_proxy {
            settings.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        }
    })
    .await;
    server.confirmed_account("ada@example.com", "ada").await;
    server
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_client_address() {
    let server = three_sign_ins_a_minute_per_address(true).await;
    let browser = server.browser();
    for _ in 0..3 {
        let response = sign_in_from(&browser, "203.0.113.7", "ada", "wrong-password-1").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = sign_in_from(&browser, "203.0.113.7", "ada", PASSWORD).await;
    assert_too_many(limited, 60).await;
    let elsewhere = sign_in_from(&browser, "203.0.113.8", "ada", PASSWORD).await;
    assert_eq!(
        elsewhere.status(),
        StatusCode::SEE_OTHER,
        "another address is not limited"
    );
    server.clock().advance(MINUTE);
    let later = sign_in_from(&browser, "203.0.113.7", "ada", PASSWORD).await;
    assert_eq!(
        later.status(),
        StatusCode::SEE_OTHER,
        "the window has passed"
    );
}

#[tokio::test]
async fn a_forwarded_for_header_from_an_untrusted_peer_changes_nothing() {
    let server = three_sign_ins_a_minute_per_address(false).await;
    let browser = server.browser();
    for address in ["203.0.113.7", "203.0.113.8", "203.0.113.9"] {
        let response = sign_in_from(&browser, address, "ada", "wrong-password-1").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Each claimed another address; all came from this machine, which is limited.
    let limited = sign_in_from(&browser, "198.51.100.1", "ada", PASSWORD).await;
    assert_too_many(limited, 60).await;
}

/// A server whose only limit that matters guards an account after three failed
/// sign-ins (a check at a tiny difficulty that does not rise with demand).
async fn guarding_after_three_failures() -> TestServer {
    TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.signin_per_ip_per_minute = 1000;
        settings.rate_limits.signin_failures_per_account = 3;
        settings.proof_of_work.max_number = 200;
        settings.proof_of_work.busy_per_minute = 0;
    })
    .await
}

/// Signs in at `/signin` answering the check the refused attempt's page asked for.
async fn sign_in_with_check(
    browser: &ScriptedBrowser,
    asked: &str,
    identifier: &str,
    password: &str,
) -> Response {
    let csrf = csrf_in(asked);
    let answer = solved_in(asked);
    let fields = [
        ("csrf", csrf.as_str()),
        ("identifier", identifier),
        ("password", password),
        ("altcha", answer.as_str()),
    ];
    browser.post_form("/signin", &fields).await
}

/// Asserts `response` asks for the "I'm not a robot" check and checked no password.
async fn assert_check_asked(response: Response) -> String {
    let html = assert_page(response, StatusCode::BAD_REQUEST, "not a robot").await;
    assert!(challenge_in(&html).is_some(), "a challenge on:\n{html}");
    assert_eq!(signed_in_user_in(&html), None);
    html
}

#[tokio::test]
async fn past_the_failure_limit_an_account_asks_for_the_check_and_the_owner_still_gets_in() {
    let server = guarding_after_three_failures().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let guesser = server.browser();
    for _ in 0..3 {
        let response = sign_in(&guesser, "ada", "wrong-password-1", false).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Without an answer the password is not even checked: the right one is not let in…
    let owner = server.browser();
    let asked = assert_check_asked(sign_in(&owner, "ada", PASSWORD, false).await).await;
    assert!(asked.contains("many failed sign-ins"), "{asked}");
    // …and a wrong answer is no better.
    let csrf = csrf_in(&asked);
    let wrong = solve(&challenge_in(&asked).unwrap(), 1);
    let fields = [
        ("csrf", csrf.as_str()),
        ("identifier", "ada"),
        ("password", PASSWORD),
        ("altcha", wrong.as_str()),
    ];
    let refused = owner.post_form("/signin", &fields).await;
    let asked = assert_check_asked(refused).await;
    assert!(asked.contains("did not pass"), "{asked}");

    // A guess with an answer is checked, fails, and the check is asked again.
    let asked = assert_check_asked(sign_in(&guesser, "ada", "wrong-password-2", false).await).await;
    let guessed = sign_in_with_check(&guesser, &asked, "ada", "wrong-password-2").await;
    assert_eq!(guessed.status(), StatusCode::UNAUTHORIZED);
    let asked = guessed.text().await.unwrap();
    assert!(challenge_in(&asked).is_some(), "still guarded:\n{asked}");

    // The owner, from another browser, answers and gets in: never locked out.
    let owner = server.browser();
    let asked = assert_check_asked(sign_in(&owner, "ada", PASSWORD, false).await).await;
    let signed_in = sign_in_with_check(&owner, &asked, "ada", PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in_user(&owner).await.as_deref(), Some("ada"));
    // A success forgets the failures.
    assert_eq!(
        sign_in(&server.browser(), "ada", PASSWORD, false)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let other = sign_in(&guesser, "grace", PASSWORD, false).await;
    assert_eq!(
        other.status(),
        StatusCode::SEE_OTHER,
        "other accounts are not guarded"
    );
}

#[tokio::test]
async fn the_guard_ends_with_its_window_and_grows_harder_with_more_failures() {
    let server = guarding_after_three_failures().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let guesser = server.browser();
    for _ in 0..3 {
        let response = sign_in(&guesser, "ada", "wrong-password-1", false).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(challenge_in(&response.text().await.unwrap()), None);
    }
    let difficulty = |html: &str| challenge_in(html).unwrap()["maxnumber"].as_u64().unwrap();
    let mut asked =
        assert_check_asked(sign_in(&guesser, "ada", "wrong-password-1", false).await).await;
    let mut difficulties = vec![difficulty(&asked)];
    for _ in 0..6 {
        let response = sign_in_with_check(&guesser, &asked, "ada", "wrong-password-1").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        asked = response.text().await.unwrap();
        difficulties.push(difficulty(&asked));
    }
    // Each further three failures (answered or not) double the work.
    assert_eq!(difficulties, [200, 200, 200, 400, 400, 400, 800]);
    server.clock().advance(15 * MINUTE);
    let later = sign_in(&server.browser(), "ada", PASSWORD, false).await;
    assert_eq!(
        later.status(),
        StatusCode::SEE_OTHER,
        "the window has passed"
    );
}

#[tokio::test]
async fn failed_sign_ins_count_against_the_account_whichever_identifier_is_typed() {
    let server = guarding_after_three_failures().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    for identifier in ["ada", "ADA@example.com", "Ada"] {
        let response = sign_in(&browser, identifier, "wrong-password-1", false).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{identifier}");
    }
    assert_check_asked(sign_in(&browser, "ada@example.com", PASSWORD, false).await).await;
}

#[tokio::test]
async fn an_unconfirmed_account_s_right_password_counts_as_a_failed_sign_in() {
    let server = guarding_after_three_failures().await;
    server
        .browser()
        .sign_up("ada@example.com", "ada", PASSWORD)
        .await;
    let browser = server.browser();
    for _ in 0..3 {
        let response = sign_in(&browser, "ada", PASSWORD, false).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    assert_check_asked(sign_in(&browser, "ada", "wrong-password-1", false).await).await;
}

#[tokio::test]
async fn an_unknown_account_is_guarded_like_a_real_one() {
    let server = guarding_after_three_failures().await;
    let browser = server.browser();
    for _ in 0..3 {
        let response = sign_in(&browser, "nobody", "wrong-password-1", false).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    assert_check_asked(sign_in(&browser, "nobody", "wrong-password-1", false).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_guesses_cannot_get_past_the_account_limit() {
    let server = guarding_after_three_failures().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let mut ready = Vec::new();
    for _ in 0..12 {
        let browser = server.browser();
        let csrf = browser.csrf_for("/signin").await;
        ready.push((browser, csrf));
    }
    let mut guesses = tokio::task::JoinSet::new();
    for (i, (browser, csrf)) in ready.into_iter().enumerate() {
        guesses.spawn(async move {
            let guess = format!("wrong-password-{i}");
            let fields = [
                ("csrf", csrf.as_str()),
                ("identifier", "ada"),
                ("password", guess.as_str()),
            ];
            browser.post_form("/signin", &fields).await.status()
        });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses
        .iter()
        .filter(|status| **status == StatusCode::UNAUTHORIZED)
        .count();
    let asked = statuses
        .iter()
        .filter(|status| **status == StatusCode::BAD_REQUEST)
        .count();
    assert_eq!(checked + asked, statuses.len(), "{statuses:?}");
    assert!(
        checked <= 3,
        "{checked} passwords were checked at once against a limit of 3: {statuses:?}"
    );
}

#[tokio::test]
async fn sign_ups_are_limited_per_client_address() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.signup_per_ip_per_hour = 2;
    })
    .await;
    let browser = server.browser();
    browser.sign_up("ada@example.com", "ada", PASSWORD).await;
    browser
        .sign_up("grace@example.com", "grace", PASSWORD)
        .await;
    let signup = |email: &'static str, username: &'static str| {
        let browser = browser.clone();
        async move {
            let csrf = browser.csrf_for("/signup").await;
            browser
                .post_form(
                    "/signup",
                    &[
                        ("csrf", &csrf),
                        ("email", email),
                        ("username", username),
                        ("password", PASSWORD),
                        ("terms", "on"),
                    ],
                )
                .await
        }
    };
    assert_too_many(signup("alan@example.com", "alan").await, 3600).await;
    let resend_csrf = browser.csrf_for("/confirm-email/resend").await;
    let resend = browser
        .post_form(
            "/confirm-email/resend",
            &[("csrf", &resend_csrf), ("email", "ada@example.com")],
        )
        .await;
    assert_too_many(resend, 3600).await;
    server.clock().advance(60 * MINUTE);
    let later = signup("alan@example.com", "alan").await;
    assert_eq!(
        later.status(),
        StatusCode::SEE_OTHER,
        "the window has passed"
    );
}

// ---- Bad input ----

#[tokio::test]
async fn an_oversized_form_gets_a_413_page() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/signin").await;
    let huge = "a".repeat(70 * 1024);
    for path in [
        "/signup",
        "/signin",
        "/signout",
        "/confirm-email",
        "/confirm-email/resend",
    ] {
        let response = browser
            .post_form(
                path,
                &[("csrf", &csrf), ("identifier", &huge), ("email", &huge)],
            )
            .await;
        assert_page(
            response,
            StatusCode::PAYLOAD_TOO_LARGE,
            "This form is too large.",
        )
        .await;
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_form_gets_a_400_page() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/signin").await;
    let json = format!(r#"{{"csrf":"{csrf}","identifier":"ada","password":"x"}}"#);
    let cases: [(&str, Option<&str>, Vec<u8>); 4] = [
        ("JSON", Some("application/json"), json.clone().into_bytes()),
        ("no content type", None, format!("csrf={csrf}").into_bytes()),
        (
            "plain text",
            Some("text/plain"),
            format!("csrf={csrf}").into_bytes(),
        ),
        (
            "multipart",
            Some("multipart/form-data; boundary=x"),
            b"--x--".to_vec(),
        ),
    ];
    for (what, content_type, body) in cases {
        let mut request = browser.client.post(server.url("/signin")).body(body);
        if let Some(content_type) = content_type {
            request = request.header(CONTENT_TYPE, content_type);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{what}");
        assert_page(
            response,
            StatusCode::BAD_REQUEST,
            "The form could not be read",
        )
        .await;
    }
}

#[tokio::test]
async fn repeated_form_fields_get_a_400_page() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/signin").await;
    for (path, repeated) in [
        ("/signin", "identifier=ada&identifier=grace"),
        ("/signin", "password=x&password=y&identifier=ada"),
        ("/signup", "email=a%40example.com&email=b%40example.com"),
        ("/signout", "x=1"),
        ("/confirm-email", "token=a&token=b"),
        (
            "/confirm-email/resend",
            "email=a%40example.com&email=b%40example.com",
        ),
    ] {
        let body = format!("csrf={csrf}&csrf={csrf}&{repeated}");
        let response = browser
            .client
            .post(server.url(path))
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_page(
            response,
            StatusCode::BAD_REQUEST,
            "The form could not be read",
        )
        .await;
    }
    assert_eq!(signed_in_user(&browser).await, None);
}

#[tokio::test]
async fn a_malformed_query_gets_a_400_page() {
    let server = TestServer::start().await;
    let browser = server.browser();
    for path in [
        "/confirm-email?token=a&token=b",
        "/signin?req=a&req=b",
        "/signup?req=a&req=b",
        "/authorize/choose",
        "/authorize/choose?req=a&req=b",
        "/confirm-email/resend?sent=1&sent=2",
    ] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{path}");
        assert_secure_page(&server, path, response).await;
    }
}

#[tokio::test]
async fn an_unknown_path_gets_a_404_page() {
    let server = TestServer::start().await;
    let browser = server.browser();
    for path in [
        "/nope",
        "/signin/extra",
        "/static/missing.css",
        "/%00",
        "/.env",
    ] {
        let response = browser.get(path).await;
        assert_page(response, StatusCode::NOT_FOUND, "Page not found").await;
    }
    let response = browser.post_form("/nope", &[("a", "b")]).await;
    assert_page(response, StatusCode::NOT_FOUND, "Page not found").await;
}

#[tokio::test]
async fn garbage_in_any_form_field_never_gets_a_500() {
    let server = TestServer::start().await;
    let browser = signed_in_browser(&server, "ada", false).await;
    let csrf = browser.csrf_for("/signup").await;
    let long = "x".repeat(60 * 1024);
    let values = [
        "",
        " ",
        "\0",
        "a\0b@example.com",
        "\u{202e}evil\u{fe0f}",
        "'; DROP TABLE users; --",
        "<script>alert(1)</script>",
        "%",
        "ada@example.com\r\nBcc: victim@example.com",
        "ada",
        long.as_str(),
    ];
    let paths = [
        "/signup",
        "/signin",
        "/confirm-email",
        "/confirm-email/resend",
        "/authorize/choose",
        "/signout",
    ];
    for path in paths {
        for value in values {
            let fields = [
                ("csrf", csrf.as_str()),
                ("email", value),
                ("username", value),
                ("password", value),
                ("identifier", value),
                ("token", value),
                ("req", value),
                ("terms", value),
                ("keep", value),
            ];
            let response = browser.post_form(path, &fields).await;
            let status = response.status();
            assert!(
                status.is_redirection() || status.is_client_error() || status == StatusCode::OK,
                "POST {path} with {:?}…: {status}",
                value.chars().take(20).collect::<String>()
            );
            if !status.is_redirection() {
                assert!(is_html(&response), "POST {path}: {status} is a page");
            }
        }
        // Keep the browser signed in for the next path (sign-out ends it).
        sign_in(&browser, "ada", PASSWORD, false).await;
    }
    for path in [
        "/signin?req=%00",
        "/signin?notice=%3Cscript%3E",
        "/signup?req=../../etc/passwd",
        "/authorize/choose?req=nope",
        &format!("/confirm-email?token={}", "t".repeat(2048)),
        "/confirm-email?token=%FF%FE",
    ] {
        let response = browser.get(path).await;
        let status = response.status();
        assert!(status.as_u16() < 500, "GET {path}: {status}");
        assert!(is_html(&response), "GET {path}: a page");
    }
}

#[tokio::test]
async fn a_wrong_method_gets_a_405_page() {
    let server = TestServer::start().await;
    let response = reqwest::Client::new()
        .put(server.url("/signin"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("does not take that request")
    );
}

//! **Create Account** and email confirmation through real HTTP: field rules with their
//! messages next to the fields, no user enumeration (a registered address looks like a
//! new one and its owner gets a mail), the 24-hour single-use link, and concurrent
//! sign-ups on SQLite.

#![allow(clippy::unwrap_used)]

use courier_testkit::{
    PASSWORD, ScriptedBrowser, TestServer, csrf_in, field_error, hidden_value, input_value,
    link_in, location, signed_in_user_in,
};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Response, StatusCode};
use tokio::task::JoinSet;

const HOUR: i64 = 60 * 60;
const MINUTE: i64 = 60;

/// Posts Create Account as typed (with the browser's CSRF token) and returns the answer.
async fn post_signup(
    browser: &ScriptedBrowser,
    email: &str,
    username: &str,
    password: &str,
    terms: bool,
) -> Response {
    let csrf = browser.csrf_for("/signup").await;
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("email", email),
        ("username", username),
        ("password", password),
    ];
    if terms {
        fields.push(("terms", "on"));
    }
    browser.post_form("/signup", &fields).await
}

/// Asserts the sign-up was refused with the form shown again: 400, the typed email and
/// username kept, the password nowhere. Returns the page.
async fn refused_form(response: Response, email: &str, username: &str, password: &str) -> String {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(
        response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"))
    );
    let html = response.text().await.unwrap();
    assert_eq!(
        input_value(&html, "email").as_deref(),
        Some(email),
        "{html}"
    );
    assert_eq!(
        input_value(&html, "username").as_deref(),
        Some(username),
        "{html}"
    );
    assert_eq!(input_value(&html, "password").as_deref(), Some(""));
    if !password.is_empty() {
        assert!(!html.contains(password), "the password is echoed:\n{html}");
    }
    html
}

/// Signs in at `/signin` and returns the status.
async fn sign_in_status(server: &TestServer, identifier: &str, password: &str) -> StatusCode {
    server
        .browser()
        .sign_in_at("/signin", identifier, password, false)
        .await
        .status()
}

/// The front page in `browser`.
async fn front_page(browser: &ScriptedBrowser) -> String {
    browser.get("/").await.text().await.unwrap()
}

const UNCONFIRMED_BANNER: &str = "Confirm your email address: we sent a link to";
/// Where confirming an address leads: Sign In, saying so.
const CONFIRMED: &str = "Your email address is confirmed. You can sign in now.";
/// The answer to a wrong password, and to the right one before the address is confirmed.
const WRONG_CREDENTIALS: &str = "Incorrect email, username or password. Just created your \
                                 account? Open the link we emailed you first.";

/// Presses the button on the confirmation page `link` leads to.
async fn confirm(browser: &ScriptedBrowser, link: &str) -> Response {
    let page = browser.get(link).await;
    assert_eq!(page.status(), StatusCode::OK, "GET {link}");
    let html = page.text().await.unwrap();
    let token = hidden_value(&html, "token").expect("token field");
    let response = browser
        .post_form(
            "/confirm-email",
            &[("csrf", &csrf_in(&html)), ("token", &token)],
        )
        .await;
    browser.follow(response).await
}

/// Waits for `n` mails to `to` and returns them all. Outbox files of the same second
/// do not sort by time, so tests find a mail by what it says, not by its position.
async fn mails(server: &TestServer, to: &str, n: usize) -> Vec<String> {
    server.mail_to(to, n).await;
    courier_testkit::mails_to(&server.outbox(), to)
}

/// The confirmation links among the first `n` mails to `to`.
async fn confirmation_links(server: &TestServer, to: &str, n: usize) -> Vec<String> {
    mails(server, to, n)
        .await
        .iter()
        .filter(|mail| mail.contains("/confirm-email?token="))
        .map(|mail| link_in(mail, "/confirm-email?token="))
        .collect()
}

async fn assert_page(response: Response, status: StatusCode, text: &str) {
    assert_eq!(response.status(), status);
    let html = response.text().await.unwrap();
    assert!(html.contains(text), "{text:?} missing from:\n{html}");
}

// ---- Field rules ----

#[tokio::test]
async fn the_terms_of_use_must_be_accepted() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let form = browser.get("/signup").await.text().await.unwrap();
    assert!(
        form.contains("href=\"/terms\""),
        "the form links to the terms"
    );
    assert!(form.contains("Create free account"));

    let response = post_signup(&browser, "ada@example.com", "ada", PASSWORD, false).await;
    let html = refused_form(response, "ada@example.com", "ada", PASSWORD).await;
    assert_eq!(
        field_error(&html, "terms").as_deref(),
        Some("Accept the Terms of Use to continue.")
    );
    assert!(
        html.contains("aria-describedby=\"terms-error\""),
        "the message is tied to the checkbox"
    );
    assert_eq!(field_error(&html, "email"), None);
    assert_eq!(field_error(&html, "username"), None);
    assert_eq!(field_error(&html, "password"), None);
    assert_eq!(
        sign_in_status(&server, "ada", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "no account was created"
    );
}

#[tokio::test]
async fn weak_and_common_passwords_are_refused() {
    let server = TestServer::start().await;
    let browser = server.browser();
    for weak in [
        "short",
        "12345678",
        "password123",
        "qwertyuiop",
        "iloveyou1",
        "adalovelace",
        "ada@example.com",
    ] {
        let response = post_signup(&browser, "ada@example.com", "adalovelace", weak, true).await;
        // The password field is always empty; a password that is also the typed
        // email or username legitimately appears in those fields.
        let echo = if weak.starts_with("ada") { "" } else { weak };
        let html = refused_form(response, "ada@example.com", "adalovelace", echo).await;
        let error = field_error(&html, "password")
            .unwrap_or_else(|| panic!("no password error for {weak:?}:\n{html}"));
        assert!(
            error.starts_with("Use at least 8 characters")
                || error.starts_with("Choose a stronger password"),
            "{weak}: {error}"
        );
        assert_eq!(field_error(&html, "email"), None, "{weak}");
        assert_eq!(field_error(&html, "username"), None, "{weak}");
    }
    let too_long = "Plum-orbit-kettle-92 ".repeat(7);
    let response = post_signup(&browser, "ada@example.com", "adalovelace", &too_long, true).await;
    let html = refused_form(response, "ada@example.com", "adalovelace", &too_long).await;
    assert_eq!(
        field_error(&html, "password").as_deref(),
        Some("Use at most 128 characters.")
    );
    let accepted = post_signup(&browser, "ada@example.com", "adalovelace", PASSWORD, true).await;
    assert_eq!(accepted.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_invalid_email_is_refused_next_to_its_field() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let too_long = format!("{}@example.com", "a".repeat(250));
    for email in [
        "",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "a b@example.com",
        "ada@@example.com",
        "ada@example..com",
        too_long.as_str(),
    ] {
        let response = post_signup(&browser, email, "ada", PASSWORD, true).await;
        let html = refused_form(response, email, "ada", PASSWORD).await;
        assert!(field_error(&html, "email").is_some(), "{email:?}:\n{html}");
        assert_eq!(field_error(&html, "username"), None, "{email:?}");
        assert!(
            html.contains("aria-describedby=\"email-error\""),
            "the message is tied to the field"
        );
    }
}

#[tokio::test]
async fn an_invalid_username_is_refused_next_to_its_field() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let too_long = "a".repeat(40);
    for username in [
        "",
        "ad",
        "-ada",
        "_ada",
        "ada lovelace",
        "ada@home",
        "ädä",
        "<b>ada</b>",
        too_long.as_str(),
    ] {
        let response = post_signup(&browser, "ada@example.com", username, PASSWORD, true).await;
        let typed = username.replace('<', "&lt;").replace('>', "&gt;");
        let html = refused_form(response, "ada@example.com", &typed, PASSWORD).await;
        assert!(
            field_error(&html, "username").is_some(),
            "{username:?}:\n{html}"
        );
        assert_eq!(field_error(&html, "email"), None, "{username:?}");
        assert!(!html.contains("<b>ada</b>"), "typed text is escaped");
    }
}

#[tokio::test]
async fn usernames_are_unique_ignoring_case() {
    let server = TestServer::start().await;
    server
        .browser()
        .sign_up("ada@example.com", "ADA", PASSWORD)
        .await;
    let browser = server.browser();
    for username in ["ADA", "ada", "Ada", " ada "] {
        let response = post_signup(&browser, "grace@example.com", username, PASSWORD, true).await;
        let html = refused_form(response, "grace@example.com", username, PASSWORD).await;
        assert_eq!(
            field_error(&html, "username").as_deref(),
            Some("That username is taken. Try another."),
            "{username:?}"
        );
    }
    assert_eq!(
        sign_in_status(&server, "grace@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "no second account"
    );
    let other = post_signup(&browser, "grace@example.com", "ada2", PASSWORD, true).await;
    assert_eq!(other.status(), StatusCode::SEE_OTHER);
}

// ---- No user enumeration ----

#[tokio::test]
async fn signing_up_with_a_registered_email_looks_like_a_new_sign_up_and_mails_its_owner() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let new_password = "velvet-harbor-quartz-58";

    let fresh = post_signup(
        &server.browser(),
        "grace@example.com",
        "grace",
        new_password,
        true,
    )
    .await;
    let taken = post_signup(
        &server.browser(),
        "ADA@Example.com",
        "ada2",
        new_password,
        true,
    )
    .await;
    assert_eq!(fresh.status(), StatusCode::SEE_OTHER);
    assert_eq!(taken.status(), fresh.status());
    assert_eq!(location(taken.headers()), location(fresh.headers()));
    assert_eq!(
        courier_testkit::set_cookies(&taken).len(),
        courier_testkit::set_cookies(&fresh).len()
    );
    assert_eq!(
        taken.text().await.unwrap(),
        fresh.text().await.unwrap(),
        "the same body"
    );

    let notice = mails(&server, "ada@example.com", 2)
        .await
        .into_iter()
        .find(|mail| !mail.contains("/confirm-email?token="))
        .expect("a mail besides the confirmation");
    assert!(
        notice.contains("Someone tried to create a Courier account with your address"),
        "{notice}"
    );
    assert!(
        notice.contains("already belongs to your account"),
        "{notice}"
    );
    assert!(
        !notice.contains("/confirm-email?token="),
        "no confirmation link for a second account"
    );

    for identifier in ["ada@example.com", "ada2"] {
        assert_eq!(
            sign_in_status(&server, identifier, new_password).await,
            StatusCode::UNAUTHORIZED,
            "{identifier} with the new password: no second account, no changed password"
        );
    }
    assert_eq!(
        sign_in_status(&server, "ada@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the owner's password still works"
    );
    let reuse = post_signup(
        &server.browser(),
        "alan@example.com",
        "ada2",
        PASSWORD,
        true,
    )
    .await;
    assert_eq!(
        reuse.status(),
        StatusCode::SEE_OTHER,
        "the username of the refused sign-up was never taken"
    );
}

/// One answer as the person sees it: status, where it redirects, and the page with
/// the browser's CSRF token blanked out (the only part that differs by browser).
#[derive(Debug, PartialEq)]
struct Answer {
    status: StatusCode,
    location: Option<String>,
    set_cookies: usize,
    body: String,
}

async fn answer(response: Response, csrf: &str) -> Answer {
    Answer {
        status: response.status(),
        location: response
            .headers()
            .get(reqwest::header::LOCATION)
            .map(|value| value.to_str().unwrap().to_owned()),
        set_cookies: courier_testkit::set_cookies(&response).len(),
        body: response.text().await.unwrap().replace(csrf, "CSRF"),
    }
}

/// What someone learns by signing `email` up with `password` in a fresh browser and
/// then signing in with it, as told: the sign-up's answer, the page it leads to, and
/// the sign-in's answer.
async fn sign_up_then_sign_in(server: &TestServer, email: &str, password: &str) -> Vec<Answer> {
    let browser = server.browser();
    let csrf = browser.csrf_for("/signup").await;
    let signed_up = post_signup(&browser, email, "newcomer", password, true).await;
    let next = location(signed_up.headers());
    let signed_up = answer(signed_up, &csrf).await;
    let landed = answer(browser.get(&next).await, &csrf).await;
    let signed_in = browser.sign_in_at(&next, email, password, true).await;
    let signed_in = answer(signed_in, &csrf).await;
    vec![signed_up, landed, signed_in]
}

#[tokio::test]
async fn signing_up_and_then_signing_in_tell_nothing_about_a_registered_address() {
    let chosen = "velvet-harbor-quartz-58";
    // The same address: new on one server, already an account on the other.
    let new = TestServer::start().await;
    let registered = TestServer::start().await;
    registered.confirmed_account("ada@example.com", "ada").await;

    let on_new = sign_up_then_sign_in(&new, "ada@example.com", chosen).await;
    let on_registered = sign_up_then_sign_in(&registered, "ada@example.com", chosen).await;
    assert_eq!(on_new, on_registered, "every answer is the same");
    let [signed_up, landed, signed_in] = &on_new[..] else {
        unreachable!("three answers");
    };
    assert_eq!(signed_up.status, StatusCode::SEE_OTHER);
    assert_eq!(
        signed_up.location.as_deref(),
        Some("/signin?notice=check-inbox")
    );
    assert!(
        landed.body.contains(
            "Check your inbox: open the link we've sent to confirm your address, then sign in."
        ),
        "{}",
        landed.body
    );
    assert!(!landed.body.contains("You can sign in now"));
    // The chosen password of the new, unconfirmed account gets a wrong password's answer.
    assert_eq!(signed_in.status, StatusCode::UNAUTHORIZED);
    assert!(
        signed_in.body.contains(WRONG_CREDENTIALS),
        "{}",
        signed_in.body
    );
    let browser = new.browser();
    let csrf = browser.csrf_for("/signin").await;
    let wrong = browser
        .sign_in_at("/signin", "ada@example.com", "not-the-password-1", true)
        .await;
    assert_eq!(
        &answer(wrong, &csrf).await,
        signed_in,
        "the right password of an unconfirmed account answers like a wrong one"
    );

    // Once the address is confirmed, the chosen password works; the registered
    // account keeps its own.
    new.browser()
        .confirm_from_outbox(&new.outbox(), "ada@example.com")
        .await;
    assert_eq!(
        sign_in_status(&new, "ada@example.com", chosen).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        sign_in_status(&registered, "ada@example.com", chosen).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in_status(&registered, "ada@example.com", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn resending_the_confirmation_answers_the_same_for_any_address() {
    let server = TestServer::start().await;
    server
        .browser()
        .sign_up("ada@example.com", "ada", PASSWORD)
        .await;
    server.confirmed_account("grace@example.com", "grace").await;
    let browser = server.browser();
    let mut answers = Vec::new();
    for email in ["ada@example.com", "nobody@example.com", "grace@example.com"] {
        let csrf = browser.csrf_for("/confirm-email/resend").await;
        let response = browser
            .post_form(
                "/confirm-email/resend",
                &[("csrf", &csrf), ("email", email)],
            )
            .await;
        let status = response.status();
        let location = location(response.headers());
        answers.push((status, location, response.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, StatusCode::SEE_OTHER);
    assert_eq!(answers[1], answers[0], "unknown address");
    assert_eq!(answers[2], answers[0], "already confirmed address");
    let page = browser.get(&answers[0].1).await.text().await.unwrap();
    assert!(
        page.contains("If that address belongs to an account"),
        "{page}"
    );

    let links = confirmation_links(&server, "ada@example.com", 2).await;
    assert_eq!(
        links.len(),
        2,
        "a second link for the unconfirmed address only"
    );
    let response = confirm(&browser, &links[1]).await;
    assert_page(response, StatusCode::OK, CONFIRMED).await;
}

// ---- Email confirmation ----

#[tokio::test]
async fn the_confirmation_link_shows_a_button_confirms_once_and_then_the_password_works() {
    let server = TestServer::start().await;
    let browser = server.browser();
    browser.sign_up("ada@example.com", "ada", PASSWORD).await;
    let early = browser.sign_in_at("/signin", "ada", PASSWORD, false).await;
    assert_page(early, StatusCode::UNAUTHORIZED, WRONG_CREDENTIALS).await;
    assert_eq!(signed_in_user_in(&front_page(&browser).await), None);

    let mail = server.mail_to("ada@example.com", 1).await;
    assert!(
        mail.contains("Confirm your email address for Courier"),
        "{mail}"
    );
    let link = link_in(&mail, "/confirm-email?token=");
    assert!(link.starts_with(server.base()), "{link}");
    for _ in 0..2 {
        // Mail scanners fetch links: looking must not spend it.
        let page = browser.get(&link).await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = page.text().await.unwrap();
        assert!(html.contains("action=\"/confirm-email\""), "{html}");
        assert!(html.contains("Confirm email address</button>"), "{html}");
    }
    assert_eq!(
        browser
            .sign_in_at("/signin", "ada", PASSWORD, false)
            .await
            .status(),
        StatusCode::UNAUTHORIZED,
        "looking at the link confirms nothing"
    );

    let csrf = csrf_in(&browser.page(&link).await);
    let token = link.split("token=").nth(1).unwrap();
    let confirmed = browser
        .post_form("/confirm-email", &[("csrf", &csrf), ("token", token)])
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(confirmed.headers()),
        "/signin?notice=email-confirmed",
        "confirming leads to Sign In"
    );
    let signin = browser.follow(confirmed).await;
    assert_page(signin, StatusCode::OK, CONFIRMED).await;
    let response = browser.sign_in_at("/signin", "ada", PASSWORD, false).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "now the password works"
    );
    let home = front_page(&browser).await;
    assert_eq!(signed_in_user_in(&home).as_deref(), Some("ada"));
    assert!(!home.contains(UNCONFIRMED_BANNER), "{home}");

    let again = confirm(&browser, &link).await;
    assert_page(again, StatusCode::GONE, "This link has already been used").await;
}

#[tokio::test]
async fn a_confirmation_link_works_for_24_hours_and_a_resent_one_replaces_it() {
    let server = TestServer::start().await;
    let browser = server.browser();
    browser.sign_up("ada@example.com", "ada", PASSWORD).await;
    let ada_link = link_in(
        &server.mail_to("ada@example.com", 1).await,
        "/confirm-email?token=",
    );
    server.clock().advance(24 * HOUR - MINUTE);
    let response = confirm(&browser, &ada_link).await;
    assert_page(response, StatusCode::OK, CONFIRMED).await;

    browser
        .sign_up("grace@example.com", "grace", PASSWORD)
        .await;
    let grace_link = link_in(
        &server.mail_to("grace@example.com", 1).await,
        "/confirm-email?token=",
    );
    server.clock().advance(24 * HOUR);
    let expired = confirm(&browser, &grace_link).await;
    assert_page(expired, StatusCode::GONE, "This link has expired").await;
    assert_eq!(
        sign_in_status(&server, "grace", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "an expired link confirms nothing"
    );

    let csrf = browser.csrf_for("/confirm-email/resend").await;
    let response = browser
        .post_form(
            "/confirm-email/resend",
            &[("csrf", &csrf), ("email", "grace@example.com")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let resent = confirmation_links(&server, "grace@example.com", 2)
        .await
        .into_iter()
        .find(|link| *link != grace_link)
        .expect("a new link");
    let response = confirm(&browser, &resent).await;
    assert_page(response, StatusCode::OK, CONFIRMED).await;
    assert_eq!(
        sign_in_status(&server, "grace", PASSWORD).await,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_garbage_confirmation_token_gets_400() {
    let server = TestServer::start().await;
    let browser = server.browser();
    let csrf = browser.csrf_for("/confirm-email/resend").await;
    for token in [
        "garbage",
        "",
        "cel_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ] {
        let response = browser
            .post_form("/confirm-email", &[("csrf", &csrf), ("token", token)])
            .await;
        let result = browser.follow(response).await;
        assert_page(result, StatusCode::BAD_REQUEST, "This link is not valid").await;
    }
    for path in ["/confirm-email", "/confirm-email?token="] {
        let response = browser.get(path).await;
        assert_page(response, StatusCode::BAD_REQUEST, "incomplete").await;
    }
}

// ---- Concurrency on SQLite ----

/// Signs up each `(email, username, password)` at the same time, each in its own
/// browser; returns the statuses and bodies in input order.
async fn sign_up_concurrently(
    server: &TestServer,
    accounts: Vec<(String, String, String)>,
) -> Vec<(StatusCode, String)> {
    let mut tasks = JoinSet::new();
    for (index, (email, username, password)) in accounts.into_iter().enumerate() {
        let browser = server.browser();
        tasks.spawn(async move {
            let response = post_signup(&browser, &email, &username, &password, true).await;
            let status = response.status();
            (index, status, response.text().await.unwrap())
        });
    }
    let mut results = tasks.join_all().await;
    results.sort_by_key(|(index, ..)| *index);
    results
        .into_iter()
        .map(|(_, status, body)| (status, body))
        .collect()
}

fn assert_no_server_error(results: &[(StatusCode, String)]) {
    for (status, body) in results {
        assert!(!status.is_server_error(), "{status}: {body}");
        assert!(!body.contains("database is locked"), "{body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_concurrent_sign_ups_all_succeed() {
    let server = TestServer::start().await;
    let accounts: Vec<_> = (0..30)
        .map(|i| {
            (
                format!("user{i}@example.com"),
                format!("user{i}"),
                PASSWORD.to_owned(),
            )
        })
        .collect();
    let results = sign_up_concurrently(&server, accounts).await;
    assert_no_server_error(&results);
    for (i, (status, _)) in results.iter().enumerate() {
        assert_eq!(*status, StatusCode::SEE_OTHER, "user{i}");
    }
    for i in 0..30 {
        let email = format!("user{i}@example.com");
        server
            .browser()
            .confirm_from_outbox(&server.outbox(), &email)
            .await;
    }

    // And all of them signing in at once (each a session write).
    let mut tasks = JoinSet::new();
    for i in 0..30 {
        let browser = server.browser();
        tasks.spawn(async move {
            let username = format!("user{i}");
            let response = browser
                .sign_in_at("/signin", &username, PASSWORD, true)
                .await;
            (username, response.status())
        });
    }
    for (username, status) in tasks.join_all().await {
        assert_eq!(status, StatusCode::SEE_OTHER, "{username}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ups_for_one_username_create_exactly_one_account() {
    let server = TestServer::start().await;
    let spellings = ["racer", "Racer", "RACER", "rAcer", "raCer"];
    let accounts: Vec<_> = (0..10)
        .map(|i| {
            (
                format!("racer{i}@example.com"),
                spellings[i % spellings.len()].to_owned(),
                format!("{PASSWORD}-{i}"),
            )
        })
        .collect();
    let results = sign_up_concurrently(&server, accounts.clone()).await;
    assert_no_server_error(&results);
    let winners: Vec<usize> = (0..10)
        .filter(|&i| results[i].0 == StatusCode::SEE_OTHER)
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let winner = &accounts[winners[0]].0;
    server
        .browser()
        .confirm_from_outbox(&server.outbox(), winner)
        .await;
    for (i, (status, body)) in results.iter().enumerate() {
        if !winners.contains(&i) {
            assert_eq!(*status, StatusCode::BAD_REQUEST);
            assert_eq!(
                field_error(body, "username").as_deref(),
                Some("That username is taken. Try another.")
            );
        }
    }
    for (i, (email, _, password)) in accounts.iter().enumerate() {
        let expected = if winners.contains(&i) {
            StatusCode::SEE_OTHER
        } else {
            StatusCode::UNAUTHORIZED
        };
        assert_eq!(
            sign_in_status(&server, email, password).await,
            expected,
            "{email}"
        );
        assert_eq!(
            sign_in_status(&server, "racer", password).await,
            expected,
            "racer with racer{i}'s password"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sign_ups_for_one_email_create_one_account_and_all_look_alike() {
    let server = TestServer::start().await;
    let accounts: Vec<_> = (0..10)
        .map(|i| {
            (
                "ada@example.com".to_owned(),
                format!("ada{i}"),
                format!("{PASSWORD}-{i}"),
            )
        })
        .collect();
    let results = sign_up_concurrently(&server, accounts.clone()).await;
    assert_no_server_error(&results);
    for (status, _) in &results {
        assert_eq!(*status, StatusCode::SEE_OTHER);
    }
    let links = confirmation_links(&server, "ada@example.com", 10).await;
    assert_eq!(links.len(), 1, "one confirmation, nine notices");
    let confirmed = confirm(&server.browser(), &links[0]).await;
    assert_page(confirmed, StatusCode::OK, CONFIRMED).await;
    let mut owners = 0;
    for (_, username, password) in &accounts {
        if sign_in_status(&server, username, password).await == StatusCode::SEE_OTHER {
            owners += 1;
            assert_eq!(
                sign_in_status(&server, "ada@example.com", password).await,
                StatusCode::SEE_OTHER
            );
        }
    }
    assert_eq!(owners, 1, "exactly one account for the address");
}

#[tokio::test]
async fn no_one_can_bury_an_inbox_in_sign_up_mail() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.mail_per_recipient_per_hour = 3;
    })
    .await;
    // Someone signs the victim's address up again and again, as different people.
    for n in 0..6 {
        let response = server
            .browser()
            .sign_up("victim@example.com", &format!("someone{n}"), PASSWORD)
            .await;
        // The answer never changes: it would tell whether the address has an account.
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "attempt {n}");
    }
    // Mail leaves in order: once a later mail to someone else is out, every mail the
    // sign-ups were going to send has been sent.
    server
        .browser()
        .sign_up("marker@example.com", "marker", PASSWORD)
        .await;
    server.mail_to("marker@example.com", 1).await;
    assert_eq!(
        courier_testkit::mails_to(&server.outbox(), "victim@example.com").len(),
        3,
        "the confirmation and two 'you already have an account' mails, then nothing"
    );
}

//! Trouble signing in?, the way a person uses it: headless Chromium on the server's
//! own pages runs the proof-of-work check in its own JavaScript (`/static/altcha.js`,
//! the page's real CSP), the mail arrives with the username and a one-hour link, the
//! new password works and the old one does not.

#![allow(clippy::unwrap_used)]

use courier_testkit::{PASSWORD, TestServer, outbox};
use courier_tests::{Browser, pages};

const NEW_PASSWORD: &str = "quartz-ember-lantern-37";

/// On `/forgot`: types the address, ticks "I'm not a robot" (the browser solves the
/// puzzle), sends, and waits for the page's answer.
async fn ask_for_a_link(browser: &Browser, email: &str) -> String {
    browser.fill("email", email).await.unwrap();
    browser
        .find("#pow-check")
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.wait_for_text("Done.").await.unwrap();
    browser
        .navigate_by("Send me a link", browser.click_button("Send me a link"))
        .await
        .unwrap();
    browser
        .wait_for_text("If that address belongs to a Courier account")
        .await
        .unwrap()
}

#[tokio::test]
async fn a_person_who_forgot_the_password_gets_a_link_and_signs_in_with_a_new_one() {
    let server = TestServer::start().await;
    let browser = Browser::launch().await.unwrap();
    pages::sign_up(&browser, server.base(), "ada@example.com", "ada", PASSWORD)
        .await
        .unwrap();
    pages::confirm_from_outbox(&browser, &server.outbox(), "ada@example.com")
        .await
        .unwrap();

    // A stranger asking for an address without an account sees the very same answer.
    browser.goto(&server.url("/signin")).await.unwrap();
    browser
        .navigate_by(
            "Trouble signing in?",
            browser.click_link("Trouble signing in?"),
        )
        .await
        .unwrap();
    let for_nobody = ask_for_a_link(&browser, "nobody@example.com").await;
    assert!(outbox::mails_to(&server.outbox(), "nobody@example.com").is_empty());

    browser.goto(&server.url("/forgot")).await.unwrap();
    let for_ada = ask_for_a_link(&browser, "ada@example.com").await;
    assert_eq!(for_ada, for_nobody, "the answer reveals nothing");

    // The reset mail comes from the mail worker: the second to ada, after the confirmation.
    let mail = outbox::wait_for_mail(&server.outbox(), "ada@example.com", 2).await;
    assert!(mail.contains("ada"), "the mail names the username:\n{mail}");
    let link = outbox::link_in(&mail, "/reset?token=");

    browser.goto(&link).await.unwrap();
    browser.fill("password", NEW_PASSWORD).await.unwrap();
    let landed = browser
        .navigate_by("Set new password", browser.click_button("Set new password"))
        .await
        .unwrap();
    assert_eq!(landed.path(), "/signin");
    browser
        .wait_for_text("Your password has been changed")
        .await
        .unwrap();

    // The old password no longer works; the new one does.
    assert!(
        pages::sign_in_on_page(&browser, "ada", PASSWORD, false)
            .await
            .is_err()
    );
    browser.goto(&server.url("/signin")).await.unwrap();
    pages::sign_in_on_page(&browser, "ada", NEW_PASSWORD, false)
        .await
        .unwrap();

    // The link worked once.
    browser.goto(&link).await.unwrap();
    assert!(!browser.has("input[name=password]").await.unwrap());
    browser.close().await.unwrap();
}

#[tokio::test]
async fn an_account_under_guesses_asks_the_browser_for_the_check_and_the_owner_still_signs_in() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.signin_failures_per_account = 3;
        settings.proof_of_work.max_number = 2_000;
    })
    .await;
    server.confirmed_account("ada@example.com", "ada").await;
    let guesser = server.browser();
    for n in 0..3 {
        let guess = guesser
            .sign_in_at("/signin", "ada", &format!("guess-number-{n}"), false)
            .await;
        assert_eq!(guess.status(), 401);
    }

    let browser = Browser::launch().await.unwrap();
    browser.goto(&server.url("/signin")).await.unwrap();
    let refused = pages::sign_in_on_page(&browser, "ada", PASSWORD, false).await;
    let why = refused
        .expect_err("the first try only asks for the check")
        .to_string();
    assert!(why.contains("many failed sign-ins"), "{why}");
    assert!(browser.has("#pow-check").await.unwrap());
    // Signing in again: the page's script solves the puzzle before the form leaves.
    let landed = pages::sign_in_on_page(&browser, "ada", PASSWORD, false)
        .await
        .unwrap();
    assert_eq!(landed.path(), "/");
    browser.wait_for_text("Signed in as").await.unwrap();
    browser.close().await.unwrap();
}

//! The team page (`/t/{slug}`: the name and URL, HTML escaped, nothing about members;
//! an unknown or malformed URL is the standard "page not found") and the invitation's
//! way through Create Account and Sign In in a browser: carried as a token that must
//! look like one (never an address to redirect to), through the confirmation of a
//! new address opened in the same browser, back to the invitation, whose **Join**
//! makes the new account a member.

#![allow(clippy::unwrap_used)]

use courier_testkit::{
    AppSession, PASSWORD, ScriptedBrowser, TestServer, csrf_in, hidden_value, location,
    set_cookie_named, wait_for_link,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

const ACCEPT: &str = "/invitations/accept?token=";

/// Ada, signed in as the app, and the id of the team she created as its admin.
async fn ada_with_team(server: &TestServer, name: &str, slug: &str) -> (AppSession, String) {
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let response = ada
        .post_json("/api/v1/teams", &json!({ "name": name, "slug": slug }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let team: Value = response.json().await.unwrap();
    (ada, team["id"].as_str().unwrap().to_owned())
}

/// Ada invites `email` to `team`; returns the invitation page's path from the mail.
async fn invited(server: &TestServer, ada: &AppSession, team: &str, email: &str) -> String {
    let response = ada
        .post_json(
            &format!("/api/v1/teams/{team}/invitations"),
            &json!({ "emails": [email], "role": "member" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let link = wait_for_link(&server.outbox(), email, ACCEPT).await;
    link.strip_prefix(server.base()).unwrap().to_owned()
}

fn token_of(page_path: &str) -> &str {
    page_path.strip_prefix(ACCEPT).unwrap()
}

/// The usernames of `team`'s members, as its admin's app lists them.
async fn members(ada: &AppSession, team: &str) -> Vec<String> {
    let members: Vec<Value> = ada.get_json(&format!("/api/v1/teams/{team}/members")).await;
    members
        .iter()
        .map(|member| member["username"].as_str().unwrap().to_owned())
        .collect()
}

/// Grace fills in Create Account opened from the invitation `token`'s page.
async fn grace_signs_up_from(browser: &ScriptedBrowser, token: &str) -> reqwest::Response {
    let signup = format!("/signup?invitation={token}");
    browser
        .sign_up_at(&signup, "grace@example.com", "grace", PASSWORD)
        .await
}

/// The page at `path` with the status it came with.
async fn fetched(browser: &ScriptedBrowser, path: &str) -> (StatusCode, String) {
    let response = browser.get(path).await;
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_team_page_shows_the_name_and_url_escaped_and_nothing_about_members() {
    let server = TestServer::start().await;
    let name = "<script>alert(1)</script> & \"Acme\"";
    let (ada, team) = ada_with_team(&server, name, "acme-qa").await;
    invited(&server, &ada, &team, "grace@example.com").await;

    let response = server.browser().get("/t/acme-qa").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-robots-tag"], "noindex");
    let page = response.text().await.unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Acme&quot;"),
        "{page}"
    );
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains(&server.url("/t/acme-qa")), "{page}");
    for private in ["ada", "grace", "@example.com"] {
        assert!(
            !page.contains(private),
            "{private:?} on the team page:\n{page}"
        );
    }

    // The URL is case-insensitive like the team URLs themselves.
    let (status, _) = fetched(&server.browser(), "/t/ACME-QA").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_or_malformed_team_url_is_the_standard_not_found_page() {
    let server = TestServer::start().await;
    ada_with_team(&server, "Acme QA", "acme-qa").await;
    let browser = server.browser();
    let (status, standard) = fetched(&browser, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in [
        "/t/acme-qb",
        "/t/ac",
        "/t/acme--qa",
        "/t/%3Cb%3E",
        &format!("/t/{}", "a".repeat(300)),
    ] {
        let (status, page) = fetched(&browser, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(page, standard, "{path}");
    }
}

#[tokio::test]
async fn the_invitation_page_links_the_team_page_and_both_ways_to_come_back() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let page_path = invited(&server, &ada, &team, "grace@example.com").await;
    let token = token_of(&page_path);

    let (status, page) = fetched(&server.browser(), &page_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("href=\"/t/acme-qa\""), "{page}");
    assert!(
        page.contains(&format!("href=\"/signin?invitation={token}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"/signup?invitation={token}\"")),
        "{page}"
    );

    // Sign In and Create Account keep the invitation when switching between them.
    let browser = server.browser();
    let signin = browser.page(&format!("/signin?invitation={token}")).await;
    assert!(
        signin.contains(&format!("href=\"/signup?invitation={token}\"")),
        "{signin}"
    );
    let signup = browser.page(&format!("/signup?invitation={token}")).await;
    assert_eq!(hidden_value(&signup, "invitation").as_deref(), Some(token));
    assert!(
        signup.contains(&format!("href=\"/signin?invitation={token}\"")),
        "{signup}"
    );
}

#[tokio::test]
async fn a_return_target_that_is_not_an_invitation_token_is_dropped_everywhere() {
    let server = TestServer::start().await;
    let forged = [
        "https://evil.example/",
        "//evil.example",
        "cti_abc/../../signout",
        "cti_abc%3Fx%3D1",
        "cel_abcdefgh",
    ];
    for (n, target) in forged.into_iter().enumerate() {
        let browser = server.browser();
        for form in ["/signin", "/signup"] {
            let page = browser.page(&format!("{form}?invitation={target}")).await;
            assert_eq!(hidden_value(&page, "invitation"), None, "{form} {target}");
            assert!(!page.contains("evil.example"), "{form} {target}:\n{page}");
        }

        // Posted directly, not through the page, it is ignored as well.
        let csrf = browser.csrf_for("/signup").await;
        let email = format!("person{n}@example.com");
        let signed_up = browser
            .post_form(
                "/signup",
                &[
                    ("csrf", &csrf),
                    ("email", &email),
                    ("username", &format!("person{n}")),
                    ("password", PASSWORD),
                    ("terms", "on"),
                    ("invitation", target),
                ],
            )
            .await;
        assert_eq!(signed_up.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(signed_up.headers()), "/signin?notice=check-inbox");
        assert_eq!(set_cookie_named(&signed_up, "courier_invitation"), None);
    }
}

#[tokio::test]
async fn signing_up_from_the_invitation_confirms_signs_in_and_returns_to_join() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let page_path = invited(&server, &ada, &team, "grace@example.com").await;
    let token = token_of(&page_path);

    // Create Account from the invitation page: on to Sign In, still for the invitation.
    let browser = server.browser();
    browser.page(&page_path).await;
    let signed_up = grace_signs_up_from(&browser, token).await;
    let check_inbox = location(signed_up.headers());
    assert_eq!(
        check_inbox,
        format!("/signin?notice=check-inbox&invitation={token}")
    );
    let remembered = set_cookie_named(&signed_up, "courier_invitation").unwrap();
    assert!(remembered.contains(token), "{remembered}");
    assert!(remembered.contains("HttpOnly"), "{remembered}");
    let signin = browser.page(&check_inbox).await;
    assert_eq!(hidden_value(&signin, "invitation").as_deref(), Some(token));

    // The confirmation link opened in the same browser leads back to it too.
    let confirmation = wait_for_link(
        &server.outbox(),
        "grace@example.com",
        "/confirm-email?token=",
    )
    .await;
    let confirm_page = browser.page(&confirmation).await;
    let confirmed = browser
        .post_form(
            "/confirm-email",
            &[
                ("csrf", &csrf_in(&confirm_page)),
                ("token", &hidden_value(&confirm_page, "token").unwrap()),
            ],
        )
        .await;
    let after_confirming = location(confirmed.headers());
    assert_eq!(
        after_confirming,
        format!("/signin?notice=email-confirmed&invitation={token}")
    );

    // Signing in returns to the invitation, which forgets the cookie; Join joins.
    let signed_in = browser
        .sign_in_at(&after_confirming, "grace", PASSWORD, false)
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(signed_in.headers()), page_path);
    assert_eq!(members(&ada, &team).await, ["ada"]);
    let back = browser.get(&page_path).await;
    let forgotten = set_cookie_named(&back, "courier_invitation").unwrap();
    assert!(forgotten.contains("Max-Age=0"), "{forgotten}");
    let page = back.text().await.unwrap();
    assert!(page.contains("signed in as grace@example.com"), "{page}");
    let joined = browser
        .post_form(
            "/invitations/accept",
            &[("csrf", &csrf_in(&page)), ("token", token)],
        )
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    assert!(joined.text().await.unwrap().contains("You joined Acme QA"));
    let mut usernames = members(&ada, &team).await;
    usernames.sort();
    assert_eq!(usernames, ["ada", "grace"]);
}

#[tokio::test]
async fn signing_up_in_one_tab_and_confirming_elsewhere_still_signs_in_to_the_invitation() {
    let server = TestServer::start().await;
    let (ada, team) = ada_with_team(&server, "Acme QA", "acme-qa").await;
    let page_path = invited(&server, &ada, &team, "grace@example.com").await;
    let token = token_of(&page_path);

    let browser = server.browser();
    let signed_up = grace_signs_up_from(&browser, token).await;
    let check_inbox = location(signed_up.headers());
    // Confirmed on another device: this browser's Sign In page still carries the way back.
    server
        .browser()
        .confirm_from_outbox(&server.outbox(), "grace@example.com")
        .await;
    let signed_in = browser
        .sign_in_at(&check_inbox, "grace", PASSWORD, true)
        .await;
    assert_eq!(location(signed_in.headers()), page_path);
}

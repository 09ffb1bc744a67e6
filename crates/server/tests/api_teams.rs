//! `/api/v1/teams`, `/api/v1/invitations/accept` and the invitation page: creating a
//! team (URLs unique, a free one suggested), who may do what (a non-member gets the
//! missing team's 404, a member gets 403 for an admin's action), roles and leaving
//! without ever losing the last admin, invitations by mail (renewed, resent,
//! cancelled, accepted once; an address with an account answered like any other),
//! the hourly allowance, and the link accepted in a browser after signing in.

#![allow(clippy::unwrap_used)]

use courier_testkit::{
    AppSession, PASSWORD, TestServer, api_error, hidden_value, mails_to, wait_for_invitation_token,
};
use futures::StreamExt as _;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

async fn created(app: &AppSession, name: &str, slug: &str) -> Value {
    let response = app
        .post_json("/api/v1/teams", &json!({ "name": name, "slug": slug }))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

/// Ada (admin of "Acme QA") and Grace (no team yet), each signed in as the app.
async fn ada_and_grace(server: &TestServer) -> (AppSession, AppSession, String) {
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let team = created(&ada, "Acme QA", "acme-qa").await;
    (ada, grace, team["id"].as_str().unwrap().to_owned())
}

/// Invites `email` to `team` as `role` from `admin`; returns the mailed link's token.
async fn invite(
    server: &TestServer,
    admin: &AppSession,
    team: &str,
    email: &str,
    n: usize,
) -> String {
    let response = admin
        .post_json(
            &format!("/api/v1/teams/{team}/invitations"),
            &json!({ "emails": [email], "role": "member" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    wait_for_invitation_token(&server.outbox(), email, n).await
}

async fn accept(app: &AppSession, token: &str) -> reqwest::Response {
    app.post_json("/api/v1/invitations/accept", &json!({ "token": token }))
        .await
}

#[tokio::test]
async fn a_team_is_created_with_its_creator_as_admin_and_a_taken_url_suggests_a_free_one() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let suggestion: Value = ada
        .get_json("/api/v1/teams/url-suggestion?name=Acme%20QA")
        .await;
    assert_eq!(suggestion["slug"], "acme-qa");

    let team = created(&ada, "  Acme QA ", "acme-qa").await;
    assert_eq!(
        (team["name"].as_str(), team["role"].as_str()),
        (Some("Acme QA"), Some("admin"))
    );
    let listed: Vec<Value> = ada.get_json("/api/v1/teams").await;
    assert_eq!(listed, std::slice::from_ref(&team));

    // Taken (in any case): 409 naming a free URL, which then works.
    let taken = api_error(
        ada.post_json(
            "/api/v1/teams",
            &json!({ "name": "Other", "slug": "ACME-QA" }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(taken["fields"][0]["field"], "slug");
    assert!(
        taken["message"].as_str().unwrap().contains("acme-qa-2"),
        "{taken}"
    );
    let suggestion: Value = ada
        .get_json("/api/v1/teams/url-suggestion?name=Acme%20QA")
        .await;
    assert_eq!(suggestion["slug"], "acme-qa-2");
    created(&ada, "Other", "acme-qa-2").await;

    // Bad fields are named.
    for (body, field) in [
        (json!({ "name": " ", "slug": "fine-url" }), "name"),
        (json!({ "name": "Fine", "slug": "-bad" }), "slug"),
        (json!({ "name": "Fine", "slug": "ab" }), "slug"),
    ] {
        let refused = api_error(
            ada.post_json("/api/v1/teams", &body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(refused["fields"][0]["field"], field, "{body}");
    }
    assert_eq!(ada.get_json::<Vec<Value>>("/api/v1/teams").await.len(), 2);
}

#[tokio::test]
async fn a_non_member_finds_no_team_and_a_member_cannot_act_as_admin() {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace(&server).await;
    let missing = api_error(
        grace.get("/api/v1/teams/no-such-team").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let hidden = api_error(
        grace.get(&format!("/api/v1/teams/{team}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(missing, hidden, "a team one is not in looks missing");
    for path in ["members", "invitations"] {
        api_error(
            grace.get(&format!("/api/v1/teams/{team}/{path}")).await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }

    // Grace joins as a member: she sees the team and its members, but not invitations.
    let token = invite(&server, &ada, &team, "grace@example.com", 1).await;
    let joined: Value = accept(&grace, &token).await.json().await.unwrap();
    assert_eq!(
        (joined["id"].as_str(), joined["role"].as_str()),
        (Some(team.as_str()), Some("member"))
    );
    let members: Vec<Value> = grace
        .get_json(&format!("/api/v1/teams/{team}/members"))
        .await;
    let names: Vec<_> = members
        .iter()
        .map(|m| (m["username"].as_str().unwrap(), m["role"].as_str().unwrap()))
        .collect();
    assert_eq!(names, [("ada", "admin"), ("grace", "member")]);
    let ada_id = members[0]["user_id"].as_str().unwrap().to_owned();
    for response in [
        grace
            .get(&format!("/api/v1/teams/{team}/invitations"))
            .await,
        grace
            .post_json(
                &format!("/api/v1/teams/{team}/invitations"),
                &json!({ "emails": ["x@example.com"], "role": "admin" }),
            )
            .await,
        grace
            .put_json(
                &format!("/api/v1/teams/{team}"),
                &json!({ "name": "Mine", "slug": "mine-now" }),
            )
            .await,
        grace
            .put_json(
                &format!("/api/v1/teams/{team}/members/{ada_id}/role"),
                &json!({ "role": "member" }),
            )
            .await,
        grace
            .delete(&format!("/api/v1/teams/{team}/members/{ada_id}"))
            .await,
    ] {
        api_error(response, StatusCode::FORBIDDEN).await;
    }
    let team_now: Value = ada.get_json(&format!("/api/v1/teams/{team}")).await;
    assert_eq!(team_now["name"], "Acme QA");
}

#[tokio::test]
async fn roles_change_members_leave_and_the_last_admin_always_stays() {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace(&server).await;
    let token = invite(&server, &ada, &team, "grace@example.com", 1).await;
    accept(&grace, &token).await;
    let members: Vec<Value> = ada.get_json(&format!("/api/v1/teams/{team}/members")).await;
    let (ada_id, grace_id) = (
        members[0]["user_id"].as_str().unwrap(),
        members[1]["user_id"].as_str().unwrap(),
    );

    // Ada alone is admin: she can neither step down nor leave.
    let last = api_error(
        ada.put_json(
            &format!("/api/v1/teams/{team}/members/{ada_id}/role"),
            &json!({ "role": "member" }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        last["message"].as_str().unwrap().contains("needs an admin"),
        "{last}"
    );
    api_error(
        ada.delete(&format!("/api/v1/teams/{team}/members/{ada_id}"))
            .await,
        StatusCode::CONFLICT,
    )
    .await;

    // Grace made admin; Ada leaves; Ada no longer finds the team.
    let promoted: Value = ada
        .put_json(
            &format!("/api/v1/teams/{team}/members/{grace_id}/role"),
            &json!({ "role": "admin" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(promoted["role"], "admin");
    let left = ada
        .delete(&format!("/api/v1/teams/{team}/members/{ada_id}"))
        .await;
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    api_error(
        ada.get(&format!("/api/v1/teams/{team}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert!(ada.get_json::<Vec<Value>>("/api/v1/teams").await.is_empty());
    // Removing someone who is not a member: 404.
    api_error(
        grace
            .delete(&format!("/api/v1/teams/{team}/members/{ada_id}"))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Renamed by its admin.
    let renamed: Value = grace
        .put_json(
            &format!("/api/v1/teams/{team}"),
            &json!({ "name": "Acme Testing", "slug": "acme-testing" }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (renamed["name"].as_str(), renamed["slug"].as_str()),
        (Some("Acme Testing"), Some("acme-testing"))
    );
}

#[tokio::test]
async fn invitations_are_renewed_resent_cancelled_and_accepted_once() {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace(&server).await;
    let path = format!("/api/v1/teams/{team}/invitations");

    // Invited twice: one invitation, the first link dead, the second alive.
    let first = invite(&server, &ada, &team, "grace@example.com", 1).await;
    let second = invite(&server, &ada, &team, "Grace@Example.com", 2).await;
    let pending: Vec<Value> = ada.get_json(&path).await;
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (
            pending[0]["email"].as_str(),
            pending[0]["expired"].as_bool()
        ),
        (Some("grace@example.com"), Some(false))
    );
    let dead = api_error(accept(&grace, &first).await, StatusCode::CONFLICT).await;
    assert!(
        dead["message"].as_str().unwrap().contains("not valid"),
        "{dead}"
    );

    // Resend: a third mail, whose link replaces the second.
    let id = pending[0]["id"].as_str().unwrap();
    let resent = ada
        .post_json(&format!("{path}/{id}/resend"), &json!({}))
        .await;
    assert_eq!(resent.status(), StatusCode::OK);
    let third = wait_for_invitation_token(&server.outbox(), "grace@example.com", 3).await;
    api_error(accept(&grace, &second).await, StatusCode::CONFLICT).await;

    // Accepted once; the same link again is spent.
    assert_eq!(accept(&grace, &third).await.status(), StatusCode::OK);
    let again = api_error(accept(&grace, &third).await, StatusCode::CONFLICT).await;
    assert!(
        again["message"]
            .as_str()
            .unwrap()
            .contains("already been accepted"),
        "{again}"
    );
    assert!(ada.get_json::<Vec<Value>>(&path).await.is_empty());

    // Cancelled: its link says so; cancelling again finds nothing.
    let cancelled = invite(&server, &ada, &team, "new@example.com", 1).await;
    let pending: Vec<Value> = ada.get_json(&path).await;
    let id = pending[0]["id"].as_str().unwrap();
    assert_eq!(
        ada.delete(&format!("{path}/{id}")).await.status(),
        StatusCode::NO_CONTENT
    );
    api_error(
        ada.delete(&format!("{path}/{id}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let refused = api_error(accept(&grace, &cancelled).await, StatusCode::CONFLICT).await;
    assert!(
        refused["message"].as_str().unwrap().contains("cancelled"),
        "{refused}"
    );

    // Expired after 7 days: listed as expired, refused, and Resend revives it.
    let late = invite(&server, &ada, &team, "late@example.com", 1).await;
    server.clock().advance(7 * 24 * 3600);
    // A week on, the apps' access tokens have long expired: sign in again.
    let ada = server.app_session("ada", "Ada's desktop").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let pending: Vec<Value> = ada.get_json(&path).await;
    assert_eq!(pending[0]["expired"], true);
    let expired = api_error(accept(&grace, &late).await, StatusCode::CONFLICT).await;
    assert!(
        expired["message"].as_str().unwrap().contains("expired"),
        "{expired}"
    );
}

#[tokio::test]
async fn inviting_an_address_with_an_account_answers_and_mails_like_any_other() {
    let server = TestServer::start().await;
    let (ada, _grace, team) = ada_and_grace(&server).await;
    let mut answers = Vec::new();
    for email in ["grace@example.com", "nobody@example.com"] {
        let response = ada
            .post_json(
                &format!("/api/v1/teams/{team}/invitations"),
                &json!({ "emails": [email], "role": "member" }),
            )
            .await;
        let status = response.status();
        let mut body: Vec<Value> = response.json().await.unwrap();
        body[0]["id"] = Value::Null;
        body[0]["email"] = Value::Null;
        answers.push((status, body));
        wait_for_invitation_token(&server.outbox(), email, 1).await;
        let mail = mails_to(&server.outbox(), email).pop().unwrap();
        assert!(mail.contains("invited you to Acme QA"), "{mail}");
    }
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn invitations_beyond_the_hourly_allowance_are_refused_whole() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.invitations_per_account_per_hour = 3;
        // The hourly allowance, not the Free plan's three members, is under test here.
        settings.billing.enforce_limits = false;
    })
    .await;
    let (ada, _grace, team) = ada_and_grace(&server).await;
    let path = format!("/api/v1/teams/{team}/invitations");
    let four = json!({ "emails": ["a@example.com", "b@example.com", "c@example.com", "d@example.com"], "role": "member" });
    let refused = ada.post_json(&path, &four).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(
        ada.get_json::<Vec<Value>>(&path).await.is_empty(),
        "nothing stored"
    );
    let bad = json!({ "emails": ["ok@example.com", "not an address"], "role": "member" });
    let invalid = api_error(ada.post_json(&path, &bad).await, StatusCode::BAD_REQUEST).await;
    assert_eq!(invalid["fields"][0]["field"], "emails[1]");
    assert!(
        ada.get_json::<Vec<Value>>(&path).await.is_empty(),
        "nothing stored"
    );
    let three =
        json!({ "emails": ["a@example.com", "b@example.com", "c@example.com"], "role": "member" });
    assert_eq!(
        ada.post_json(&path, &three).await.status(),
        StatusCode::CREATED
    );
    assert_eq!(ada.get_json::<Vec<Value>>(&path).await.len(), 3);
    let one_more = json!({ "emails": ["e@example.com"], "role": "member" });
    assert_eq!(
        ada.post_json(&path, &one_more).await.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "three of three used: the refused batches took nothing, the accepted one took three"
    );
}

#[tokio::test]
async fn the_invitation_link_is_accepted_in_the_browser_after_signing_in_and_a_prefetch_accepts_nothing()
 {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace(&server).await;
    let token = invite(&server, &ada, &team, "grace@example.com", 1).await;
    let page_path = format!("/invitations/accept?token={token}");

    // A mail scanner's GET (signed out) shows the page and accepts nothing.
    let browser = server.browser();
    let page = browser.page(&page_path).await;
    assert!(page.contains("Join Acme QA on Courier"), "{page}");
    assert!(
        page.contains(&format!("/signin?invitation={token}")),
        "{page}"
    );
    assert!(
        grace
            .get_json::<Vec<Value>>("/api/v1/teams")
            .await
            .is_empty()
    );

    // Sign In from there comes back to the page, whose button joins.
    let signed_in = browser
        .sign_in_at(
            &format!("/signin?invitation={token}"),
            "grace",
            PASSWORD,
            false,
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(courier_testkit::location(signed_in.headers()), page_path);
    let page = browser.page(&page_path).await;
    assert!(page.contains("signed in as grace@example.com"), "{page}");
    let csrf = courier_testkit::csrf_in(&page);
    assert_eq!(
        hidden_value(&page, "token").as_deref(),
        Some(token.as_str())
    );
    let joined = browser
        .post_form("/invitations/accept", &[("csrf", &csrf), ("token", &token)])
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    assert!(joined.text().await.unwrap().contains("You joined Acme QA"));
    let teams: Vec<Value> = grace.get_json("/api/v1/teams").await;
    assert_eq!(teams[0]["id"], team.as_str());

    // The link again: spent. A forged return address is not followed.
    let again = browser.get(&page_path).await;
    assert_eq!(again.status(), StatusCode::GONE);
    let forged = server
        .browser()
        .sign_in_at(
            "/signin?invitation=https://evil.example/",
            "grace",
            PASSWORD,
            false,
        )
        .await;
    assert_eq!(courier_testkit::location(forged.headers()), "/");
}

/// The next `teams_changed` event on `app`'s events channel (opened by `events`),
/// waiting at most a second.
async fn next_teams_changed<S>(socket: &mut S) -> Value
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let message = tokio::time::timeout_at(deadline, socket.next())
            .await
            .expect("an event within 1 s")
            .expect("the channel stays open")
            .unwrap();
        if let Message::Text(text) = message {
            let event: Value = serde_json::from_str(&text).unwrap();
            if event["type"] == "teams_changed" {
                return event;
            }
        }
    }
}

#[tokio::test]
async fn a_removed_member_s_app_hears_of_it_at_once_and_loses_the_team() {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace(&server).await;
    let token = invite(&server, &ada, &team, "grace@example.com", 1).await;
    let url = server.url("/api/v1/events").replace("http://", "ws://");
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", grace.access_token).parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();

    // Joining tells the members (Grace's other devices included).
    accept(&grace, &token).await;
    assert_eq!(
        next_teams_changed(&mut socket).await["team_id"],
        team.as_str()
    );
    let members: Vec<Value> = ada.get_json(&format!("/api/v1/teams/{team}/members")).await;
    let grace_id = members[1]["user_id"].as_str().unwrap();

    // Removed: her app is told, and the team is gone for her.
    let removed = ada
        .delete(&format!("/api/v1/teams/{team}/members/{grace_id}"))
        .await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        next_teams_changed(&mut socket).await["team_id"],
        team.as_str()
    );
    api_error(
        grace.get(&format!("/api/v1/teams/{team}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

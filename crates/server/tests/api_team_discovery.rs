//! Team discovery and requests to join over `/api/v1`: the claimable domains are those
//! of the admins' confirmed addresses and never a public mail domain; a team is listed
//! and joined only by accounts on one of its domains (anyone else gets the missing
//! team's 404); requests are asked once, withdrawn, approved or declined with a mail
//! each way; members cannot act as admins; the apps told of each change; the hourly
//! allowance.

#![allow(clippy::unwrap_used)]

use courier_testkit::{AppSession, TestServer, api_error, link_in, mails_to};
use futures::StreamExt as _;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

/// `admin`'s new team "Acme QA"; its id.
async fn team_of(admin: &AppSession) -> String {
    let response = admin
        .post_json(
            "/api/v1/teams",
            &json!({ "name": "Acme QA", "slug": "acme-qa" }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let team: Value = response.json().await.unwrap();
    team["id"].as_str().unwrap().to_owned()
}

/// A confirmed account signed in as the app.
async fn account(server: &TestServer, email: &str, username: &str) -> AppSession {
    server.confirmed_account(email, username).await;
    server.app_session(username, "desktop").await
}

/// The mails to `email` that contain `text`, waited for until there are `n`.
async fn mails_with(server: &TestServer, email: &str, text: &str, n: usize) -> Vec<String> {
    for _ in 0..400 {
        let found: Vec<String> = mails_to(&server.outbox(), email)
            .into_iter()
            .filter(|mail| mail.contains(text))
            .collect();
        if found.len() >= n {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("fewer than {n} mails to {email} with {text:?}");
}

/// Brings `who` (at `email`) into `team` as `role` by invitation from `admin`.
async fn add(
    server: &TestServer,
    admin: &AppSession,
    team: &str,
    who: &AppSession,
    email: &str,
    role: &str,
) {
    let invited = admin
        .post_json(
            &format!("/api/v1/teams/{team}/invitations"),
            &json!({ "emails": [email], "role": role }),
        )
        .await;
    assert_eq!(invited.status(), StatusCode::CREATED);
    let mail = mails_with(server, email, "/invitations/accept?token=", 1).await;
    let link = link_in(&mail[0], "/invitations/accept?token=");
    let token = link.split("token=").nth(1).unwrap();
    let accepted = who
        .post_json("/api/v1/invitations/accept", &json!({ "token": token }))
        .await;
    assert_eq!(accepted.status(), StatusCode::OK);
}

async fn set_discovery(admin: &AppSession, team: &str, body: Value) -> reqwest::Response {
    admin
        .put_json(&format!("/api/v1/teams/{team}/discovery"), &body)
        .await
}

async fn discoverable(app: &AppSession) -> Vec<Value> {
    app.get_json("/api/v1/teams/discoverable").await
}

#[tokio::test]
async fn claimable_domains_are_the_admins_confirmed_ones_and_public_domains_are_refused() {
    let server = TestServer::start().await;
    let ada = account(&server, "ada@acme.test", "ada").await;
    let bob = account(&server, "bob@gmail.com", "bob").await;
    let carol = account(&server, "carol@other.test", "carol").await;
    let dan = account(&server, "dan@acme.test", "dan").await;
    let team = team_of(&ada).await;
    add(&server, &ada, &team, &bob, "bob@gmail.com", "admin").await;
    add(&server, &ada, &team, &carol, "carol@other.test", "member").await;
    let path = format!("/api/v1/teams/{team}/discovery");

    // Off by default; the member's domain and the admin's public one do not count.
    let settings: Value = ada.get_json(&path).await;
    assert_eq!(
        settings,
        json!({ "enabled": false, "join_policy": "approval", "domains": [],
                "claimable_domains": ["acme.test"] })
    );

    for (domains, field, words) in [
        (json!(["gmail.com"]), "domains[0]", "public mail domain"),
        (
            json!(["acme.test", "other.test"]),
            "domains[1]",
            "confirmed address",
        ),
        (json!([]), "domains", "at least one"),
    ] {
        let body = json!({ "enabled": true, "join_policy": "anyone", "domains": domains });
        let refused = api_error(
            set_discovery(&ada, &team, body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(refused["kind"], "invalid_input");
        assert_eq!(refused["fields"][0]["field"], field, "{refused}");
        assert!(
            refused["message"].as_str().unwrap().contains(words),
            "{refused}"
        );
    }
    assert_eq!(
        ada.get_json::<Value>(&path).await["enabled"],
        false,
        "nothing saved"
    );

    let saved = set_discovery(
        &ada,
        &team,
        json!({ "enabled": true, "join_policy": "anyone", "domains": [" ACME.test"] }),
    )
    .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["domains"], json!(["acme.test"]));
    assert_eq!(ada.get_json::<Value>(&path).await, saved);

    // A member may not see or change it; an outsider finds no team.
    for response in [
        carol.get(&path).await,
        set_discovery(
            &carol,
            &team,
            json!({ "enabled": false, "join_policy": "anyone", "domains": [] }),
        )
        .await,
    ] {
        assert_eq!(
            api_error(response, StatusCode::FORBIDDEN).await["kind"],
            "forbidden"
        );
    }
    let hidden = api_error(dan.get(&path).await, StatusCode::NOT_FOUND).await;
    let missing = api_error(
        dan.get("/api/v1/teams/no-such-team/discovery").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(hidden, missing);
}

#[tokio::test]
async fn a_team_is_listed_and_joined_at_once_only_by_accounts_on_its_domain() {
    let server = TestServer::start().await;
    let ada = account(&server, "ada@acme.test", "ada").await;
    let grace = account(&server, "grace@Acme.test", "grace").await;
    let dan = account(&server, "dan@other.test", "dan").await;
    let team = team_of(&ada).await;
    assert!(discoverable(&grace).await.is_empty(), "discovery is off");
    let body = json!({ "enabled": true, "join_policy": "anyone", "domains": ["acme.test"] });
    assert_eq!(
        set_discovery(&ada, &team, body).await.status(),
        StatusCode::OK
    );

    let listed = discoverable(&grace).await;
    assert_eq!(
        listed,
        [
            json!({ "id": team, "name": "Acme QA", "slug": "acme-qa", "domain": "acme.test",
                 "member_count": 1, "join_policy": "anyone", "request_pending": false })
        ]
    );
    assert!(discoverable(&ada).await.is_empty(), "not to its members");
    assert!(discoverable(&dan).await.is_empty(), "not to other domains");

    // Another domain: the same 404 as a team that does not exist.
    let hidden = api_error(
        dan.post_json(&format!("/api/v1/teams/{team}/join"), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let missing = api_error(
        dan.post_json("/api/v1/teams/no-such-team/join", &json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(hidden, missing);

    let joined = grace
        .post_json(&format!("/api/v1/teams/{team}/join"), &json!({}))
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    let joined: Value = joined.json().await.unwrap();
    assert_eq!(joined["outcome"], "joined");
    assert_eq!(
        (
            joined["team"]["id"].as_str(),
            joined["team"]["role"].as_str()
        ),
        (Some(team.as_str()), Some("member"))
    );
    assert_eq!(grace.get_json::<Vec<Value>>("/api/v1/teams").await.len(), 1);
    assert!(discoverable(&grace).await.is_empty());
    let members: Vec<Value> = ada.get_json(&format!("/api/v1/teams/{team}/members")).await;
    assert_eq!(members.len(), 2);

    // Turned off: nobody new finds it.
    let off = json!({ "enabled": false, "join_policy": "anyone", "domains": ["acme.test"] });
    assert_eq!(
        set_discovery(&ada, &team, off).await.status(),
        StatusCode::OK
    );
    let alan = account(&server, "alan@acme.test", "alan").await;
    assert!(discoverable(&alan).await.is_empty());
    api_error(
        alan.post_json(&format!("/api/v1/teams/{team}/join"), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_request_is_asked_once_withdrawn_and_approved_or_declined_with_a_mail_each_way() {
    let server = TestServer::start().await;
    let ada = account(&server, "ada@acme.test", "ada").await;
    let grace = account(&server, "grace@acme.test", "grace").await;
    let alan = account(&server, "alan@acme.test", "alan").await;
    let carol = account(&server, "carol@other.test", "carol").await;
    let dan = account(&server, "dan@other.test", "dan").await;
    let team = team_of(&ada).await;
    add(&server, &ada, &team, &carol, "carol@other.test", "member").await;
    let body = json!({ "enabled": true, "join_policy": "approval", "domains": ["acme.test"] });
    assert_eq!(
        set_discovery(&ada, &team, body).await.status(),
        StatusCode::OK
    );
    let join = format!("/api/v1/teams/{team}/join");
    let requests = format!("/api/v1/teams/{team}/join-requests");

    // Asked twice: one request, one mail to the admin (none to the member).
    let asked: Value = grace
        .post_json(&join, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(asked["outcome"], "requested");
    let first = asked["request_id"].as_str().unwrap().to_owned();
    let again: Value = grace
        .post_json(&join, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, asked);
    assert!(
        discoverable(&grace).await[0]["request_pending"]
            .as_bool()
            .unwrap()
    );
    let mail = mails_with(&server, "ada@acme.test", "asks to join Acme QA", 1).await;
    assert!(mail[0].contains("grace@acme.test"), "{}", mail[0]);
    let listed: Vec<Value> = ada.get_json(&requests).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (
            listed[0]["id"].as_str(),
            listed[0]["username"].as_str(),
            listed[0]["email"].as_str()
        ),
        (Some(first.as_str()), Some("grace"), Some("grace@acme.test"))
    );
    assert!(
        grace
            .get_json::<Vec<Value>>("/api/v1/teams")
            .await
            .is_empty(),
        "not in yet"
    );

    // A member may not see or decide requests; an outsider finds no team.
    let approve_first = format!("{requests}/{first}/approve");
    for response in [
        carol.get(&requests).await,
        carol.post_json(&approve_first, &json!({})).await,
    ] {
        api_error(response, StatusCode::FORBIDDEN).await;
    }
    for response in [
        dan.get(&requests).await,
        dan.post_json(&approve_first, &json!({})).await,
    ] {
        api_error(response, StatusCode::NOT_FOUND).await;
    }

    // Withdrawn once; asked again, a new request, after Alan's: oldest first.
    assert_eq!(grace.delete(&join).await.status(), StatusCode::NO_CONTENT);
    api_error(grace.delete(&join).await, StatusCode::NOT_FOUND).await;
    assert!(ada.get_json::<Vec<Value>>(&requests).await.is_empty());
    let alan_asked: Value = alan
        .post_json(&join, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let asked: Value = grace
        .post_json(&join, &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let second = asked["request_id"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    let order: Vec<Value> = ada
        .get_json::<Vec<Value>>(&requests)
        .await
        .into_iter()
        .map(|request| request["username"].clone())
        .collect();
    assert_eq!(order, [json!("alan"), json!("grace")]);

    // Declined: Alan is told; approved: Grace is in and told; each only once.
    let alan_request = alan_asked["request_id"].as_str().unwrap();
    let declined = ada
        .post_json(&format!("{requests}/{alan_request}/decline"), &json!({}))
        .await;
    assert_eq!(declined.status(), StatusCode::NO_CONTENT);
    mails_with(
        &server,
        "alan@acme.test",
        "request to join Acme QA was declined",
        1,
    )
    .await;
    let approved = ada
        .post_json(&format!("{requests}/{second}/approve"), &json!({}))
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    let member: Value = approved.json().await.unwrap();
    assert_eq!(
        (member["username"].as_str(), member["role"].as_str()),
        (Some("grace"), Some("member"))
    );
    mails_with(&server, "grace@acme.test", "You joined Acme QA", 1).await;
    api_error(
        ada.post_json(&format!("{requests}/{second}/approve"), &json!({}))
            .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(grace.get_json::<Vec<Value>>("/api/v1/teams").await.len(), 1);
    assert!(ada.get_json::<Vec<Value>>(&requests).await.is_empty());
    assert_eq!(
        mails_with(&server, "ada@acme.test", "asks to join Acme QA", 3)
            .await
            .len(),
        3,
        "one mail per request made: Grace twice, Alan once"
    );
    assert!(
        mails_to(&server.outbox(), "carol@other.test")
            .iter()
            .all(|mail| !mail.contains("asks to join"))
    );
}

#[tokio::test]
async fn requests_to_join_beyond_the_hourly_allowance_are_refused() {
    let server = TestServer::start_with(|settings| {
        settings.rate_limits.enabled = true;
        settings.rate_limits.join_requests_per_account_per_hour = 2;
    })
    .await;
    let ada = account(&server, "ada@acme.test", "ada").await;
    let grace = account(&server, "grace@acme.test", "grace").await;
    let team = team_of(&ada).await;
    let body = json!({ "enabled": true, "join_policy": "approval", "domains": ["acme.test"] });
    assert_eq!(
        set_discovery(&ada, &team, body).await.status(),
        StatusCode::OK
    );
    let join = format!("/api/v1/teams/{team}/join");
    for _ in 0..2 {
        assert_eq!(
            grace.post_json(&join, &json!({})).await.status(),
            StatusCode::OK
        );
    }
    let refused = grace.post_json(&join, &json!({})).await;
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        api_error(refused, StatusCode::TOO_MANY_REQUESTS).await["kind"],
        "rate_limited"
    );
}

/// The `team_id` of the next `teams_changed` event on `app`'s events channel, waiting
/// at most a second.
async fn next_teams_changed<S>(socket: &mut S) -> String
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
                return event["team_id"].as_str().unwrap().to_owned();
            }
        }
    }
}

#[tokio::test]
async fn the_admins_hear_of_a_request_and_the_requester_of_the_decision() {
    let server = TestServer::start().await;
    let ada = account(&server, "ada@acme.test", "ada").await;
    let grace = account(&server, "grace@acme.test", "grace").await;
    let team = team_of(&ada).await;
    let body = json!({ "enabled": true, "join_policy": "approval", "domains": ["acme.test"] });
    assert_eq!(
        set_discovery(&ada, &team, body).await.status(),
        StatusCode::OK
    );
    let channel = |app: &AppSession| {
        let url = server.url("/api/v1/events").replace("http://", "ws://");
        let mut request = url.into_client_request().unwrap();
        request.headers_mut().insert(
            "authorization",
            format!("Bearer {}", app.access_token).parse().unwrap(),
        );
        tokio_tungstenite::connect_async(request)
    };
    let (mut ada_events, _) = channel(&ada).await.unwrap();
    let (mut grace_events, _) = channel(&grace).await.unwrap();

    let asked: Value = grace
        .post_json(&format!("/api/v1/teams/{team}/join"), &json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next_teams_changed(&mut ada_events).await, team);
    let request = asked["request_id"].as_str().unwrap();
    let approved = ada
        .post_json(
            &format!("/api/v1/teams/{team}/join-requests/{request}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(next_teams_changed(&mut grace_events).await, team);
    assert_eq!(next_teams_changed(&mut ada_events).await, team);
}

//! `/api/v1/account/key` and `/api/v1/workspaces/{id}/keys`: accounts publish key
//! pairs; a device makes a workspace's first key version, wrapped for each member; a
//! teammate's device hands the current version to a newcomer; a member who leaves
//! loses the keys at once and leaves a rotation due until the next version; a rotation
//! that comes second is refused; a new key pair drops the copies made for the old one;
//! every change is heard on the members' events channels; bad input is named and stores
//! nothing.

#![allow(clippy::unwrap_used)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use courier_testkit::events::{Socket, events, next_event};
use courier_testkit::{AppSession, TestServer, api_error, team_with, wait_for_invitation_token};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

/// A public key as devices publish it: 32 bytes, standard base64 without padding.
fn public_key(byte: u8) -> String {
    STANDARD_NO_PAD.encode([byte; 32])
}

async fn put_key(app: &AppSession, public_key: &str) -> Response {
    app.put_json(
        "/api/v1/account/key",
        &json!({ "public_key": public_key, "recovery_sealed": "sealed" }),
    )
    .await
}

async fn keys(app: &AppSession, workspace: &str) -> Value {
    let response = app
        .get(&format!("/api/v1/workspaces/{workspace}/keys"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Publishes `version` wrapped for each `(account id, wrapped text)`.
async fn publish(
    app: &AppSession,
    workspace: &str,
    version: u32,
    wraps: &[(&str, &str)],
) -> Response {
    let wrapped: Vec<Value> = wraps
        .iter()
        .map(|(account_id, wrapped)| json!({ "account_id": account_id, "wrapped": wrapped }))
        .collect();
    app.post_json(
        &format!("/api/v1/workspaces/{workspace}/keys"),
        &json!({ "version": version, "wrapped": wrapped }),
    )
    .await
}

async fn published(response: Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Reads `socket` until the workspace's keys are said to have changed.
async fn hears_keys_changed(socket: &mut Socket, workspace: &str) {
    loop {
        let event = next_event(socket).await.expect("the channel stays open");
        if event["type"] == "workspace_keys_changed" {
            assert_eq!(
                event,
                json!({ "type": "workspace_keys_changed", "workspace_id": workspace })
            );
            return;
        }
    }
}

fn member(account_id: &str, public_key: &str, holds_current: bool) -> Value {
    json!({ "account_id": account_id, "public_key": public_key, "holds_current": holds_current })
}

fn sorted_members(keys: &Value) -> Vec<Value> {
    let mut members = keys["members"].as_array().unwrap().clone();
    members.sort_by_key(|member| member["account_id"].as_str().unwrap().to_owned());
    members
}

fn sorted(mut members: Vec<Value>) -> Vec<Value> {
    members.sort_by_key(|member| member["account_id"].as_str().unwrap().to_owned());
    members
}

#[tokio::test]
async fn a_team_shares_its_key_with_a_newcomer_and_rotates_it_when_a_member_leaves() {
    let server = TestServer::start().await;
    for (email, name) in [
        ("ada@example.com", "ada"),
        ("grace@example.com", "grace"),
        ("eve@example.com", "eve"),
    ] {
        server.confirmed_account(email, name).await;
    }
    let ada = server.app_session("ada", "Ada's desktop").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let eve = server.app_session("eve", "Eve's desktop").await;
    let ids = [
        ada.account_id().await,
        grace.account_id().await,
        eve.account_id().await,
    ];
    let [ada_id, grace_id, eve_id] = [&ids[0], &ids[1], &ids[2]].map(String::as_str);

    let none = api_error(ada.get("/api/v1/account/key").await, StatusCode::NOT_FOUND).await;
    assert_eq!(none["kind"], "not_found");
    let stored: Value = put_key(&ada, &public_key(1)).await.json().await.unwrap();
    assert_eq!(
        (&stored["public_key"], &stored["recovery_sealed"]),
        (&json!(public_key(1)), &json!("sealed"))
    );
    assert_eq!(ada.get_json::<Value>("/api/v1/account/key").await, stored);
    assert_eq!(
        put_key(&grace, &public_key(2)).await.status(),
        StatusCode::OK
    );

    let team_id = team_with(&server, &ada, "acme", &[(&grace, "grace@example.com")]).await;
    let registered = ada
        .post_json(
            "/api/v1/workspaces",
            &json!({ "id": "team-ws", "team_id": team_id }),
        )
        .await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let before = keys(&ada, "team-ws").await;
    assert_eq!(
        (
            &before["current_version"],
            &before["mine"],
            before["rotation_needed"].as_bool()
        ),
        (&json!(0), &json!([]), Some(false))
    );
    assert_eq!(
        sorted_members(&before),
        sorted(vec![
            member(ada_id, &public_key(1), false),
            member(grace_id, &public_key(2), false)
        ])
    );

    // Ada's device makes version 1 for both of them; Grace's device hears of it.
    let (mut grace_events, _) = events(&server, &grace).await;
    let after = published(
        publish(
            &ada,
            "team-ws",
            1,
            &[(ada_id, "v1-ada"), (grace_id, "v1-grace")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (&after["current_version"], &after["mine"]),
        (&json!(1), &json!([{ "version": 1, "wrapped": "v1-ada" }]))
    );
    hears_keys_changed(&mut grace_events, "team-ws").await;
    assert_eq!(
        keys(&grace, "team-ws").await["mine"],
        json!([{ "version": 1, "wrapped": "v1-grace" }])
    );

    // Eve joins and publishes her key; Grace's device sees she lacks version 1 and
    // hands it to her.
    ada.post_json(
        &format!("/api/v1/teams/{team_id}/invitations"),
        &json!({ "emails": ["eve@example.com"], "role": "member" }),
    )
    .await;
    let token = wait_for_invitation_token(&server.outbox(), "eve@example.com", 1).await;
    let joined = eve
        .post_json("/api/v1/invitations/accept", &json!({ "token": token }))
        .await;
    assert_eq!(joined.status(), StatusCode::OK);
    assert_eq!(put_key(&eve, &public_key(3)).await.status(), StatusCode::OK);
    // Her first key is heard of by the team's devices, so one that holds version 1
    // wraps it for her at once.
    hears_keys_changed(&mut grace_events, "team-ws").await;
    let seen_by_grace = keys(&grace, "team-ws").await;
    assert_eq!(
        sorted_members(&seen_by_grace),
        sorted(vec![
            member(ada_id, &public_key(1), true),
            member(grace_id, &public_key(2), true),
            member(eve_id, &public_key(3), false)
        ])
    );
    let (mut eve_events, _) = events(&server, &eve).await;
    published(publish(&grace, "team-ws", 1, &[(eve_id, "v1-eve")]).await).await;
    hears_keys_changed(&mut eve_events, "team-ws").await;
    assert_eq!(
        keys(&eve, "team-ws").await["mine"],
        json!([{ "version": 1, "wrapped": "v1-eve" }])
    );

    // Grace leaves: she reads and publishes nothing more, and version 1 is due for a
    // rotation.
    let removed = ada
        .delete(&format!("/api/v1/teams/{team_id}/members/{grace_id}"))
        .await;
    assert!(removed.status().is_success(), "{}", removed.status());
    api_error(
        grace.get("/api/v1/workspaces/team-ws/keys").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    api_error(
        publish(&grace, "team-ws", 2, &[(grace_id, "v2-grace")]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let due = keys(&ada, "team-ws").await;
    assert_eq!(due["rotation_needed"], true);
    assert_eq!(
        sorted_members(&due),
        sorted(vec![
            member(ada_id, &public_key(1), true),
            member(eve_id, &public_key(3), true)
        ])
    );

    // Eve's device rotates first; Ada's rotation to the same version comes second.
    let (mut ada_events, _) = events(&server, &ada).await;
    let rotated = published(
        publish(
            &eve,
            "team-ws",
            2,
            &[(eve_id, "v2-eve"), (ada_id, "v2-ada")],
        )
        .await,
    )
    .await;
    assert_eq!(
        (&rotated["current_version"], &rotated["rotation_needed"]),
        (&json!(2), &json!(false))
    );
    hears_keys_changed(&mut ada_events, "team-ws").await;
    for version in [2, 4] {
        let late = api_error(
            publish(
                &ada,
                "team-ws",
                version,
                &[(ada_id, "mine"), (eve_id, "mine")],
            )
            .await,
            StatusCode::CONFLICT,
        )
        .await;
        assert_eq!(late["kind"], "conflict", "{late}");
    }
    assert_eq!(
        keys(&ada, "team-ws").await["mine"],
        json!([
            { "version": 1, "wrapped": "v1-ada" },
            { "version": 2, "wrapped": "v2-ada" }
        ])
    );
}

#[tokio::test]
async fn a_new_key_pair_drops_the_copies_made_for_the_old_one_and_the_devices_hear_of_it() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = server.app_session("ada", "Ada's desktop").await;
    let laptop = server.app_session("ada", "Ada's laptop").await;
    let ada_id = desktop.account_id().await;
    let ada_id = ada_id.as_str();
    put_key(&desktop, &public_key(1)).await;
    desktop
        .post_json("/api/v1/workspaces", &json!({ "id": "ws-1" }))
        .await;
    published(publish(&desktop, "ws-1", 1, &[(ada_id, "v1")]).await).await;

    let (mut laptop_events, _) = events(&server, &laptop).await;
    let replaced: Value = put_key(&laptop, &public_key(9)).await.json().await.unwrap();
    assert_eq!(replaced["public_key"], public_key(9));
    hears_keys_changed(&mut laptop_events, "ws-1").await;
    let keys = keys(&desktop, "ws-1").await;
    assert_eq!(
        (&keys["current_version"], &keys["mine"]),
        (&json!(1), &json!([]))
    );
    assert_eq!(
        keys["members"],
        json!([member(ada_id, &public_key(9), false)])
    );
    // The desktop still has version 1: it wraps it for the new key.
    let rewrapped = published(publish(&desktop, "ws-1", 1, &[(ada_id, "v1-new")]).await).await;
    assert_eq!(
        rewrapped["mine"],
        json!([{ "version": 1, "wrapped": "v1-new" }])
    );
}

#[tokio::test]
async fn bad_input_is_named_and_stores_nothing() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let ada_id = ada.account_id().await;
    let ada_id = ada_id.as_str();
    let padded = STANDARD.encode([1u8; 32]);
    let short = STANDARD_NO_PAD.encode([1u8; 31]);
    let url_safe = public_key(0xfb).replace('+', "-").replace('/', "_");
    for (body, field) in [
        (
            json!({ "public_key": padded, "recovery_sealed": "s" }),
            "public_key",
        ),
        (
            json!({ "public_key": short, "recovery_sealed": "s" }),
            "public_key",
        ),
        (
            json!({ "public_key": url_safe, "recovery_sealed": "s" }),
            "public_key",
        ),
        (
            json!({ "public_key": public_key(1), "recovery_sealed": "" }),
            "recovery_sealed",
        ),
        (
            json!({ "public_key": public_key(1), "recovery_sealed": "s".repeat(1025) }),
            "recovery_sealed",
        ),
    ] {
        let refused = api_error(
            ada.put_json("/api/v1/account/key", &body).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(refused["fields"][0]["field"], field, "{refused}");
    }
    api_error(ada.get("/api/v1/account/key").await, StatusCode::NOT_FOUND).await;

    ada.post_json("/api/v1/workspaces", &json!({ "id": "ws-1" }))
        .await;
    let keyless = api_error(
        publish(&ada, "ws-1", 1, &[(ada_id, "v1")]).await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(keyless["kind"], "invalid_input");
    put_key(&ada, &public_key(1)).await;
    let many: Vec<(&str, &str)> = vec![(ada_id, "w"); 1001];
    let long = "w".repeat(1025);
    for (version, wraps, field) in [
        (0, vec![(ada_id, "v")], "version"),
        (1, vec![], "wrapped"),
        (1, many, "wrapped"),
        (1, vec![(ada_id, "")], "wrapped[0].wrapped"),
        (1, vec![(ada_id, long.as_str())], "wrapped[0].wrapped"),
        (
            1,
            vec![(ada_id, "v"), ("someone-else", "v")],
            "wrapped[1].account_id",
        ),
        (1, vec![("someone-else", "v")], "wrapped"), // no copy of her own
    ] {
        let refused = api_error(
            publish(&ada, "ws-1", version, &wraps).await,
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert_eq!(refused["fields"][0]["field"], field, "{refused}");
    }
    let not_json = ada
        .post_json(
            "/api/v1/workspaces/ws-1/keys",
            &json!({ "version": -1, "wrapped": [] }),
        )
        .await;
    api_error(not_json, StatusCode::BAD_REQUEST).await;
    assert_eq!(keys(&ada, "ws-1").await["current_version"], 0);
    let too_long = format!("/api/v1/workspaces/{}/keys", "x".repeat(100));
    for path in ["/api/v1/workspaces/nope/keys", too_long.as_str()] {
        api_error(ada.get(path).await, StatusCode::NOT_FOUND).await;
    }
    api_error(
        publish(&ada, "nope", 1, &[(ada_id, "v")]).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

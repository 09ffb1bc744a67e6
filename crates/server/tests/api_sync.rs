//! `/api/v1/workspaces`: a device registers its workspace (again without harm), pushes
//! operations that apply on their base revision and come back as conflicts with the
//! entity otherwise, delivered twice and applied once; another device pulls the changes
//! after the sequence number it has, in pages, and hears of each change on its events
//! channel; a team's workspace is every member's and no longer a removed member's; a
//! workspace deleted by its owner or a team's admin (only) is gone for everyone, who
//! hear of it; bad input is named and changes nothing.

#![allow(clippy::unwrap_used)]

use courier_testkit::events::{events, next_event};
use courier_testkit::{AppSession, TestServer, api_error, team_with};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn put(op: &str, entity_id: &str, base: i64, fields: Value) -> Value {
    json!({ "id": op, "entity": "request", "entity_id": entity_id, "base_revision": base, "fields": fields })
}

async fn register(app: &AppSession, body: Value) -> (StatusCode, Value) {
    let response = app.post_json("/api/v1/workspaces", &body).await;
    (response.status(), response.json().await.unwrap())
}

async fn push(app: &AppSession, workspace: &str, operations: Vec<Value>) -> Value {
    let response = app
        .post_json(
            &format!("/api/v1/workspaces/{workspace}/changes"),
            &json!({ "operations": operations }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn pull(app: &AppSession, workspace: &str, query: &str) -> Value {
    app.get_json(&format!("/api/v1/workspaces/{workspace}/changes?{query}"))
        .await
}

fn applied(revision: i64, seq: i64) -> Value {
    json!({ "status": "applied", "revision": revision, "seq": seq })
}

/// Ada signed in on two devices.
async fn ada_twice(server: &TestServer) -> (AppSession, AppSession) {
    server.confirmed_account("ada@example.com", "ada").await;
    (
        server.app_session("ada", "Ada's desktop").await,
        server.app_session("ada", "Ada's laptop").await,
    )
}

#[tokio::test]
async fn an_edit_pushed_on_one_device_is_heard_of_and_pulled_on_the_other() {
    let server = TestServer::start().await;
    let (desktop, laptop) = ada_twice(&server).await;
    let (status, workspace) = register(&desktop, json!({ "id": "ws-1" })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (workspace["seq"].as_i64(), &workspace["team_id"]),
        (Some(0), &Value::Null)
    );
    let (again, same) = register(&desktop, json!({ "id": "ws-1" })).await;
    assert_eq!(
        (again, &same),
        (StatusCode::OK, &workspace),
        "registering again changes nothing"
    );
    let listed: Vec<Value> = laptop.get_json("/api/v1/workspaces").await;
    assert_eq!(listed, vec![workspace]);

    let (mut laptop_events, _) = events(&server, &laptop).await;
    let pushed = push(
        &desktop,
        "ws-1",
        vec![
            put(
                "op-1",
                "r1",
                0,
                json!({ "name": "List users", "url": "https://api.test/users" }),
            ),
            put(
                "op-2",
                "r1",
                1,
                json!({ "name": "List users", "url": "https://api.test/v2/users" }),
            ),
        ],
    )
    .await;
    assert_eq!(
        pushed,
        json!({ "outcomes": [applied(1, 1), applied(2, 2)], "seq": 2 })
    );
    assert_eq!(
        next_event(&mut laptop_events).await.unwrap(),
        json!({ "type": "workspace_changed", "workspace_id": "ws-1", "seq": 2 })
    );
    let changes = pull(&laptop, "ws-1", "since=0").await;
    assert_eq!(
        changes,
        json!({
            "changes": [{ "entity": "request", "id": "r1", "revision": 2, "seq": 2,
                          "fields": { "name": "List users", "url": "https://api.test/v2/users" } }],
            "seq": 2,
            "more": false,
        })
    );
    assert_eq!(pull(&laptop, "ws-1", "since=2").await["changes"], json!([]));
}

#[tokio::test]
async fn a_stale_edit_comes_back_with_the_entity_and_a_repeated_one_is_applied_once() {
    let server = TestServer::start().await;
    let (desktop, laptop) = ada_twice(&server).await;
    register(&desktop, json!({ "id": "ws-1" })).await;
    push(
        &desktop,
        "ws-1",
        vec![put("op-1", "r1", 0, json!({ "name": "a" }))],
    )
    .await;
    push(
        &desktop,
        "ws-1",
        vec![put("op-2", "r1", 1, json!({ "name": "b" }))],
    )
    .await;

    // The laptop edited revision 1 offline.
    let stale = push(
        &laptop,
        "ws-1",
        vec![put("op-3", "r1", 1, json!({ "name": "c" }))],
    )
    .await;
    assert_eq!(
        stale["outcomes"][0],
        json!({ "status": "conflict", "current": {
            "entity": "request", "id": "r1", "revision": 2, "seq": 2, "fields": { "name": "b" } } })
    );
    // Merged on revision 2, pushed again: applied. Its answer is lost; sent again: the
    // same answer, nothing applied twice.
    let merged = vec![put("op-4", "r1", 2, json!({ "name": "c" }))];
    let first = push(&laptop, "ws-1", merged.clone()).await;
    assert_eq!(first["outcomes"][0], applied(3, 3));
    assert_eq!(push(&laptop, "ws-1", merged).await, first);

    let deleted = push(
        &desktop,
        "ws-1",
        vec![json!({ "id": "op-5", "entity": "request", "entity_id": "r1", "base_revision": 3, "fields": null })],
    )
    .await;
    assert_eq!(deleted["outcomes"][0], applied(4, 4));
    let tombstone = &pull(&laptop, "ws-1", "since=3").await["changes"][0];
    assert_eq!(
        (tombstone["revision"].as_i64(), &tombstone["fields"]),
        (Some(4), &Value::Null)
    );
}

#[tokio::test]
async fn a_device_far_behind_pulls_in_pages() {
    let server = TestServer::start().await;
    let (desktop, laptop) = ada_twice(&server).await;
    register(&desktop, json!({ "id": "ws-1" })).await;
    let operations: Vec<Value> = (0..25)
        .map(|i| put(&format!("op-{i}"), &format!("r{i}"), 0, json!({ "n": i })))
        .collect();
    push(&desktop, "ws-1", operations).await;
    let mut since = 0;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = pull(&laptop, "ws-1", &format!("since={since}&limit=10")).await;
        pages += 1;
        for change in page["changes"].as_array().unwrap() {
            seen.push(change["fields"]["n"].as_i64().unwrap());
        }
        since = page["seq"].as_i64().unwrap();
        if !page["more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!((pages, since), (3, 25));
    assert_eq!(seen, (0..25).collect::<Vec<i64>>());
}

#[tokio::test]
async fn a_team_workspace_is_every_members_and_a_removed_member_loses_it_at_once() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    server.confirmed_account("eve@example.com", "eve").await;
    let ada = server.app_session("ada", "Ada's desktop").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let eve = server.app_session("eve", "Eve's desktop").await;
    let team_id = team_with(&server, &ada, "acme", &[(&grace, "grace@example.com")]).await;
    let team_id = team_id.as_str();
    let refused = api_error(
        eve.post_json(
            "/api/v1/workspaces",
            &json!({ "id": "team-ws", "team_id": team_id }),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_eq!(refused["kind"], "conflict");
    let (status, workspace) = register(&ada, json!({ "id": "team-ws", "team_id": team_id })).await;
    assert_eq!(
        (status, workspace["team_id"].as_str()),
        (StatusCode::CREATED, Some(team_id))
    );

    let (mut ada_events, _) = events(&server, &ada).await;
    push(
        &grace,
        "team-ws",
        vec![put("g-1", "r1", 0, json!({ "by": "grace" }))],
    )
    .await;
    loop {
        let event = next_event(&mut ada_events).await.unwrap();
        if event["type"] == "workspace_changed" {
            assert_eq!(
                event,
                json!({ "type": "workspace_changed", "workspace_id": "team-ws", "seq": 1 })
            );
            break;
        }
    }
    assert_eq!(
        pull(&ada, "team-ws", "").await["changes"][0]["fields"],
        json!({ "by": "grace" })
    );
    for outsider in [&eve] {
        api_error(
            outsider.get("/api/v1/workspaces/team-ws/changes").await,
            StatusCode::NOT_FOUND,
        )
        .await;
    }

    let grace_id = grace.account_id().await;
    let removed = ada
        .delete(&format!("/api/v1/teams/{team_id}/members/{grace_id}"))
        .await;
    assert!(removed.status().is_success(), "{}", removed.status());
    api_error(
        grace.get("/api/v1/workspaces/team-ws/changes").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let pushed_after = grace
        .post_json(
            "/api/v1/workspaces/team-ws/changes",
            &json!({ "operations": [put("g-2", "r2", 0, json!({}))] }),
        )
        .await;
    api_error(pushed_after, StatusCode::NOT_FOUND).await;
    assert!(
        grace
            .get_json::<Vec<Value>>("/api/v1/workspaces")
            .await
            .is_empty()
    );
    assert_eq!(
        pull(&ada, "team-ws", "").await["seq"],
        1,
        "nothing of hers arrived"
    );
}

/// The next event of `kind` on the socket, skipping others (a team's own events).
async fn next_of_kind(socket: &mut courier_testkit::events::Socket, kind: &str) -> Value {
    loop {
        let event = next_event(socket).await.expect("an event");
        if event["type"] == kind {
            return event;
        }
    }
}

#[tokio::test]
async fn a_deleted_workspace_is_gone_for_everyone_who_reached_it_and_they_hear_of_it() {
    let server = TestServer::start().await;
    let (ada, ada_laptop) = ada_twice(&server).await;
    server.confirmed_account("grace@example.com", "grace").await;
    server.confirmed_account("eve@example.com", "eve").await;
    let grace = server.app_session("grace", "Grace's desktop").await;
    let eve = server.app_session("eve", "Eve's desktop").await;
    let team_id = team_with(&server, &ada, "acme", &[(&grace, "grace@example.com")]).await;
    register(&grace, json!({ "id": "team-ws", "team_id": team_id })).await;
    push(&grace, "team-ws", vec![put("g-1", "r1", 0, json!({}))]).await;
    let (mut grace_events, _) = events(&server, &grace).await;

    let not_found = api_error(
        eve.delete("/api/v1/workspaces/team-ws").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(not_found["kind"], "not_found", "an outsider learns nothing");
    let forbidden = api_error(
        grace.delete("/api/v1/workspaces/team-ws").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(forbidden["kind"], "forbidden");
    assert!(
        forbidden["message"].as_str().unwrap().contains("admins"),
        "{forbidden}"
    );
    assert_eq!(pull(&grace, "team-ws", "").await["seq"], 1, "still there");

    let deleted = ada.delete("/api/v1/workspaces/team-ws").await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        next_of_kind(&mut grace_events, "workspace_deleted").await,
        json!({ "type": "workspace_deleted", "workspace_id": "team-ws" })
    );
    for who in [&ada, &grace] {
        api_error(
            who.get("/api/v1/workspaces/team-ws/changes").await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert!(
            who.get_json::<Vec<Value>>("/api/v1/workspaces")
                .await
                .is_empty()
        );
    }
    api_error(
        ada.delete("/api/v1/workspaces/team-ws").await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // An account's own workspace: its owner deletes it, and its other devices hear.
    register(&ada, json!({ "id": "ws-own" })).await;
    let (mut laptop_events, _) = events(&server, &ada_laptop).await;
    api_error(
        grace.delete("/api/v1/workspaces/ws-own").await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let deleted = ada.delete("/api/v1/workspaces/ws-own").await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        next_of_kind(&mut laptop_events, "workspace_deleted").await,
        json!({ "type": "workspace_deleted", "workspace_id": "ws-own" })
    );
    let (status, again) = register(&ada_laptop, json!({ "id": "ws-own" })).await;
    assert_eq!(
        (status, again["seq"].as_i64()),
        (StatusCode::CREATED, Some(0)),
        "the id registers anew"
    );
}

#[tokio::test]
async fn bad_input_is_named_and_applies_nothing() {
    let server = TestServer::start().await;
    let (desktop, _) = ada_twice(&server).await;
    let refused = api_error(
        desktop
            .post_json("/api/v1/workspaces", &json!({ "id": "no spaces" }))
            .await,
        StatusCode::BAD_REQUEST,
    )
    .await;
    assert_eq!(refused["fields"][0]["field"], "id");
    register(&desktop, json!({ "id": "ws-1" })).await;
    for (operations, field) in [
        (
            vec![put("ok", "r1", 0, json!({})), put("", "r2", 0, json!({}))],
            "operations[1].id",
        ),
        (
            vec![put("op", "r/1", 0, json!({}))],
            "operations[0].entity_id",
        ),
        (
            vec![put("op", "r1", -1, json!({}))],
            "operations[0].base_revision",
        ),
        (
            vec![put(
                "op",
                "r1",
                0,
                json!({ "body": "x".repeat(300 * 1024) }),
            )],
            "operations[0].fields",
        ),
    ] {
        let response = desktop
            .post_json(
                "/api/v1/workspaces/ws-1/changes",
                &json!({ "operations": operations }),
            )
            .await;
        let refused = api_error(response, StatusCode::BAD_REQUEST).await;
        assert_eq!(refused["fields"][0]["field"], field, "{refused}");
    }
    let unknown_kind = desktop
        .post_json(
            "/api/v1/workspaces/ws-1/changes",
            &json!({ "operations": [{ "id": "op", "entity": "macro", "entity_id": "m", "base_revision": 0, "fields": {} }] }),
        )
        .await;
    api_error(unknown_kind, StatusCode::BAD_REQUEST).await;
    for query in ["since=yesterday", "since=-1", "limit=0", "limit=1001"] {
        let refused = desktop
            .get(&format!("/api/v1/workspaces/ws-1/changes?{query}"))
            .await;
        api_error(refused, StatusCode::BAD_REQUEST).await;
    }
    assert_eq!(
        pull(&desktop, "ws-1", "").await,
        json!({ "changes": [], "seq": 0, "more": false })
    );
    api_error(
        desktop.get("/api/v1/workspaces/nope/changes").await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

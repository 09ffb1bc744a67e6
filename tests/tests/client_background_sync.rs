//! The desktop's background sync (`app::work_sync`) on two devices of one account, each
//! with its own database, sign-in and events channel, through a real server: nobody
//! asks for a round. A workspace made on one device appears on the other once its
//! channel connects, and one made later once its event arrives; an edit made on either
//! reaches the other on its own (the local change starts a round; the server's
//! `workspace_changed` starts the other's); the indicator's status ends `synced` with
//! nothing pending, and the screens are told which workspaces a round wrote into; a
//! workspace deleted on a device stays deleted there, and is deleted on the server and
//! from the other device too; a member removed from a team loses the team's workspace
//! on their device; a workspace the server refuses does not hold up the account's
//! others.

#![allow(clippy::unwrap_used)]

use courier_client::app::work_sync::{SyncState, Wake};
use courier_client::workspace::db::Place;
use courier_client::workspace::model::RequestSpec;
use courier_testkit::TestServer;
use courier_tests::sync_device::{
    Device, ada_and_grace_in_a_team, device, last_status, remove_from_team, team_workspace, until,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_on_either_device_reaches_the_other_without_anyone_asking() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = device(&server, "ada").await;
    let workspace = desktop
        .db
        .create_workspace(&desktop.client.account_id, "Payments")
        .await
        .unwrap();
    let ws = workspace.meta.id.clone();
    let collection = desktop
        .db
        .create_collection(&ws, "Billing API")
        .await
        .unwrap();
    let request = desktop
        .db
        .create_request(
            &Place::end(&collection.meta.id, None),
            "List invoices",
            &RequestSpec::default(),
        )
        .await
        .unwrap();
    until(&desktop, "the desktop's work is on the server", async |d| {
        last_status(d).is_some_and(|s| {
            s.state == SyncState::Synced && s.pending == 0 && s.synced_at.is_some()
        })
    })
    .await;

    // The laptop signs in: its channel connects, and the workspace comes down.
    let laptop = device(&server, "ada").await;
    until(&laptop, "the workspace arrives on the laptop", async |d| {
        d.db.request(&request.meta.id).await.is_ok()
    })
    .await;
    assert_eq!(laptop.db.workspace(&ws).await.unwrap().name, "Payments");
    assert!(
        laptop
            .written
            .lock()
            .unwrap()
            .iter()
            .any(|w| w.workspace_ids.contains(&ws))
    );

    // An edit on the laptop reaches the desktop, and one on the desktop the laptop.
    laptop
        .db
        .rename_request(&request.meta.id, "All invoices")
        .await
        .unwrap();
    until(&desktop, "the laptop's rename on the desktop", async |d| {
        d.db.request(&request.meta.id).await.unwrap().name == "All invoices"
    })
    .await;
    desktop
        .db
        .rename_collection(&collection.meta.id, "Billing")
        .await
        .unwrap();
    until(&laptop, "the desktop's rename on the laptop", async |d| {
        d.db.tree(&ws)
            .await
            .unwrap()
            .collections
            .iter()
            .any(|c| c.name == "Billing")
    })
    .await;
    for device in [&desktop, &laptop] {
        until(device, "synced with nothing pending", async |d| {
            last_status(d).is_some_and(|s| s.state == SyncState::Synced && s.pending == 0)
        })
        .await;
        assert_eq!(device.db.sync_summary(&ws).await.unwrap().conflicts, 0);
    }

    // A workspace made on the desktop while the laptop is connected arrives by itself.
    let later = desktop.new_workspace("Later").await;
    until(&laptop, "the new workspace on the laptop", async |d| {
        d.db.workspace(&later)
            .await
            .is_ok_and(|w| w.name == "Later")
    })
    .await;

    // Deleted on the laptop, the workspace does not come back there from the server's
    // list at the next full round (Sync now).
    laptop.db.delete_workspace(&ws).await.unwrap();
    let rounds = laptop.statuses.lock().unwrap().len();
    laptop
        .sync
        .wake(Wake::Account(laptop.client.account_id.clone()));
    until(&laptop, "a full round after the delete", async |d| {
        let statuses = d.statuses.lock().unwrap();
        statuses.len() > rounds
            && statuses
                .last()
                .is_some_and(|s| s.state == SyncState::Synced)
    })
    .await;
    assert!(laptop.db.workspace(&ws).await.is_err(), "adopted again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_cannot_be_reached_is_offline_with_the_changes_waiting() {
    let mut server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = device(&server, "ada").await;
    let workspace = desktop
        .db
        .create_workspace(&desktop.client.account_id, "Payments")
        .await
        .unwrap();
    until(&desktop, "synced", async |d| {
        last_status(d).is_some_and(|s| s.state == SyncState::Synced && s.pending == 0)
    })
    .await;
    server.stop().await;
    desktop
        .db
        .create_collection(&workspace.meta.id, "Written offline")
        .await
        .unwrap();
    until(&desktop, "offline, one change waiting", async |d| {
        last_status(d)
            .is_some_and(|s| s.state == SyncState::Offline && s.pending == 1 && s.error.is_some())
    })
    .await;
    assert_eq!(
        desktop
            .db
            .sync_summary(&workspace.meta.id)
            .await
            .unwrap()
            .pending,
        1
    );
}

/// Waits until the device's last round ended synced with nothing pending.
async fn settled(device: &Device, what: &str) {
    until(device, what, async |d| {
        last_status(d).is_some_and(|s| s.state == SyncState::Synced && s.pending == 0)
    })
    .await;
}

/// Whether the device told its screens that a round changed `workspace`.
fn told_of(device: &Device, workspace: &str) -> bool {
    let written = device.written.lock().unwrap();
    written
        .iter()
        .any(|w| w.workspace_ids.iter().any(|id| id == workspace))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_deleted_on_one_device_is_gone_from_the_server_and_the_other() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = device(&server, "ada").await;
    let account = desktop.client.account_id.clone();
    let ws = desktop.new_workspace("Old project").await;
    let kept = desktop.new_workspace("Current").await;
    desktop.db.create_collection(&ws, "API").await.unwrap();
    settled(&desktop, "the desktop's work is on the server").await;
    let laptop = device(&server, "ada").await;
    until(&laptop, "both workspaces on the laptop", async |d| {
        d.db.workspace(&ws).await.is_ok() && d.db.workspace(&kept).await.is_ok()
    })
    .await;
    settled(&laptop, "the laptop synced").await;

    desktop.db.delete_workspace(&ws).await.unwrap();
    until(&laptop, "the workspace gone from the laptop", async |d| {
        d.db.workspace(&ws).await.is_err()
    })
    .await;
    assert!(told_of(&laptop, &ws), "the laptop's screens read again");
    assert!(
        desktop
            .db
            .pending_workspace_deletes(&account)
            .await
            .unwrap()
            .is_empty(),
        "the delete was sent"
    );
    let listed = desktop.client.api().synced_workspaces().await.unwrap();
    let listed: Vec<&str> = listed.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(listed, vec![kept.as_str()], "gone from the server");
    settled(&laptop, "the laptop synced, no error").await;
    assert!(laptop.db.workspace(&kept).await.is_ok(), "the other stays");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_removed_from_a_team_loses_its_workspace_on_their_device() {
    let server = TestServer::start().await;
    let (ada, grace, team) = ada_and_grace_in_a_team(&server).await;
    let ws = team_workspace(&ada, &team).await;
    ada.db.create_collection(&ws, "Shared API").await.unwrap();
    settled(&ada, "the team's workspace is on the server").await;
    grace
        .sync
        .wake(Wake::Account(grace.client.account_id.clone()));
    until(
        &grace,
        "the team's workspace on Grace's device",
        async |d| {
            d.db.tree(&ws)
                .await
                .is_ok_and(|tree| tree.collections.len() == 1)
        },
    )
    .await;

    remove_from_team(&ada, &team, "grace").await;
    until(
        &grace,
        "the team's workspace gone from her device",
        async |d| d.db.workspace(&ws).await.is_err(),
    )
    .await;
    settled(&grace, "Grace's sync is not in error").await;
    assert!(told_of(&grace, &ws));
    assert!(ada.db.workspace(&ws).await.is_ok(), "the team keeps it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workspace_the_server_refuses_does_not_hold_up_the_others() {
    let server = TestServer::start().await;
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = device(&server, "ada").await;
    let account = desktop.client.account_id.clone();
    // A team Ada is not in: the server refuses to register it (every round).
    let refused = desktop
        .db
        .create_synced_workspace(&account, "Not Ada's team", Some("no-such-team"))
        .await
        .unwrap()
        .meta
        .id;
    let fine = desktop.new_workspace("Payments").await;
    desktop.sync.wake(Wake::Account(account.clone()));
    until(&desktop, "the refusal shown", async |d| {
        last_status(d).is_some_and(|s| s.state == SyncState::Error && s.error.is_some())
    })
    .await;
    let listed = desktop.client.api().synced_workspaces().await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|w| w.id.as_str()).collect();
    assert!(ids.contains(&fine.as_str()), "{ids:?}");
    assert!(!ids.contains(&refused.as_str()), "{ids:?}");
    assert_eq!(desktop.db.sync_summary(&fine).await.unwrap().pending, 0);
}

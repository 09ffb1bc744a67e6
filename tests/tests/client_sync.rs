//! Sync rounds between two devices of one account (each its own database file and
//! sign-in) through a real server: what one makes appears on the other; edits to
//! different fields of one request made offline on both merge without a conflict; the
//! same field changed on both is one conflict, the server's value standing and this
//! device's kept; a round cut after the push reached the server resends the same
//! operations and nothing is applied twice; operations staged before the app was killed
//! are sent after it starts again; a device far behind catches up; secret
//! values reach the server only sealed.

#![allow(clippy::unwrap_used)]

use courier_client::workspace::db::Place;
use courier_client::workspace::db::{ConflictKind, Options, WorkspaceDb};
use courier_client::workspace::model::{RequestSpec, Variable};
use courier_client::workspace::seal::{DataKey, Secrets};
use courier_client::workspace::sync::{SyncServer as _, sync_round};
use courier_testkit::TestServer;
use courier_tests::SignedInClient;

/// One device: its sign-in and its own database of work.
struct Device {
    client: SignedInClient,
    db: WorkspaceDb,
    key: DataKey,
    dir: tempfile::TempDir,
}

impl Device {
    async fn new(server: &TestServer, who: &str) -> Self {
        let client = SignedInClient::new(server, who).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let key = DataKey::generate().unwrap();
        let db = Self::open(&dir, &key).await;
        Self {
            client,
            db,
            key,
            dir,
        }
    }

    async fn open(dir: &tempfile::TempDir, key: &DataKey) -> WorkspaceDb {
        let options = Options::new(Secrets::Sealed(key.clone()));
        WorkspaceDb::open(&dir.path().join("workspaces.db"), options)
            .await
            .unwrap()
    }

    /// The app quits (or is killed) and starts again on the same database file.
    async fn restart(&mut self) {
        self.db.close().await;
        self.db = Self::open(&self.dir, &self.key).await;
    }

    async fn sync(&self, workspace_id: &str) -> courier_client::workspace::sync::RoundReport {
        sync_round(&self.db, &self.client.api(), workspace_id)
            .await
            .unwrap()
    }

    /// Takes the account's workspaces from the server onto this device.
    async fn adopt_all(&self) -> Vec<String> {
        let mut ids = Vec::new();
        for workspace in self.client.api().synced_workspaces().await.unwrap() {
            self.db
                .adopt_synced_workspace(
                    &self.client.account_id,
                    &workspace.id,
                    workspace.team_id.as_deref(),
                )
                .await
                .unwrap();
            ids.push(workspace.id);
        }
        ids
    }
}

/// Ada's desktop with a synced workspace holding one collection and one request, and
/// her laptop with a copy of it.
async fn two_devices_with_a_request(server: &TestServer) -> (Device, Device, String, String) {
    server.confirmed_account("ada@example.com", "ada").await;
    let desktop = Device::new(server, "ada").await;
    let laptop = Device::new(server, "ada").await;
    let workspace = desktop
        .db
        .create_workspace(&desktop.client.account_id, "Payments")
        .await
        .unwrap();
    let ws = workspace.meta.id.clone();
    desktop.db.track_for_sync(&ws, None).await.unwrap();
    let collection = desktop
        .db
        .create_collection(&ws, "Billing API")
        .await
        .unwrap();
    let spec = RequestSpec {
        url: "https://api.test/invoices".into(),
        ..RequestSpec::default()
    };
    let request = desktop
        .db
        .create_request(
            &Place::end(&collection.meta.id, None),
            "List invoices",
            &spec,
        )
        .await
        .unwrap();
    let report = desktop.sync(&ws).await;
    assert_eq!(
        (report.pushed, report.merged),
        (4, 0),
        "workspace, globals, collection, request"
    );
    assert_eq!(laptop.adopt_all().await, vec![ws.clone()]);
    laptop.sync(&ws).await;
    (desktop, laptop, ws, request.meta.id)
}

#[tokio::test]
async fn what_one_device_makes_appears_on_the_other() {
    let server = TestServer::start().await;
    let (desktop, laptop, ws, request_id) = two_devices_with_a_request(&server).await;
    assert_eq!(laptop.db.workspace(&ws).await.unwrap().name, "Payments");
    let copy = laptop.db.request(&request_id).await.unwrap();
    assert_eq!(
        (copy.name.as_str(), copy.spec.url.as_str()),
        ("List invoices", "https://api.test/invoices")
    );
    let tree = laptop.db.tree(&ws).await.unwrap();
    assert_eq!(tree.collections.len(), 1);

    // A rename and a delete on the laptop reach the desktop.
    laptop
        .db
        .rename_request(&request_id, "All invoices")
        .await
        .unwrap();
    let pushed = laptop.sync(&ws).await;
    assert_eq!(pushed.pushed, 1);
    let pulled = desktop.sync(&ws).await;
    assert_eq!(pulled.pulled, 1);
    assert_eq!(
        desktop.db.request(&request_id).await.unwrap().name,
        "All invoices"
    );
    assert_eq!(
        desktop.db.sync_summary(&ws).await.unwrap().pending,
        0,
        "a pull is not a local change"
    );
    desktop.db.delete_request(&request_id).await.unwrap();
    desktop.sync(&ws).await;
    laptop.sync(&ws).await;
    assert!(laptop.db.request(&request_id).await.is_err());
}

#[tokio::test]
async fn edits_to_different_fields_made_offline_merge_and_the_same_field_is_one_conflict() {
    let server = TestServer::start().await;
    let (desktop, laptop, ws, request_id) = two_devices_with_a_request(&server).await;
    // Both offline: the desktop renames the request and points it at v2; the laptop
    // adds a header and points it at v3.
    desktop
        .db
        .rename_request(&request_id, "Invoices")
        .await
        .unwrap();
    let mut mine = desktop.db.request(&request_id).await.unwrap();
    mine.spec.url = "https://api.test/v2/invoices".into();
    desktop.db.update_request(&mine).await.unwrap();
    let mut theirs = laptop.db.request(&request_id).await.unwrap();
    theirs
        .spec
        .headers
        .push(courier_client::workspace::model::KeyValue::new(
            "Accept",
            "application/json",
        ));
    theirs.spec.url = "https://api.test/v3/invoices".into();
    laptop.db.update_request(&theirs).await.unwrap();

    assert_eq!(desktop.sync(&ws).await.pushed, 1);
    let round = laptop.sync(&ws).await;
    assert_eq!((round.merged, round.conflicts), (1, 1));
    // The laptop now has the desktop's name and URL (the server's, while the conflict
    // waits) and its own header, and has pushed that merge.
    let merged = laptop.db.request(&request_id).await.unwrap();
    assert_eq!(merged.name, "Invoices");
    assert_eq!(merged.spec.url, "https://api.test/v2/invoices");
    assert_eq!(merged.spec.headers.len(), 1);
    let conflicts = laptop.db.sync_conflicts(&ws).await.unwrap();
    assert_eq!(conflicts.len(), 1);
    let ConflictKind::Fields { fields } = &conflicts[0].conflict else {
        panic!("a field conflict: {conflicts:?}")
    };
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].field, "spec.url");
    assert_eq!(fields[0].mine, Some("https://api.test/v3/invoices".into()));
    assert_eq!(laptop.db.sync_summary(&ws).await.unwrap().pending, 0);

    desktop.sync(&ws).await;
    let on_desktop = desktop.db.request(&request_id).await.unwrap();
    assert_eq!(
        on_desktop.spec.headers.len(),
        1,
        "the laptop's header arrived"
    );
    assert_eq!(on_desktop.name, "Invoices");
    assert!(desktop.db.sync_conflicts(&ws).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_round_cut_after_its_push_reached_the_server_sends_the_same_operations_again() {
    let server = TestServer::start().await;
    let (desktop, laptop, ws, request_id) = two_devices_with_a_request(&server).await;
    desktop
        .db
        .rename_request(&request_id, "Renamed once")
        .await
        .unwrap();
    // The push arrives, but the app is killed before it records the answer.
    let staged = desktop.db.stage_outbox(&ws).await.unwrap();
    assert_eq!(staged.len(), 1);
    desktop.client.api().push(&ws, &staged).await.unwrap();
    // Next start: the same operation again, applied once, no conflict.
    let round = desktop.sync(&ws).await;
    assert_eq!((round.pushed, round.merged, round.conflicts), (1, 0, 0));
    let changes = desktop.client.api().pull_changes(&ws, 0).await.unwrap();
    let request = changes.changes.iter().find(|c| c.id == request_id).unwrap();
    assert_eq!(request.revision, 2, "applied once");
    laptop.sync(&ws).await;
    assert_eq!(
        laptop.db.request(&request_id).await.unwrap().name,
        "Renamed once"
    );
}

#[tokio::test]
async fn operations_staged_before_the_app_was_killed_are_sent_after_it_starts_again() {
    let server = TestServer::start().await;
    let (mut desktop, laptop, ws, request_id) = two_devices_with_a_request(&server).await;
    desktop
        .db
        .rename_request(&request_id, "Staged, then killed")
        .await
        .unwrap();
    assert_eq!(desktop.db.stage_outbox(&ws).await.unwrap().len(), 1);
    desktop.restart().await;
    assert_eq!(desktop.db.sync_summary(&ws).await.unwrap().pending, 1);
    let round = desktop.sync(&ws).await;
    assert_eq!((round.pushed, round.merged), (1, 0));
    laptop.sync(&ws).await;
    assert_eq!(
        laptop.db.request(&request_id).await.unwrap().name,
        "Staged, then killed"
    );
}

#[tokio::test]
async fn a_device_far_behind_catches_up_in_one_round() {
    let server = TestServer::start().await;
    let (desktop, laptop, ws, _) = two_devices_with_a_request(&server).await;
    let collection = desktop.db.create_collection(&ws, "Bulk").await.unwrap();
    for i in 0..1200 {
        desktop
            .db
            .create_request(
                &Place::end(&collection.meta.id, None),
                &format!("Request {i}"),
                &RequestSpec::default(),
            )
            .await
            .unwrap();
    }
    let pushed = desktop.sync(&ws).await;
    assert_eq!(pushed.pushed, 1201);
    let caught_up = laptop.sync(&ws).await;
    assert_eq!(caught_up.pulled, 1201);
    let tree = laptop.db.tree(&ws).await.unwrap();
    let in_bulk = tree
        .requests
        .iter()
        .filter(|r| r.collection_id == collection.meta.id)
        .count();
    assert_eq!(in_bulk, 1200);
}

#[tokio::test]
async fn secret_values_reach_the_server_only_sealed() {
    let server = TestServer::start().await;
    let (desktop, _laptop, ws, _) = two_devices_with_a_request(&server).await;
    let secret = "sk_live_do_not_leak_4242";
    desktop
        .db
        .set_globals(
            &ws,
            &[
                Variable::new("host", "api.test"),
                Variable {
                    secret: true,
                    ..Variable::new("token", secret)
                },
            ],
        )
        .await
        .unwrap();
    desktop.sync(&ws).await;
    let stored = desktop.client.api().pull_changes(&ws, 0).await.unwrap();
    let text = serde_json::to_string(&stored).unwrap();
    assert!(text.contains("api.test"), "the plain variable syncs");
    assert!(
        !text.contains(secret),
        "the secret value never leaves the device unsealed"
    );
    assert!(text.contains("\"sealed\""), "{text}");
}

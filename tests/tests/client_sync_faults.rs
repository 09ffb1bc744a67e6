//! Sync rounds cut by faults, through a real server: a connection dropped after a
//! batch reached the server but before its answer came back, and the server stopped
//! between two batches of a round and started again. Either way the next round sends
//! the staged operations again under the same ids; everything arrives, and nothing is
//! applied twice (every entity at revision 1, the workspace's sequence one step per
//! entity). A connection cut before the answer is said in words, and is offline for
//! sync.

#![allow(clippy::unwrap_used)]

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use courier_client::api::AccountApi;
use courier_client::workspace::db::{Options, Place, WorkspaceDb};
use courier_client::workspace::model::RequestSpec;
use courier_client::workspace::seal::{DataKey, Secrets};
use courier_client::workspace::sync::{SyncFailure, SyncServer, sync_round};
use courier_proto::{PushOutcome, SyncOperation, WorkspaceChanges};
use courier_testkit::TestServer;
use courier_tests::SignedInClient;
use courier_tests::cable::Cable;
use tokio::sync::{mpsc, oneshot};

const REQUESTS: usize = 1_000;

/// The account API with a fault before (or after) its `nth` push.
struct Faulty<'a> {
    api: AccountApi<'a>,
    nth: usize,
    pushes: AtomicUsize,
    fault: Fault,
}

enum Fault {
    /// The push reaches the server; its answer is lost on the way back.
    AnswerLost,
    /// Before the push goes, the test is told and waits for the go-ahead (it stops
    /// the server meanwhile).
    Pause(Mutex<Option<(mpsc::Sender<()>, oneshot::Receiver<()>)>>),
}

impl SyncServer for Faulty<'_> {
    async fn register(&self, workspace_id: &str, team_id: Option<&str>) -> Result<(), SyncFailure> {
        self.api.register(workspace_id, team_id).await
    }

    async fn push(
        &self,
        workspace_id: &str,
        operations: &[SyncOperation],
    ) -> Result<PushOutcome, SyncFailure> {
        let nth = self.pushes.fetch_add(1, Ordering::SeqCst) + 1;
        if nth != self.nth {
            return self.api.push(workspace_id, operations).await;
        }
        match &self.fault {
            Fault::AnswerLost => {
                self.api.push(workspace_id, operations).await?;
                Err(SyncFailure::Offline("the connection was reset".into()))
            }
            Fault::Pause(pause) => {
                let taken = pause.lock().unwrap().take();
                if let Some((told, go)) = taken {
                    told.send(()).await.unwrap();
                    go.await.unwrap();
                }
                self.api.push(workspace_id, operations).await
            }
        }
    }

    async fn pull(&self, workspace_id: &str, since: i64) -> Result<WorkspaceChanges, SyncFailure> {
        self.api.pull(workspace_id, since).await
    }
}

/// A device signed in as Ada with a workspace of `REQUESTS` requests, none sent yet.
async fn device_with_work(
    server: &TestServer,
) -> (SignedInClient, WorkspaceDb, String, tempfile::TempDir) {
    server.confirmed_account("ada@example.com", "ada").await;
    let client = SignedInClient::new(server, "ada").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let options = Options::new(Secrets::Sealed(DataKey::generate().unwrap()));
    let db = WorkspaceDb::open(&dir.path().join("workspaces.db"), options)
        .await
        .unwrap();
    let ws = db
        .create_workspace(&client.account_id, "Bulk")
        .await
        .unwrap()
        .meta
        .id;
    let collection = db.create_collection(&ws, "Many").await.unwrap();
    for i in 0..REQUESTS {
        db.create_request(
            &Place::end(&collection.meta.id, None),
            &format!("Request {i}"),
            &RequestSpec::default(),
        )
        .await
        .unwrap();
    }
    (client, db, ws, dir)
}

/// Everything is on the server once: every entity at revision 1, and the workspace's
/// sequence one step per entity (the workspace, its globals, the collection, the
/// requests).
async fn all_there_once(api: &AccountApi<'_>, ws: &str) {
    let mut entities = Vec::new();
    let mut since = 0;
    loop {
        let page = api.pull_changes(ws, since).await.unwrap();
        entities.extend(page.changes);
        since = page.seq;
        if !page.more {
            break;
        }
    }
    assert_eq!(entities.len(), REQUESTS + 3);
    assert!(entities.iter().all(|e| e.revision == 1), "applied twice");
    assert_eq!(since, (REQUESTS + 3) as i64, "a sequence number per entity");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_mid_batch_loses_nothing_and_applies_nothing_twice() {
    let server = TestServer::start().await;
    let (client, db, ws, _dir) = device_with_work(&server).await;
    let cut = Faulty {
        api: client.api(),
        nth: 2,
        pushes: AtomicUsize::new(0),
        fault: Fault::AnswerLost,
    };
    let failure = sync_round(&db, &cut, &ws).await.unwrap_err();
    assert!(matches!(failure, SyncFailure::Offline(_)), "{failure:?}");
    assert!(db.sync_summary(&ws).await.unwrap().pending > 0);

    let round = sync_round(&db, &client.api(), &ws).await.unwrap();
    assert_eq!((round.merged, round.conflicts), (0, 0));
    assert_eq!(db.sync_summary(&ws).await.unwrap().pending, 0);
    all_there_once(&client.api(), &ws).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stopped_between_batches_is_caught_up_once_it_is_back() {
    let end = Cable::end().await;
    let origin = Cable::origin_of(&end);
    let (mut server, addr) =
        TestServer::start_listening(|settings| settings.issuer = Some(origin.clone())).await;
    let cable = Cable::lay(end, addr);
    let (client, db, ws, _dir) = device_with_work(&server).await;

    let (told, mut pausing) = mpsc::channel(1);
    let (go, paused) = oneshot::channel();
    let round = {
        let db = db.clone();
        let ws = ws.clone();
        let courier = std::sync::Arc::clone(&client.courier);
        let account = client.account_id.clone();
        tokio::spawn(async move {
            let cut = Faulty {
                api: courier.api(&account),
                nth: 3,
                pushes: AtomicUsize::new(0),
                fault: Fault::Pause(Mutex::new(Some((told, paused)))),
            };
            sync_round(&db, &cut, &ws).await
        })
    };
    // Two batches are in; the server stops before the third goes.
    pausing.recv().await.unwrap();
    server.stop().await;
    go.send(()).unwrap();
    let failure = round.await.unwrap().unwrap_err();
    assert!(matches!(failure, SyncFailure::Offline(_)), "{failure:?}");
    let waiting = db.sync_summary(&ws).await.unwrap().pending;
    assert!(
        waiting > 0 && waiting < REQUESTS as u32,
        "some batches went, some wait: {waiting}"
    );

    // Back on a new port behind the same address: the next round sends the rest.
    let addr = server
        .restart_listening(|settings| settings.issuer = Some(origin.clone()))
        .await;
    cable.reroute(addr);
    let round = sync_round(&db, &client.api(), &ws).await.unwrap();
    assert_eq!((round.merged, round.conflicts), (0, 0));
    assert_eq!(db.sync_summary(&ws).await.unwrap().pending, 0);
    all_there_once(&client.api(), &ws).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_cut_before_the_answer_is_said_in_words_and_is_offline_for_sync() {
    let end = Cable::end().await;
    let origin = Cable::origin_of(&end);
    let (server, addr) =
        TestServer::start_listening(|settings| settings.issuer = Some(origin.clone())).await;
    let cable = Cable::lay(end, addr);
    server.confirmed_account("ada@example.com", "ada").await;
    let client = SignedInClient::new(&server, "ada").await.unwrap();
    cable.unplug();
    let error = client.api().synced_workspaces().await.unwrap_err();
    assert_eq!(error.kind(), "network");
    assert!(
        error
            .to_string()
            .ends_with("the connection was cut before the server answered"),
        "{error}"
    );
    let failure = client.api().pull("any", 0).await.unwrap_err();
    assert!(matches!(failure, SyncFailure::Offline(_)), "{failure:?}");
}

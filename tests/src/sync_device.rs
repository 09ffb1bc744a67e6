//! One desktop device as its background sync (`app::work_sync`) sees it, for the sync
//! tests: its own database (sealed under its own device key), its own sign-in (tokens
//! and end-to-end keys in memory), its sync task, and its events channel waking the
//! sync as the desktop's state does. It keeps every status and "wrote into" report.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use courier_client::Courier;
use courier_client::app::work_sync::{self, SyncHost, SyncStatus, Wake, WorkChanged, WorkSync};
use courier_client::channel::{self, AccountEvent, EventsOptions};
use courier_client::workspace::db::{Options, WorkspaceDb};
use courier_client::workspace::seal::{DataKey, Secrets};
use courier_testkit::TestServer;
use tokio::sync::mpsc;

use crate::SignedInClient;

/// One device as the background sync sees it.
pub struct Device {
    pub client: SignedInClient,
    pub db: WorkspaceDb,
    pub sync: WorkSync,
    pub statuses: Mutex<Vec<SyncStatus>>,
    pub written: Mutex<Vec<WorkChanged>>,
    _dir: tempfile::TempDir,
}

impl SyncHost for Device {
    async fn courier(&self) -> Option<Arc<Courier>> {
        Some(Arc::clone(&self.client.courier))
    }

    async fn database(&self) -> Option<WorkspaceDb> {
        Some(self.db.clone())
    }

    fn sync(&self) -> &WorkSync {
        &self.sync
    }

    fn status_changed(&self, status: SyncStatus) {
        lock(&self.statuses).push(status);
    }

    fn work_changed(&self, changed: WorkChanged) {
        lock(&self.written).push(changed);
    }
}

/// Signs `who` in on a new device, starts its background sync and its events channel
/// (whose events wake the sync as the desktop's state does).
pub async fn device(server: &TestServer, who: &str) -> Arc<Device> {
    let client = SignedInClient::new(server, who).await.expect("signing in");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let secrets = Secrets::Sealed(DataKey::generate().expect("a device key"));
    let db = WorkspaceDb::open(&dir.path().join("workspaces.db"), Options::new(secrets))
        .await
        .expect("opening the device's database");
    let device = Arc::new(Device {
        client,
        db,
        sync: WorkSync::default(),
        statuses: Mutex::default(),
        written: Mutex::default(),
        _dir: dir,
    });
    let inbox = device.sync.take_inbox().expect("the sync queue");
    tokio::spawn(work_sync::run(Arc::clone(&device), inbox));
    let (sink, mut events) = mpsc::unbounded_channel();
    let handle = channel::spawn(
        Arc::clone(&device.client.courier),
        device.client.account_id.clone(),
        EventsOptions::default(),
        sink,
    );
    let forwarding = Arc::clone(&device);
    tokio::spawn(async move {
        let _channel = handle;
        while let Some(event) = events.recv().await {
            match event {
                AccountEvent::Connected { account_id } => {
                    forwarding.sync.wake(Wake::Account(account_id));
                }
                AccountEvent::WorkspaceChanged {
                    account_id,
                    workspace_id,
                    seq,
                } => forwarding.sync.wake(Wake::Workspace {
                    account: account_id,
                    workspace: workspace_id,
                    seq,
                }),
                AccountEvent::WorkspaceKeysChanged { account_id, .. }
                | AccountEvent::TeamsChanged { account_id, .. } => {
                    forwarding.sync.wake(Wake::Account(account_id));
                }
                _ => {}
            }
        }
    });
    device
}

/// Waits (up to 10 s) until `done` holds for the device.
pub async fn until(device: &Device, what: &str, done: impl AsyncFn(&Device) -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !done(device).await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn last_status(device: &Device) -> Option<SyncStatus> {
    lock(&device.statuses).last().cloned()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

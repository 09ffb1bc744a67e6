//! One desktop device as its background sync (`app::work_sync`) sees it, for the sync
//! tests: its own database (sealed under its own device key), its own sign-in (tokens
//! and end-to-end keys in memory), its sync task, and its events channel waking the
//! sync as the desktop's state does. It keeps every status and "wrote into" report.
//! Also a team of two such devices' accounts, and a member's removal from it.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use courier_client::Courier;
use courier_client::app::work_sync::{self, SyncHost, SyncStatus, Wake, WorkChanged, WorkSync};
use courier_client::channel::{self, AccountEvent, EventsOptions};
use courier_client::workspace::db::{Options, WorkspaceDb};
use courier_client::workspace::seal::{DataKey, Secrets};
use courier_proto::TeamRole;
use courier_testkit::TestServer;
use courier_testkit::outbox::wait_for_invitation_token;
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
impl Device {
    /// A new workspace of the device's account named `name`: its id.
    pub async fn new_workspace(&self, name: &str) -> String {
        self.db
            .create_workspace(&self.client.account_id, name)
            .await
            .expect("a new workspace")
            .meta
            .id
    }
}

pub async fn device(server: &TestServer, who: &str) -> Arc<Device> {
    let secrets = Secrets::Sealed(DataKey::generate().expect("a device key"));
    device_with(server, who, secrets).await
}

/// [`device`] with `secrets` (`Secrets::Unavailable`: a session without a keyring).
pub async fn device_with(server: &TestServer, who: &str, secrets: Secrets) -> Arc<Device> {
    let client = SignedInClient::new(server, who).await.expect("signing in");
    let dir = tempfile::tempdir().expect("a temporary folder");
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
                | AccountEvent::WorkspaceDeleted { account_id, .. }
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

/// Ada's and Grace's devices (accounts made on `server`), and a team "Acme" Ada
/// made with Grace in it as a member; the team's id last.
pub async fn ada_and_grace_in_a_team(server: &TestServer) -> (Arc<Device>, Arc<Device>, String) {
    server.confirmed_account("ada@example.com", "ada").await;
    server.confirmed_account("grace@example.com", "grace").await;
    let ada = device(server, "ada").await;
    let grace = device(server, "grace").await;
    let (admin, member) = (ada.client.api(), grace.client.api());
    let team = admin.create_team("Acme", "acme").await;
    let team = team.expect("the team is made");
    let emails = ["grace@example.com".to_owned()];
    let invited = admin.invite(&team.id, &emails, TeamRole::Member).await;
    invited.expect("Grace is invited");
    let invitation = wait_for_invitation_token(&server.outbox(), "grace@example.com", 1).await;
    member
        .accept_invitation(&invitation)
        .await
        .expect("Grace joins");
    (ada, grace, team.id)
}

/// A new workspace of Ada's device for the team, synced for its members.
pub async fn team_workspace(ada: &Device, team: &str) -> String {
    let made = ada
        .db
        .create_synced_workspace(&ada.client.account_id, "Acme shared", Some(team))
        .await;
    made.expect("the team's workspace is made").meta.id
}

/// `admin` removes the account named `username` from the team.
pub async fn remove_from_team(admin: &Device, team_id: &str, username: &str) {
    let api = admin.client.api();
    let members = api.team_members(team_id).await.expect("the team's members");
    let member = members.iter().find(|m| m.username == username);
    let member = member.expect("a member of the team");
    let removed = api.remove_member(team_id, &member.user_id).await;
    removed.expect("the member is removed");
}

pub fn last_status(device: &Device) -> Option<SyncStatus> {
    lock(&device.statuses).last().cloned()
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

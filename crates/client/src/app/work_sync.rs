//! Keeping the signed-in accounts' workspaces in step with their servers, for the
//! desktop. One task ([`run`]) does every sync round, one after another, when
//! something asks for one: a local change (the database's change watch, after a short
//! pause so a burst of typing is one round; only the workspaces with changes waiting),
//! an account's events channel saying a
//! workspace changed on the server or that it is (re)connected, **Sync now**, and a
//! round every minute besides, so a lost event costs at most a minute. A round that
//! cannot reach the server is retried with backoff and jitter; nothing is lost
//! meanwhile (the outbox is in the database). Each account's [`SyncStatus`] is kept
//! here for the header's indicator and pushed to the UI as `sync_status` when it
//! changes.
//!
//! Which workspaces sync: every workspace of a signed-in account on this device (the
//! Scratch Pad never does), and every workspace the server has for the account,
//! brought onto this device the first time it is seen. Each round also settles the
//! end-to-end keys of its workspaces ([`work_keys`]) when it may need to.
//!
//! Deletes: an account's round first sends the deletes of synced workspaces made here
//! ([`send_deletes`]); a workspace the server no longer has for the account (deleted
//! elsewhere, or a team the account left), noticed when its list lacks it or a push
//! or pull answers 404, is removed here (`WorkspaceDb::workspace_gone_from_server`,
//! which keeps one holding unsynced work as the account's own).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use courier_workspace::db::{GoneFromServer, SecretsMode, WorkspaceDb};
use courier_workspace::model::Owner;
use courier_workspace::sync::{SyncFailure, sync_round};
use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::Instant;

use courier_workspace::sync::keys::AccountSecretKey;

use super::work_keys;
use crate::channel::Backoff;
use crate::courier::Courier;

/// How long a burst of local changes may go on before its round starts.
const LOCAL_PAUSE: Duration = Duration::from_millis(300);

/// A round for every account this often, whatever else happens.
const EVERY: Duration = Duration::from_secs(60);

/// How soon a round that could not reach the server is tried again.
const RETRY: Backoff = Backoff {
    initial: Duration::from_secs(1),
    max: Duration::from_secs(60),
};

/// Where an account's sync stands, for the header's indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum SyncState {
    /// Everything here is on the server and everything there is here.
    Synced,
    /// A round is running.
    Syncing,
    /// The server cannot be reached; changes wait here and go when it can.
    Offline,
    /// The server refused (the reason says why); **Retry** tries again.
    Error,
}

/// An account's sync as the indicator shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct SyncStatus {
    pub account_id: String,
    pub state: SyncState,
    /// Entities changed here and not yet on the server.
    pub pending: u32,
    /// Conflicts left to decide.
    pub conflicts: u32,
    /// Unix milliseconds of the last complete round of every workspace.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub synced_at: Option<i64>,
    /// Why the last round failed (offline or refused).
    pub error: Option<String>,
    /// The account's synced secret values cannot be read on this device until its
    /// recovery key is entered (another device made the account's key).
    pub secrets_locked: bool,
}

/// What asks for a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wake {
    /// Every workspace of every signed-in account, and the ones the server has that
    /// this device does not yet (the minute).
    Everyone,
    /// The workspaces with changes waiting here (a local change).
    Local,
    /// Every workspace of this account, and the ones the server has that this device
    /// does not yet (connected, **Sync now**).
    Account(String),
    /// One workspace the server says changed up to `seq` (one this device does not
    /// have yet: the account's whole round, which brings it here).
    Workspace {
        account: String,
        workspace: String,
        seq: i64,
    },
}

/// The sync's shared half: the wake-up queue and the last status of each account.
/// The desktop's state holds one; [`run`] reads its queue.
pub struct WorkSync {
    wake: mpsc::UnboundedSender<Wake>,
    inbox: Mutex<Option<mpsc::UnboundedReceiver<Wake>>>,
    statuses: Mutex<HashMap<String, SyncStatus>>,
}

impl Default for WorkSync {
    fn default() -> Self {
        let (wake, inbox) = mpsc::unbounded_channel();
        Self {
            wake,
            inbox: Mutex::new(Some(inbox)),
            statuses: Mutex::default(),
        }
    }
}

impl WorkSync {
    pub fn wake(&self, wake: Wake) {
        // The task is gone only when the app is closing.
        let _ = self.wake.send(wake);
    }

    /// The queue, for the one task that runs the rounds (`None` once taken).
    pub fn take_inbox(&self) -> Option<mpsc::UnboundedReceiver<Wake>> {
        self.inbox
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The account's last status; a signed-in account not synced yet is `syncing`.
    pub fn status(&self, account_id: &str) -> SyncStatus {
        let statuses = self.statuses.lock().unwrap_or_else(PoisonError::into_inner);
        statuses
            .get(account_id)
            .cloned()
            .unwrap_or_else(|| SyncStatus {
                account_id: account_id.to_owned(),
                state: SyncState::Syncing,
                pending: 0,
                conflicts: 0,
                synced_at: None,
                error: None,
                secrets_locked: false,
            })
    }

    /// Keeps `status`; `true` when it differs from the last one (the UI is told).
    fn set(&self, status: SyncStatus) -> bool {
        let mut statuses = self.statuses.lock().unwrap_or_else(PoisonError::into_inner);
        statuses.insert(status.account_id.clone(), status.clone()) != Some(status)
    }
}

/// What the rounds need from their host (the desktop's state; a test's devices).
pub trait SyncHost: Send + Sync {
    /// The client, once a token store is chosen.
    fn courier(&self) -> impl Future<Output = Option<Arc<Courier>>> + Send;
    /// The device's work database, once it can be opened.
    fn database(&self) -> impl Future<Output = Option<WorkspaceDb>> + Send;
    fn sync(&self) -> &WorkSync;
    /// Tells the UI.
    fn status_changed(&self, status: SyncStatus);
    /// Tells the UI that a round wrote into these workspaces (what others changed,
    /// or a merge): its screens read them again.
    fn work_changed(&self, changed: WorkChanged);
}

/// Workspaces a round wrote into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WorkChanged {
    pub account_id: String,
    pub workspace_ids: Vec<String>,
}

/// Runs rounds as they are asked for, for as long as the queue is open.
pub async fn run(host: Arc<impl SyncHost>, mut inbox: mpsc::UnboundedReceiver<Wake>) {
    let db = loop {
        if let Some(db) = host.database().await {
            break db;
        }
        // No token store yet: wait for something to happen (a sign-in wakes us).
        if inbox.recv().await.is_none() {
            return;
        }
    };
    let mut local_changes = db.watch_changes();
    let mut failures = 0u32;
    let mut next = Instant::now();
    loop {
        let mut wakes = Vec::new();
        tokio::select! {
            wake = inbox.recv() => match wake {
                Some(wake) => wakes.push(wake),
                None => return,
            },
            changed = local_changes.changed() => {
                if changed.is_err() {
                    return;
                }
                tokio::time::sleep(LOCAL_PAUSE).await;
                wakes.push(Wake::Local);
            }
            () = tokio::time::sleep_until(next) => wakes.push(Wake::Everyone),
        }
        while let Ok(wake) = inbox.try_recv() {
            wakes.push(wake);
        }
        local_changes.borrow_and_update();
        let reached = pass(&*host, &db, &wakes).await;
        next = Instant::now()
            + if reached {
                failures = 0;
                EVERY
            } else {
                failures = failures.saturating_add(1);
                RETRY.delay(failures - 1, rand::random::<f64>())
            };
    }
}

/// The signed-in accounts of `courier`.
async fn signed_in(courier: &Courier) -> Vec<String> {
    match courier.registry().await {
        Ok(registry) => registry
            .accounts
            .into_iter()
            .filter(|account| !account.signed_out)
            .map(|account| account.id)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// One round for what `wakes` ask; `false` when some server could not be reached.
async fn pass(host: &impl SyncHost, db: &WorkspaceDb, wakes: &[Wake]) -> bool {
    let Some(courier) = host.courier().await else {
        return true;
    };
    let accounts = signed_in(&courier).await;
    let mut whole: HashSet<&str> = HashSet::new();
    let mut discover: HashSet<&str> = HashSet::new();
    let mut single: HashMap<&str, HashSet<&str>> = HashMap::new();
    let targets = db.sync_targets().await.unwrap_or_default();
    let pulled: HashMap<&str, i64> = targets
        .iter()
        .map(|target| (target.workspace_id.as_str(), target.pulled_seq))
        .collect();
    // A local change: only the workspaces with something to send need a round.
    let mut waiting: Vec<(&str, &str)> = Vec::new();
    if wakes.contains(&Wake::Local) {
        for target in &targets {
            let pending = db.sync_summary(&target.workspace_id).await;
            if let (Some(account), Ok(summary)) = (&target.account, pending)
                && summary.pending > 0
            {
                waiting.push((account, &target.workspace_id));
            }
        }
    }
    for (account, workspace) in waiting {
        single.entry(account).or_default().insert(workspace);
    }
    // A workspace deleted here is no target any more: its account's round sends the
    // delete (and syncs no workspace unless asked).
    if wakes.contains(&Wake::Local) {
        for account in &accounts {
            let deletes = db.pending_workspace_deletes(account).await;
            if deletes.is_ok_and(|deletes| !deletes.is_empty()) {
                single.entry(account.as_str()).or_default();
            }
        }
    }
    for wake in wakes {
        match wake {
            Wake::Everyone => {
                whole.extend(accounts.iter().map(String::as_str));
                discover.extend(accounts.iter().map(String::as_str));
            }
            Wake::Local => {}
            Wake::Account(account) => {
                whole.insert(account);
                discover.insert(account);
            }
            Wake::Workspace {
                account,
                workspace,
                seq,
            } => {
                match pulled.get(workspace.as_str()) {
                    // One this device does not have yet (made on another device): the
                    // account's list brings it here.
                    None => {
                        whole.insert(account);
                        discover.insert(account);
                    }
                    // This device's own push comes back as an event too: nothing to pull.
                    Some(have) if have >= seq => {}
                    Some(_) => {
                        single.entry(account).or_default().insert(workspace);
                    }
                }
            }
        }
    }
    let mut reached = true;
    for account in &accounts {
        let account = account.as_str();
        let only = if whole.contains(account) {
            None
        } else if let Some(workspaces) = single.get(account) {
            Some(workspaces)
        } else {
            continue;
        };
        let status = sync_account(
            host,
            &courier,
            db,
            account,
            discover.contains(account),
            only,
        )
        .await;
        reached &= status.state != SyncState::Offline;
        if host.sync().set(status.clone()) {
            host.status_changed(status);
        }
    }
    reached
}

/// Syncs an account's workspaces (`only` these, when given) and says where it stands.
async fn sync_account(
    host: &impl SyncHost,
    courier: &Courier,
    db: &WorkspaceDb,
    account: &str,
    discover: bool,
    only: Option<&HashSet<&str>>,
) -> SyncStatus {
    let mut status = host.sync().status(account);
    status.state = SyncState::Syncing;
    if host.sync().set(status.clone()) {
        host.status_changed(status.clone());
    }
    let api = courier.api(account);
    let mut secrets_locked = status.secrets_locked;
    let prepared = match send_deletes(db, &api, account).await {
        Ok(()) => prepare(db, &api, account, discover).await,
        Err(error) => Err(error),
    };
    let failure = match prepared {
        Ok(gone) => {
            let mut failure = None;
            // Workspaces removed here (their unsynced work kept in a copy) count as written.
            let mut written = gone;
            // The account's key, read (or made) once, when a workspace needs it, and on
            // the whole rounds (so teammates can wrap keys for it before it needs one).
            let mut account_secret = None;
            // Keys need somewhere to stay: a session without the device's key (no
            // keyring, memory only) makes and takes none; its values stay as they are.
            let keys_here = db.secrets_mode() == SecretsMode::Sealed;
            if discover && keys_here {
                match work_keys::account_secret(courier, &api, account).await {
                    Ok(secret) => account_secret = Some(secret),
                    Err(SyncFailure::Refused(reason)) => {
                        tracing::warn!(account, %reason, "the server refused the account's key");
                    }
                    Err(error) => failure = Some(error),
                }
            }
            let targets = match failure {
                None => db.sync_targets().await.unwrap_or_default(),
                Some(_) => Vec::new(),
            };
            for target in targets {
                let ours = target.account.as_deref() == Some(account);
                let asked = only.is_none_or(|only| only.contains(target.workspace_id.as_str()));
                if !(ours && asked) {
                    continue;
                }
                let workspace = target.workspace_id.as_str();
                let outcome = match sync_round(db, &api, workspace).await {
                    // Deleted elsewhere, or no longer the account's: not an error.
                    Err(SyncFailure::Gone(reason)) if target.registered => {
                        tracing::info!(account, workspace, %reason, "the server no longer has it");
                        forget_gone(db, workspace).await.map(|()| {
                            written.push(target.workspace_id.clone());
                        })
                    }
                    Ok(report) => {
                        if report.pulled > 0 || report.merged > 0 {
                            written.push(target.workspace_id.clone());
                        }
                        // Keys: on the whole rounds, after pulling values (maybe under
                        // a version new here), and until the workspace has one.
                        let settle = keys_here
                            && (discover
                                || report.pulled > 0
                                || db.workspace_key_versions(workspace).is_empty());
                        if settle {
                            settle_keys(db, &api, courier, account, workspace, &mut account_secret)
                                .await
                                .map(|wrote| {
                                    if wrote && !written.contains(&target.workspace_id) {
                                        written.push(target.workspace_id.clone());
                                    }
                                })
                        } else {
                            Ok(())
                        }
                    }
                    Err(error) => Err(error),
                };
                match outcome {
                    Ok(()) => {}
                    // The server cannot be reached: the other workspaces cannot either.
                    Err(error @ SyncFailure::Offline(_)) => {
                        tracing::info!(account, workspace, %error, "sync round stopped");
                        failure = Some(error);
                        break;
                    }
                    // One workspace refused does not hold up the others; the status
                    // shows the first refusal.
                    Err(error) => {
                        tracing::info!(account, workspace, %error, "sync round refused");
                        failure.get_or_insert(error);
                    }
                }
            }
            if let Some(secret) = &account_secret {
                secrets_locked = secret.is_none();
            }
            if !written.is_empty() {
                host.work_changed(WorkChanged {
                    account_id: account.to_owned(),
                    workspace_ids: written,
                });
            }
            failure
        }
        Err(error) => Some(error),
    };
    let mut status = summarize(db, account, failure).await;
    status.secrets_locked = secrets_locked;
    status
}

/// Settles `workspace`'s end-to-end keys (see [`work_keys`]) with the account's key,
/// read into `account_secret` the first time; values sealed again under a new version
/// go to the server in one more round. `true` when values here became readable or
/// were sealed again (the UI reads the workspace again). A server that refuses the
/// keys does not stop the work syncing: the values then stay sealed under this
/// device's key, unreadable elsewhere, and the refusal is logged.
async fn settle_keys(
    db: &WorkspaceDb,
    api: &crate::api::AccountApi<'_>,
    courier: &Courier,
    account: &str,
    workspace: &str,
    account_secret: &mut Option<Option<AccountSecretKey>>,
) -> Result<bool, SyncFailure> {
    let settled = async {
        if account_secret.is_none() {
            *account_secret = Some(work_keys::account_secret(courier, api, account).await?);
        }
        match account_secret.as_ref() {
            Some(Some(secret)) => {
                work_keys::settle_workspace_keys(db, api, secret, workspace).await
            }
            _ => Ok(work_keys::Settled::default()),
        }
    };
    let settled = match settled.await {
        Err(SyncFailure::Refused(reason)) => {
            tracing::warn!(account, workspace, %reason, "the server refused the workspace's keys");
            return Ok(false);
        }
        settled => settled?,
    };
    if settled.resealed > 0 {
        sync_round(db, api, workspace).await?;
    }
    Ok(settled.received > 0 || settled.resealed > 0)
}

/// Sends the deletes of the account's synced workspaces made on this device. Sent, or
/// the server has no such workspace any more: done. Refused because only a team's
/// admins may delete its workspace: done too (the team keeps it; this device does not
/// bring it back). Offline, or refused otherwise: kept for a later round.
async fn send_deletes(
    db: &WorkspaceDb,
    api: &crate::api::AccountApi<'_>,
    account: &str,
) -> Result<(), SyncFailure> {
    use crate::error::Error;
    use courier_proto::ErrorKind;
    for workspace in db.pending_workspace_deletes(account).await? {
        match api.delete_synced_workspace(&workspace).await {
            Ok(())
            | Err(Error::Api {
                kind: ErrorKind::NotFound,
                ..
            }) => {}
            Err(
                error @ Error::Api {
                    kind: ErrorKind::Forbidden,
                    ..
                },
            ) => {
                tracing::warn!(account, workspace, %error, "the server keeps the team's copy");
            }
            Err(error) => return Err(crate::api::sync_failure(error)),
        }
        db.workspace_delete_sent(&workspace).await?;
    }
    Ok(())
}

/// Removes this device's copy of a workspace the server no longer has for the account
/// (its unsynced work kept first in a copy of the account's own).
async fn forget_gone(db: &WorkspaceDb, workspace: &str) -> Result<(), SyncFailure> {
    match db.workspace_gone_from_server(workspace).await? {
        GoneFromServer::Removed => tracing::info!(workspace, "removed: gone from the server"),
        GoneFromServer::KeptAsCopy { workspace_id } => {
            tracing::info!(
                workspace,
                copy = %workspace_id,
                "gone from the server; its unsynced work kept in a copy"
            );
        }
    }
    Ok(())
}

/// Tracks the account's workspaces on this device and, with `discover`, brings the
/// ones only the server has onto it and removes the registered ones it no longer has.
/// Returns the workspaces removed (their unsynced work kept in a copy).
async fn prepare(
    db: &WorkspaceDb,
    api: &crate::api::AccountApi<'_>,
    account: &str,
    discover: bool,
) -> Result<Vec<String>, SyncFailure> {
    let local = db.workspaces(Some(account)).await?;
    for workspace in &local {
        if matches!(workspace.owner, Owner::Account { .. }) {
            db.track_for_sync(&workspace.meta.id, None).await?;
        }
    }
    let mut gone = Vec::new();
    if discover {
        let known: HashSet<&str> = local.iter().map(|w| w.meta.id.as_str()).collect();
        let remote = api
            .synced_workspaces()
            .await
            .map_err(crate::api::sync_failure)?;
        let listed: HashSet<&str> = remote.iter().map(|w| w.id.as_str()).collect();
        for workspace in &remote {
            // Deleted here: the server's copy stays there, not back on this device.
            if !known.contains(workspace.id.as_str()) && !db.deleted_here(&workspace.id).await? {
                db.adopt_synced_workspace(account, &workspace.id, workspace.team_id.as_deref())
                    .await?;
            }
        }
        // Registered from here or adopted, and no longer listed: deleted elsewhere, or
        // the account left its team.
        for target in db.sync_targets().await? {
            let ours = target.account.as_deref() == Some(account);
            if ours && target.registered && !listed.contains(target.workspace_id.as_str()) {
                forget_gone(db, &target.workspace_id).await?;
                gone.push(target.workspace_id);
            }
        }
    }
    Ok(gone)
}

/// The account's status after a round that ended with `failure` (or none).
async fn summarize(db: &WorkspaceDb, account: &str, failure: Option<SyncFailure>) -> SyncStatus {
    let mut status = SyncStatus {
        account_id: account.to_owned(),
        state: SyncState::Synced,
        pending: 0,
        conflicts: 0,
        synced_at: None,
        error: None,
        secrets_locked: false,
    };
    let targets = db.sync_targets().await.unwrap_or_default();
    let mut all_synced = true;
    for target in targets
        .iter()
        .filter(|t| t.account.as_deref() == Some(account))
    {
        if let Ok(summary) = db.sync_summary(&target.workspace_id).await {
            status.pending += summary.pending;
            status.conflicts += summary.conflicts;
        }
        match target.synced_at {
            Some(at) if all_synced => {
                status.synced_at = Some(status.synced_at.map_or(at, |so_far| so_far.min(at)));
            }
            _ => all_synced = false,
        }
    }
    if !all_synced {
        status.synced_at = None;
    }
    if let Some(failure) = failure {
        status.state = match failure {
            SyncFailure::Offline(_) => SyncState::Offline,
            SyncFailure::Refused(_)
            | SyncFailure::Gone(_)
            | SyncFailure::NotSynced
            | SyncFailure::Local(_) => SyncState::Error,
        };
        status.error = Some(failure.to_string());
    }
    status
}

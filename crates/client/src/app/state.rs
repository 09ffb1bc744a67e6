//! The desktop's state: the client (`Courier`) once a token store is chosen, what the
//! UI is told about that store, the sign-in the window waits for, each signed-in
//! account's live updates, and the one desktop-only setting (the welcome was passed).
//! Everything the UI must hear goes out through the [`Shell`]: a change of the
//! accounts as `account_changed`, the end of a sign-in as `signin_progress`, a
//! changed profile as `profile_changed`. No Tauri here: the CLI and tests can drive
//! the same state with any `Shell`.

use std::collections::HashSet;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use courier_workspace::seal::Secrets;
use serde::{Deserialize, Serialize};
use tokio::sync::{OnceCell, RwLock};

use super::Shell;
use super::files::FileChoice;
use super::ipc::UiEvent;
use super::live_updates::LiveUpdates;
use super::pending_sign_in::PendingSignIn;
use super::token_store::{connect_keyring, courier_with};
use super::view::{
    AccountView, AppSnapshot, BillingChangedEvent, ProfileChangedEvent, SignInChoice,
    SignInProgress, SignInStarted, TeamsChangedEvent, VaultStatus,
};
use super::work::{self, Work};
use super::work_keys;
use super::work_sync::{self, SyncHost, SyncStatus, Wake, WorkSync};
use crate::accounts::RegistryFile;
use crate::auth::browser::{BrowserOpener as _, SystemBrowser};
use crate::auth::signin::SignInAttempt;
use crate::auth::vault::{KEYRING_REMEDY, KeyringVault, MemoryVault};
use crate::channel::AccountEvent;
use crate::config::{ClientConfig, Environment};
use crate::courier::Courier;
use crate::error::{Error, Result, SignInFailure};

pub struct DesktopState {
    config: ClientConfig,
    shell: Arc<dyn Shell>,
    courier: RwLock<Option<Arc<Courier>>>,
    vault: RwLock<VaultStatus>,
    pending: PendingSignIn,
    /// The events channel of each signed-in account.
    live: LiveUpdates,
    /// Accounts whose events channel was lost and has not come back: what the server
    /// said meanwhile was not heard, so coming back reads it all again.
    out_of_touch: Mutex<HashSet<String>>,
    /// The OS keyring while it is in use: it also keeps the workspace data key.
    keys: RwLock<Option<Arc<KeyringVault>>>,
    /// The device's work, opened on first use (see [`DesktopState::work`]).
    work: OnceCell<Arc<Work>>,
    /// Keeps the accounts' workspaces in step with their servers.
    work_sync: WorkSync,
}

/// Settings of the desktop app itself (not accounts, not secrets).
#[derive(Debug, Default, Serialize, Deserialize)]
struct DesktopSettings {
    welcome_done: bool,
}

impl DesktopState {
    /// Opens the client with the OS keyring, or remembers why that failed.
    pub fn open(environment: Environment, shell: Arc<dyn Shell>) -> Arc<Self> {
        Self::with_config(ClientConfig::for_environment(environment), shell)
    }

    pub fn with_config(config: ClientConfig, shell: Arc<dyn Shell>) -> Arc<Self> {
        let (courier, status, keys) = connect_keyring(&config);
        Arc::new(Self {
            config,
            shell,
            courier: RwLock::new(courier),
            vault: RwLock::new(status),
            pending: PendingSignIn::default(),
            live: LiveUpdates::default(),
            out_of_touch: Mutex::default(),
            keys: RwLock::new(keys),
            work: OnceCell::new(),
            work_sync: WorkSync::default(),
        })
    }

    /// Tries the keyring again (after the person started or unlocked it).
    pub async fn retry_keyring(&self) {
        let (courier, status, keys) = connect_keyring(&self.config);
        *self.courier.write().await = courier;
        *self.vault.write().await = status;
        *self.keys.write().await = keys;
    }

    /// The keyring stopped answering mid-run (locked, daemon gone): say so.
    async fn keyring_lost(&self, reason: String) {
        *self.courier.write().await = None;
        *self.keys.write().await = None;
        *self.vault.write().await = VaultStatus::Unavailable {
            reason,
            remedy: KEYRING_REMEDY.to_owned(),
        };
    }

    /// Keeps tokens in memory for this run only.
    pub async fn use_memory_vault(&self) {
        let (courier, status) = courier_with(&self.config, Arc::new(MemoryVault::default()));
        *self.courier.write().await = courier;
        *self.vault.write().await = status;
        *self.keys.write().await = None;
    }

    /// The device's work (`DATA/workspaces.db`), opened the first time it is asked
    /// for and kept for the app's life. Its secrets follow the token store: with the
    /// OS keyring they are sealed under the data key kept there (made on first use);
    /// in memory-only mode they are kept for this session only. While no store is
    /// chosen yet, the answer is the keyring screen's error.
    pub async fn work(&self) -> Result<Arc<Work>> {
        let opened = self
            .work
            .get_or_try_init(|| async {
                let secrets = self.workspace_secrets().await?;
                let path = self.config.data_dir.join(work::DATABASE_FILE);
                Ok::<_, Error>(Arc::new(Work::open(&path, secrets).await?))
            })
            .await?;
        Ok(Arc::clone(opened))
    }

    async fn workspace_secrets(&self) -> Result<Secrets> {
        let keys = self.keys.read().await.clone();
        match (&*self.vault.read().await, keys) {
            (VaultStatus::Keyring { .. }, Some(keys)) => {
                // Keyring calls block on D-Bus.
                let secrets =
                    tokio::task::spawn_blocking(move || Secrets::from_key_store(keys.as_ref()))
                        .await
                        .map_err(|error| Error::Keyring(error.to_string()))?;
                secrets.map_err(|error| Error::Keyring(error.to_string()))
            }
            (VaultStatus::MemoryOnly { .. }, _) => Ok(Secrets::Unavailable),
            _ => self.courier().await.map(|_| Secrets::Unavailable),
        }
    }

    /// Signs out of account `id` ([`Courier::sign_out`]). Its workspaces stay on this
    /// device and come back at its next sign-in, unless `remove_work` asks to remove
    /// this device's copy too.
    pub async fn sign_out(&self, id: &str, remove_work: bool) -> Result<AppSnapshot> {
        let outcome = self.courier().await?.sign_out(id).await?;
        if remove_work {
            self.remove_work_of(&outcome.account.id).await?;
        }
        self.accounts_changed().await
    }

    /// Signs out of every account, as [`DesktopState::sign_out`] each.
    pub async fn sign_out_all(&self, remove_work: bool) -> Result<AppSnapshot> {
        let outcomes = self.courier().await?.sign_out_all().await?;
        if remove_work {
            for outcome in &outcomes {
                self.remove_work_of(&outcome.account.id).await?;
            }
        }
        self.accounts_changed().await
    }

    async fn remove_work_of(&self, account_id: &str) -> Result<()> {
        // Its end-to-end key goes with the work: nothing of the account stays here.
        self.courier().await?.forget_account_key(account_id).await?;
        let removed = self
            .work()
            .await?
            .db()
            .remove_account_workspaces(account_id)
            .await?;
        tracing::info!(
            account = account_id,
            removed,
            "removed an account's workspaces from this device"
        );
        Ok(())
    }

    /// Asks the person for a file through the shell's dialog, off the async runtime
    /// (the dialog blocks until answered); `None` when they cancel.
    pub async fn choose_file(&self, choice: FileChoice) -> Result<Option<PathBuf>> {
        let shell = Arc::clone(&self.shell);
        tokio::task::spawn_blocking(move || shell.choose_file(&choice))
            .await
            .map_err(|error| Error::FileDialog(error.to_string()))
    }

    /// The account whose workspaces are shown beside the Scratch Pad: the active one.
    pub fn active_account(&self) -> Result<Option<String>> {
        Ok(RegistryFile::new(&self.config.data_dir).load()?.active)
    }

    /// Tokens are in the OS keyring (not memory only, not unavailable).
    async fn keyring_in_use(&self) -> bool {
        matches!(*self.vault.read().await, VaultStatus::Keyring { .. })
    }

    /// The client, or the error the UI shows instead.
    pub async fn courier(&self) -> Result<Arc<Courier>> {
        match (&*self.courier.read().await, &*self.vault.read().await) {
            (Some(courier), _) => Ok(Arc::clone(courier)),
            (None, VaultStatus::Unavailable { reason, .. }) => Err(Error::KeyringUnavailable {
                reason: reason.clone(),
                remedy: KEYRING_REMEDY,
            }),
            (None, _) => Err(Error::Keyring("the token store is not ready".into())),
        }
    }

    /// Everything the UI needs to draw itself.
    pub async fn snapshot(&self) -> Result<AppSnapshot> {
        let registry = RegistryFile::new(&self.config.data_dir).load()?;
        let welcome_done = self.settings().welcome_done || !registry.accounts.is_empty();
        Ok(AppSnapshot {
            accounts: AccountView::list(&registry),
            vault: self.vault.read().await.clone(),
            welcome_done,
            default_server: self.config.default_server.clone(),
        })
    }

    /// After anything that changed the accounts: the live updates follow them, and
    /// the new snapshot is pushed as `account_changed` (other views refresh from it)
    /// and returned.
    pub async fn accounts_changed(&self) -> Result<AppSnapshot> {
        self.sync_live_updates().await;
        let snapshot = self.snapshot().await?;
        self.shell.emit(UiEvent::AccountChanged(snapshot.clone()));
        Ok(snapshot)
    }

    /// The result of an account API call as the UI receives it. When the server has
    /// ended the sign-in the account is now marked signed out: push the new account
    /// list first.
    pub async fn answer<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(Error::ReauthRequired { .. }) = &result {
            let _ = self.accounts_changed().await;
        }
        result
    }

    fn settings_path(&self) -> PathBuf {
        self.config.data_dir.join("desktop.json")
    }

    fn settings(&self) -> DesktopSettings {
        std::fs::read(self.settings_path())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Remembers that the welcome was passed (Skip, or a first sign-in).
    pub fn mark_welcome_done(&self) -> Result<()> {
        let path = self.settings_path();
        let local = |reason: String| Error::LocalData {
            path: path.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(&self.config.data_dir).map_err(|error| local(error.to_string()))?;
        let json = serde_json::to_vec(&DesktopSettings { welcome_done: true })
            .map_err(|error| local(error.to_string()))?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|error| local(error.to_string()))
    }

    /// Starts a sign-in (the browser opens); a previous one still waiting is
    /// cancelled first. It is waited for in the background; when it ends the UI gets
    /// `account_changed` and then `signin_progress`, and a success brings the window
    /// to the front.
    pub async fn start_sign_in(self: &Arc<Self>, choice: SignInChoice) -> Result<SignInStarted> {
        let courier = self.courier().await?;
        self.pending.cancel_previous().await;
        let attempt = courier.start_sign_in(None, choice.into()).await?;
        let number = self.pending.next_attempt();
        let started = SignInStarted {
            attempt: number,
            url: attempt.url().to_owned(),
            deadline: attempt.deadline(),
            browser_error: attempt.browser_error().map(str::to_owned),
        };
        self.pending
            .wait_for(number, started.url.clone(), attempt.canceller())
            .await;
        let state = Arc::clone(self);
        tokio::spawn(async move { state.finish_sign_in(courier, attempt, number).await });
        Ok(started)
    }

    async fn finish_sign_in(&self, courier: Arc<Courier>, attempt: SignInAttempt, number: u32) {
        let outcome = courier.finish_sign_in(attempt).await;
        self.pending.ended(number).await;
        let progress = match outcome {
            Ok(account) => {
                self.live.start(&courier, &account.id).await;
                if let Err(error) = self.mark_welcome_done() {
                    tracing::warn!(%error, "could not remember that the welcome was passed");
                }
                self.shell.bring_to_front();
                SignInProgress::SignedIn {
                    attempt: number,
                    account: AccountView::new(&account, true),
                }
            }
            Err(error) => {
                if let Error::KeyringUnavailable { reason, .. } = &error {
                    self.keyring_lost(reason.clone()).await;
                }
                let (kind, message) = (error.kind().to_owned(), error.to_string());
                SignInProgress::Failed {
                    attempt: number,
                    kind,
                    message,
                }
            }
        };
        // Accounts first, then the outcome: the UI reads the new account from the snapshot.
        if let Ok(snapshot) = self.snapshot().await {
            self.shell.emit(UiEvent::AccountChanged(snapshot));
        }
        self.shell.emit(UiEvent::SignInProgress(progress));
    }

    /// Opens the waiting sign-in's URL in the browser again.
    pub async fn reopen_browser(&self) -> Result<()> {
        let url = self
            .pending
            .url()
            .await
            .ok_or_else(|| Error::sign_in(SignInFailure::Cancelled))?;
        SystemBrowser.open(&url).map_err(Error::Browser)
    }

    /// Skip: stops waiting; the background task reports `sign_in_cancelled`.
    pub async fn cancel_sign_in(&self) -> Result<()> {
        self.pending.cancel().await;
        Ok(())
    }

    /// Brings the live updates in step with the accounts. Accounts already listed get
    /// a channel only while their tokens are in the keyring: with tokens kept in
    /// memory for this run, only the accounts signed in during it have any.
    pub async fn sync_live_updates(&self) {
        let courier = self.courier().await.ok();
        let start_missing = self.keyring_in_use().await;
        self.live.sync(courier.as_ref(), start_missing).await;
    }

    /// Starts the live updates and turns what they report into UI events, for as long
    /// as the app runs (spawn the future once, at start). A revoked session is an
    /// `account_changed` snapshot showing the account signed out; a changed profile is
    /// `profile_changed`, then `account_changed` once the account menu's copy is
    /// re-read. Connection state is only logged until a sync indicator needs it.
    pub fn follow_live_updates(self: &Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        let outcomes = self.live.take_outcomes();
        let state = Arc::clone(self);
        async move {
            state.sync_live_updates().await;
            let Some(mut outcomes) = outcomes else {
                return;
            };
            while let Some(outcome) = outcomes.recv().await {
                state.live_update(outcome).await;
            }
        }
    }

    /// Runs the sync of the accounts' workspaces for as long as the app runs (spawn the
    /// future once, at start): see [`work_sync`].
    pub fn follow_work_sync(self: &Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        let inbox = self.work_sync.take_inbox();
        let state = Arc::clone(self);
        async move {
            if let Some(inbox) = inbox {
                work_sync::run(state, inbox).await;
            }
        }
    }

    /// Where `account_id`'s sync stands.
    pub fn sync_status(&self, account_id: &str) -> SyncStatus {
        self.work_sync.status(account_id)
    }

    /// **Sync now**: a round for the account (and whatever the server has that this
    /// device does not) at once.
    pub fn sync_now(&self, account_id: &str) {
        self.work_sync.wake(Wake::Account(account_id.to_owned()));
    }

    /// Unlocks `account_id`'s synced secrets here with `recovery_key`
    /// ([`work_keys::unlock`]), then syncs the account so the keys come down.
    pub async fn unlock_secrets(&self, account_id: &str, recovery_key: &str) -> Result<()> {
        work_keys::unlock(&*self.courier().await?, account_id, recovery_key).await?;
        self.work_sync.wake(Wake::Account(account_id.to_owned()));
        Ok(())
    }

    /// The recovery key this device keeps for `account_id` ([`work_keys::recovery_key`]).
    pub async fn recovery_key(&self, account_id: &str) -> Result<Option<String>> {
        work_keys::recovery_key(&*self.courier().await?, account_id).await
    }

    async fn live_update(&self, outcome: AccountEvent) {
        match outcome {
            AccountEvent::SessionRevoked { account_id } => {
                tracing::info!(account = %account_id, "the server ended this sign-in");
                self.out_of_touch_set().remove(&account_id);
                let _ = self.accounts_changed().await;
            }
            AccountEvent::ProfileChanged { account_id } => self.profile_changed(account_id).await,
            AccountEvent::TeamsChanged {
                account_id,
                team_id,
            } => {
                // Someone joined or left: the team's workspaces' keys may need sharing
                // with a newcomer, or a new version (the account's whole round).
                self.work_sync.wake(Wake::Account(account_id.clone()));
                self.shell.emit(UiEvent::TeamsChanged(TeamsChangedEvent {
                    account_id,
                    team_id: Some(team_id),
                }));
            }
            AccountEvent::Connected { account_id } => {
                tracing::debug!(account = %account_id, "events channel live");
                // What changed on the server while nobody listened, and what waits here.
                self.work_sync.wake(Wake::Account(account_id.clone()));
                let was_out_of_touch = self.out_of_touch_set().remove(&account_id);
                if was_out_of_touch {
                    // Teams and profile may have changed while nobody listened (a
                    // laptop asleep, a network gone): the screens read them again.
                    self.shell.emit(UiEvent::TeamsChanged(TeamsChangedEvent {
                        account_id: account_id.clone(),
                        team_id: None,
                    }));
                    self.profile_changed(account_id).await;
                }
            }
            AccountEvent::WorkspaceChanged {
                account_id,
                workspace_id,
                seq,
            } => self.work_sync.wake(Wake::Workspace {
                account: account_id,
                workspace: workspace_id,
                seq,
            }),
            // The account's whole round settles its keys, and removes a workspace the
            // server no longer lists.
            AccountEvent::WorkspaceKeysChanged { account_id, .. }
            | AccountEvent::WorkspaceDeleted { account_id, .. } => {
                self.work_sync.wake(Wake::Account(account_id));
            }
            AccountEvent::BillingChanged {
                account_id,
                team_id,
            } => self
                .shell
                .emit(UiEvent::BillingChanged(BillingChangedEvent {
                    account_id,
                    team_id,
                })),
            AccountEvent::Disconnected { account_id, reason } => {
                tracing::info!(account = %account_id, %reason, "events channel lost; reconnecting");
                self.out_of_touch_set().insert(account_id);
            }
        }
    }

    fn out_of_touch_set(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        // A set of ids cannot be left half-changed: a poisoned lock is still usable.
        self.out_of_touch
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The profile or email of `account_id` changed: the screens read it again, and
    /// the account menu's name and picture (kept in the account list) follow.
    async fn profile_changed(&self, account_id: String) {
        self.shell
            .emit(UiEvent::ProfileChanged(ProfileChangedEvent {
                account_id: account_id.clone(),
            }));
        if let Ok(courier) = self.courier().await
            && courier.api(&account_id).profile().await.is_ok()
            && let Ok(snapshot) = self.snapshot().await
        {
            self.shell.emit(UiEvent::AccountChanged(snapshot));
        }
    }
}

impl SyncHost for DesktopState {
    async fn courier(&self) -> Option<Arc<Courier>> {
        DesktopState::courier(self).await.ok()
    }

    async fn database(&self) -> Option<courier_workspace::db::WorkspaceDb> {
        self.work().await.ok().map(|work| work.db().clone())
    }

    fn sync(&self) -> &WorkSync {
        &self.work_sync
    }

    fn status_changed(&self, status: SyncStatus) {
        self.shell.emit(UiEvent::SyncStatus(status));
    }

    fn work_changed(&self, changed: work_sync::WorkChanged) {
        self.shell.emit(UiEvent::WorkChanged(changed));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A shell that remembers what the UI was told.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<UiEvent>>);

    impl Shell for Recorder {
        fn emit(&self, event: UiEvent) {
            self.0.lock().unwrap().push(event);
        }

        fn bring_to_front(&self) {}
    }

    #[test]
    fn the_state_runs_without_a_window_and_tells_its_shell_what_changed() {
        let data = tempfile::tempdir().unwrap();
        let config =
            ClientConfig::for_data_dir(data.path(), "courier-state-test", "http://127.0.0.1:1");
        let shell = Arc::new(Recorder::default());
        // Opened outside any runtime, as the desktop opens it.
        let state = DesktopState::with_config(config, shell.clone());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            state.use_memory_vault().await;
            state.mark_welcome_done().unwrap();
            let snapshot = state.accounts_changed().await.unwrap();
            assert!(snapshot.welcome_done);
            assert!(snapshot.accounts.is_empty());
            assert!(matches!(snapshot.vault, VaultStatus::MemoryOnly { .. }));
            {
                let told = shell.0.lock().unwrap();
                assert_eq!(told.as_slice(), [UiEvent::AccountChanged(snapshot)]);
                assert_eq!(told[0].name(), "account_changed");
            }

            // Without a keyring the work opens with secrets for this session only.
            let work = state.work().await.unwrap();
            let list = work.list(None).await.unwrap();
            assert_eq!(list.secrets, courier_workspace::db::SecretsMode::MemoryOnly);
            assert!(data.path().join(super::work::DATABASE_FILE).exists());
        });
    }

    #[tokio::test]
    async fn a_channel_back_after_a_gap_has_the_screens_read_teams_and_profile_again() {
        let data = tempfile::tempdir().unwrap();
        let config =
            ClientConfig::for_data_dir(data.path(), "courier-state-test", "http://127.0.0.1:1");
        let shell = Arc::new(Recorder::default());
        let state = DesktopState::with_config(config, shell.clone());
        state.use_memory_vault().await;
        let connected = || AccountEvent::Connected {
            account_id: "a".into(),
        };
        let told = |shell: &Recorder| -> Vec<&'static str> {
            shell
                .0
                .lock()
                .unwrap()
                .drain(..)
                .map(|event| event.name())
                .collect()
        };

        state.live_update(connected()).await;
        assert!(
            told(&shell).is_empty(),
            "the first connection misses nothing"
        );

        state
            .live_update(AccountEvent::Disconnected {
                account_id: "a".into(),
                reason: "network".into(),
            })
            .await;
        state.live_update(connected()).await;
        let events = shell.0.lock().unwrap().clone();
        assert_eq!(
            events.first(),
            Some(&UiEvent::TeamsChanged(TeamsChangedEvent {
                account_id: "a".into(),
                team_id: None,
            }))
        );
        assert_eq!(told(&shell), ["teams_changed", "profile_changed"]);

        state.live_update(connected()).await;
        assert!(
            told(&shell).is_empty(),
            "only the first connection after a gap"
        );
    }

    #[tokio::test]
    async fn a_billing_change_at_the_server_reaches_the_ui_for_its_team() {
        let data = tempfile::tempdir().unwrap();
        let config =
            ClientConfig::for_data_dir(data.path(), "courier-state-test", "http://127.0.0.1:1");
        let shell = Arc::new(Recorder::default());
        let state = DesktopState::with_config(config, shell.clone());
        state
            .live_update(AccountEvent::BillingChanged {
                account_id: "a".into(),
                team_id: "t1".into(),
            })
            .await;
        let told = shell.0.lock().unwrap().clone();
        assert_eq!(
            told,
            [UiEvent::BillingChanged(BillingChangedEvent {
                account_id: "a".into(),
                team_id: "t1".into(),
            })]
        );
        assert_eq!(told[0].name(), "billing_changed");
    }

    /// A shell whose dialog answers with the file named like the choice's title.
    struct Chooser(PathBuf);

    impl Shell for Chooser {
        fn emit(&self, _: UiEvent) {}

        fn bring_to_front(&self) {}

        fn choose_file(&self, choice: &FileChoice) -> Option<PathBuf> {
            match choice {
                FileChoice::Open { title, .. } if title == "cancel" => None,
                FileChoice::Open { title, .. } | FileChoice::Save { title, .. } => {
                    Some(self.0.join(title))
                }
            }
        }
    }

    #[tokio::test]
    async fn a_file_is_chosen_by_the_shell_and_a_cancelled_dialog_is_none() {
        let data = tempfile::tempdir().unwrap();
        let config =
            ClientConfig::for_data_dir(data.path(), "courier-state-test", "http://127.0.0.1:1");
        let state = DesktopState::with_config(config, Arc::new(Chooser(data.path().into())));
        let save = FileChoice::Save {
            title: "export.json".into(),
            suggested_name: "Orders.postman_collection.json".into(),
        };
        assert_eq!(
            state.choose_file(save).await.unwrap(),
            Some(data.path().join("export.json"))
        );
        let cancelled = FileChoice::Open {
            title: "cancel".into(),
            extensions: vec!["json".into()],
        };
        assert_eq!(state.choose_file(cancelled).await.unwrap(), None);
    }
}

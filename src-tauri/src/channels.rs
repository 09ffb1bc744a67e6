//! One events channel (`courier_client::events`) per signed-in account, kept in step
//! with the account list, and what their outcomes become in the UI: a revoked session
//! is an `account_changed` snapshot showing the account signed out, a changed profile
//! is `profile_changed` (then `account_changed` once the account menu's copy is
//! re-read). Connection state is only logged until a sync indicator needs it.

use std::collections::HashMap;
use std::sync::Arc;

use courier_client::Courier;
use courier_client::channel::{self, AccountEvent, EventsHandle, EventsOptions};
use courier_client::view::ProfileChangedEvent;
use tauri::{AppHandle, Manager as _, Runtime};
use tokio::sync::{Mutex, mpsc};

use crate::events as ui;
use crate::state::DesktopState;

/// The running channels and where their outcomes go.
pub struct Channels {
    running: Mutex<HashMap<String, Running>>,
    sink: mpsc::UnboundedSender<AccountEvent>,
    outcomes: std::sync::Mutex<Option<mpsc::UnboundedReceiver<AccountEvent>>>,
}

struct Running {
    /// The client it was started with: a new token store means a new client.
    courier: Arc<Courier>,
    handle: EventsHandle,
}

impl Default for Channels {
    fn default() -> Self {
        let (sink, outcomes) = mpsc::unbounded_channel();
        Self {
            running: Mutex::default(),
            sink,
            outcomes: std::sync::Mutex::new(Some(outcomes)),
        }
    }
}

impl Channels {
    /// Starts (or restarts) the channel of `account_id`, just signed in.
    pub async fn start(&self, courier: &Arc<Courier>, account_id: &str) {
        let mut running = self.running.lock().await;
        if let Some(old) = running.remove(account_id) {
            old.handle.stop().await;
        }
        running.insert(account_id.to_owned(), self.spawn(courier, account_id));
    }

    fn spawn(&self, courier: &Arc<Courier>, account_id: &str) -> Running {
        Running {
            courier: Arc::clone(courier),
            handle: channel::spawn(
                Arc::clone(courier),
                account_id.to_owned(),
                EventsOptions::default(),
                self.sink.clone(),
            ),
        }
    }

    /// Stops the channels of accounts that are gone, signed out or belong to a
    /// replaced client; with `start_missing`, starts one for every other signed-in
    /// account. Idempotent: called after anything that changes the accounts.
    pub async fn sync(&self, courier: Option<&Arc<Courier>>, start_missing: bool) {
        let registry = match courier {
            Some(courier) => courier.registry().await.ok(),
            None => None,
        };
        let signed_in: Vec<String> = registry
            .iter()
            .flat_map(|registry| &registry.accounts)
            .filter(|account| !account.signed_out)
            .map(|account| account.id.clone())
            .collect();
        let mut running = self.running.lock().await;
        let stale: Vec<String> = running
            .iter()
            .filter(|(id, channel)| {
                channel.handle.is_finished()
                    || !signed_in.contains(id)
                    || !courier.is_some_and(|courier| Arc::ptr_eq(courier, &channel.courier))
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in stale {
            if let Some(channel) = running.remove(&id) {
                channel.handle.stop().await;
            }
        }
        if let (Some(courier), true) = (courier, start_missing) {
            for id in signed_in {
                if let std::collections::hash_map::Entry::Vacant(slot) = running.entry(id) {
                    let channel = self.spawn(courier, slot.key());
                    slot.insert(channel);
                }
            }
        }
    }

    fn take_outcomes(&self) -> Option<mpsc::UnboundedReceiver<AccountEvent>> {
        self.outcomes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

/// Brings the channels in step with the accounts. Accounts already listed get a
/// channel only while their tokens are in the keyring: with tokens kept in memory
/// for this run, only the accounts signed in during it have any.
pub async fn sync(state: &DesktopState) {
    let courier = state.courier().await.ok();
    let start_missing = state.keyring_in_use().await;
    state.channels.sync(courier.as_ref(), start_missing).await;
}

/// Turns the channels' outcomes into UI events, for as long as the app runs.
pub fn forward<R: Runtime>(app: AppHandle<R>) {
    let Some(mut outcomes) = app.state::<DesktopState>().channels.take_outcomes() else {
        return;
    };
    tauri::async_runtime::spawn(async move {
        while let Some(outcome) = outcomes.recv().await {
            let state = app.state::<DesktopState>();
            match outcome {
                AccountEvent::SessionRevoked { account_id } => {
                    tracing::info!(account = %account_id, "the server ended this sign-in");
                    sync(&state).await;
                    if let Ok(snapshot) = state.snapshot().await {
                        ui::account_changed(&app, &snapshot);
                    }
                }
                AccountEvent::ProfileChanged { account_id } => {
                    ui::profile_changed(
                        &app,
                        &ProfileChangedEvent {
                            account_id: account_id.clone(),
                        },
                    );
                    // The account menu shows the name and picture kept in the account
                    // list; reading the profile updates them.
                    if let Ok(courier) = state.courier().await
                        && courier.api(&account_id).profile().await.is_ok()
                        && let Ok(snapshot) = state.snapshot().await
                    {
                        ui::account_changed(&app, &snapshot);
                    }
                }
                AccountEvent::Connected { account_id } => {
                    tracing::debug!(account = %account_id, "events channel live");
                }
                AccountEvent::Disconnected { account_id, reason } => {
                    tracing::info!(account = %account_id, %reason, "events channel lost; reconnecting");
                }
            }
        }
    });
}

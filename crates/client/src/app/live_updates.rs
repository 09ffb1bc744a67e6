//! Live updates: one events channel ([`crate::channel`]) per signed-in account, kept
//! in step with the account list. What the channels report is queued for the owner
//! (the desktop state), which decides what the UI is told; this module knows
//! nothing of the UI or of the state that owns it.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{Mutex, mpsc};

use crate::channel::{self, AccountEvent, EventsHandle, EventsOptions};
use crate::courier::Courier;

/// The running channels and where their outcomes go.
pub(super) struct LiveUpdates {
    running: Mutex<HashMap<String, Running>>,
    sink: mpsc::UnboundedSender<AccountEvent>,
    outcomes: std::sync::Mutex<Option<mpsc::UnboundedReceiver<AccountEvent>>>,
}

struct Running {
    /// The client it was started with: a new token store means a new client.
    courier: Arc<Courier>,
    handle: EventsHandle,
}

impl Default for LiveUpdates {
    fn default() -> Self {
        let (sink, outcomes) = mpsc::unbounded_channel();
        Self {
            running: Mutex::default(),
            sink,
            outcomes: std::sync::Mutex::new(Some(outcomes)),
        }
    }
}

impl LiveUpdates {
    /// Starts (or restarts) the channel of `account_id`, just signed in.
    pub(super) async fn start(&self, courier: &Arc<Courier>, account_id: &str) {
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
    pub(super) async fn sync(&self, courier: Option<&Arc<Courier>>, start_missing: bool) {
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

    /// What the channels report, for the one owner that reads it (`None` once taken).
    pub(super) fn take_outcomes(&self) -> Option<mpsc::UnboundedReceiver<AccountEvent>> {
        self.outcomes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

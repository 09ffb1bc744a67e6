//! The event hub, the server side of `/api/v1/events`: publishers (session
//! revocation, profile and team changes) send to an account, and every open events
//! channel of that account receives the event, on whichever server instance it is
//! open. The hub delivers to this instance's channels at once and hands the event to
//! its [`EventBus`], which carries it to the other instances (none with the embedded
//! SQLite store; PostgreSQL `LISTEN/NOTIFY` in [`super::bus_postgres`] when several
//! instances share a database).
//!
//! Every event this instance learns of passes one place ([`LocalChannels::deliver`]),
//! so that is where the [`AccessCache`] forgets what the event may have changed, before
//! any channel hears of it. With a bus (instances sharing a database) the cache answers
//! only while the bus is heard ([`AccessCache::shared`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use courier_proto::ServerEvent;
use tokio::sync::broadcast;

use super::access_cache::AccessCache;

/// Events an account's channels have not read yet; a channel that falls this far
/// behind is told it lagged and closes (the app reconnects and re-reads its state).
const BACKLOG: usize = 16;

/// What a channel receives.
pub type Event = Arc<ServerEvent>;

/// Carries events to the other server instances, which deliver them to their own
/// channels ([`LocalChannels::deliver`]). A bus may lose an event (a dropped database
/// connection); it then calls [`LocalChannels::missed_events`], so the apps listening
/// there reconnect and read their state again.
pub trait EventBus: Send + Sync {
    fn send(&self, user_id: &str, event: &ServerEvent);
}

/// One instance alone: nothing to carry.
struct NoOtherInstances;

impl EventBus for NoOtherInstances {
    fn send(&self, _user_id: &str, _event: &ServerEvent) {}
}

pub struct EventHub {
    local: Arc<LocalChannels>,
    bus: Box<dyn EventBus>,
}

impl Default for EventHub {
    fn default() -> Self {
        Self {
            local: Arc::default(),
            bus: Box::new(NoOtherInstances),
        }
    }
}

impl EventHub {
    /// A hub whose events also travel on a bus; `connect` receives the channels the
    /// bus delivers other instances' events to.
    async fn with_bus<B, F>(
        connect: impl FnOnce(Arc<LocalChannels>) -> F,
    ) -> crate::error::Result<Self>
    where
        B: EventBus + 'static,
        F: Future<Output = crate::error::Result<B>>,
    {
        // Another instance's change reaches this one on the bus, or not at all.
        let local = Arc::new(LocalChannels {
            accounts: Mutex::default(),
            access: AccessCache::shared(),
        });
        let bus = connect(Arc::clone(&local)).await?;
        Ok(Self {
            local,
            bus: Box::new(bus),
        })
    }

    /// The hub for a server on the database `url`: with the PostgreSQL bus when other
    /// instances may share it, alone otherwise.
    pub async fn for_database(url: &str) -> crate::error::Result<Self> {
        if url.starts_with("postgres") {
            Self::with_bus(|local| super::bus_postgres::PgBus::connect(url, local)).await
        } else {
            Ok(Self::default())
        }
    }

    /// Starts receiving the events of `user_id`.
    pub fn subscribe(&self, user_id: &str) -> broadcast::Receiver<Event> {
        self.local.subscribe(user_id)
    }

    /// Sends `event` to every open channel of `user_id`, here and on the other instances.
    pub fn publish(&self, user_id: &str, event: ServerEvent) {
        self.bus.send(user_id, &event);
        self.local.deliver(user_id, event);
    }

    /// Tells `user_id`'s channels that these sessions were revoked.
    pub fn sessions_revoked(&self, user_id: &str, session_ids: &[String]) {
        for session_id in session_ids {
            self.publish(
                user_id,
                ServerEvent::SessionRevoked {
                    session_id: session_id.clone(),
                },
            );
        }
    }

    /// What this instance remembers of access tokens, kept in step with the events.
    pub fn access_cache(&self) -> &AccessCache {
        &self.local.access
    }

    /// Accounts with at least one channel open (for tests).
    #[cfg(test)]
    pub fn open_accounts(&self) -> usize {
        self.local.open_accounts()
    }
}

/// This instance's open channels, by account, and its copies of account data.
#[derive(Default)]
pub struct LocalChannels {
    accounts: Mutex<HashMap<String, broadcast::Sender<Event>>>,
    access: AccessCache,
}

impl LocalChannels {
    /// Starts receiving the events of `user_id`.
    pub fn subscribe(&self, user_id: &str) -> broadcast::Receiver<Event> {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        accounts
            .entry(user_id.to_owned())
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    /// Sends `event` to this instance's open channels of `user_id` (none: nothing to do).
    pub fn deliver(&self, user_id: &str, event: ServerEvent) {
        // Team changes touch nothing a token's context or a profile holds; any other
        // event (a session ended, the profile or address changed) may.
        if !matches!(event, ServerEvent::TeamsChanged { .. }) {
            self.access.account_changed(user_id);
        }
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = accounts.get(user_id)
            && sender.send(Arc::new(event)).is_err()
        {
            // Every channel of the account has closed since it last had one.
            accounts.remove(user_id);
        }
    }

    /// What this instance remembers of access tokens (the bus reports its heartbeats).
    pub fn access_cache(&self) -> &AccessCache {
        &self.access
    }

    /// Events may have been lost on their way here: every channel is closed (they
    /// see [`broadcast::error::RecvError::Closed`]), and the apps reconnect and read
    /// their state again; the access cache forgets everything.
    pub fn missed_events(&self) {
        self.access.bus_lost();
        self.accounts
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Accounts with at least one channel open (for tests).
    #[cfg(test)]
    pub fn open_accounts(&self) -> usize {
        let accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        accounts
            .values()
            .filter(|sender| sender.receiver_count() > 0)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_account_s_channels_get_its_events_and_no_one_else_s() {
        let hub = EventHub::default();
        let mut ada_desktop = hub.subscribe("ada");
        let mut ada_laptop = hub.subscribe("ada");
        let mut grace = hub.subscribe("grace");
        hub.sessions_revoked("ada", &["g1".to_owned()]);
        let expected = ServerEvent::SessionRevoked {
            session_id: "g1".into(),
        };
        assert_eq!(
            *ada_desktop.recv().await.unwrap_or_else(|e| panic!("{e}")),
            expected
        );
        assert_eq!(
            *ada_laptop.recv().await.unwrap_or_else(|e| panic!("{e}")),
            expected
        );
        assert!(grace.try_recv().is_err());
    }

    #[test]
    fn an_account_whose_channels_all_closed_is_forgotten_at_the_next_event() {
        let hub = EventHub::default();
        drop(hub.subscribe("ada"));
        assert_eq!(hub.open_accounts(), 0);
        hub.publish("ada", ServerEvent::ProfileChanged);
        assert!(
            hub.local
                .accounts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty()
        );
    }
}

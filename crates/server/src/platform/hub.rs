//! The in-process event hub, the server side of `/api/v1/events`: publishers (session
//! revocation, profile changes) send to an account, and every open events channel of
//! that account receives the event. One process only; several servers behind a load
//! balancer would put a shared bus (PostgreSQL `LISTEN/NOTIFY`, Redis) behind the
//! same two methods.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use courier_proto::ServerEvent;
use tokio::sync::broadcast;

/// Events an account's channels have not read yet; a channel that falls this far
/// behind is told it lagged and closes (the app reconnects and re-reads its state).
const BACKLOG: usize = 16;

/// What a channel receives.
pub type Event = Arc<ServerEvent>;

#[derive(Default)]
pub struct EventHub {
    accounts: Mutex<HashMap<String, broadcast::Sender<Event>>>,
}

impl EventHub {
    /// Starts receiving the events of `user_id`.
    pub fn subscribe(&self, user_id: &str) -> broadcast::Receiver<Event> {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        accounts
            .entry(user_id.to_owned())
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    /// Sends `event` to every open channel of `user_id` (none open: nothing to do).
    pub fn publish(&self, user_id: &str, event: ServerEvent) {
        let mut accounts = self.accounts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = accounts.get(user_id)
            && sender.send(Arc::new(event)).is_err()
        {
            // Every channel of the account has closed since it last had one.
            accounts.remove(user_id);
        }
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
            hub.accounts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty()
        );
    }
}

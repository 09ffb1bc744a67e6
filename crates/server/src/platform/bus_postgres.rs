//! The event bus between server instances that share a PostgreSQL database:
//! `NOTIFY courier_events` carries each published event (a few hundred bytes of JSON:
//! the sending instance, the account, the event) and every instance `LISTEN`s on one
//! connection of its own, delivering what other instances sent to its channels. Events
//! are sent in the order they were published, from one task.
//!
//! PostgreSQL keeps no notification for a listener that was disconnected, so when the
//! listening connection drops, this instance's channels are closed
//! ([`LocalChannels::missed_events`]): the apps reconnect (to any instance) and read
//! their sessions, profile and teams again from the database. A lost notification
//! costs a reconnect, never a stale screen.
//!
//! Every second the instance also sends a numbered heartbeat on `courier_heartbeats`
//! and listens for its own: the access cache answers only while they come back
//! ([`crate::platform::access_cache`]), so a listening connection that died without
//! saying so turns the cache off within two seconds.

use std::sync::Arc;
use std::time::Duration;

use courier_proto::ServerEvent;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::hub::{EventBus, LocalChannels};
use crate::error::{Error, Result};

/// The notification channel every instance listens on.
const CHANNEL: &str = "courier_events";
/// The channel of the heartbeats: `"{instance} {number}"`.
const HEARTBEAT_CHANNEL: &str = "courier_heartbeats";
/// How long a listener that failed to reconnect waits before trying again.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);
/// How often an instance sends a heartbeat.
const HEARTBEAT_EVERY: Duration = Duration::from_secs(1);

/// What one notification carries.
#[derive(Serialize, Deserialize)]
struct Notice {
    /// The instance that published it (it delivered to its own channels already).
    from: String,
    user_id: String,
    event: ServerEvent,
}

/// The PostgreSQL bus: a sending task and a listening task.
pub struct PgBus {
    instance: String,
    outgoing: mpsc::UnboundedSender<String>,
    tasks: [JoinHandle<()>; 2],
}

impl PgBus {
    /// Listens on the database at `url` and delivers other instances' events to `local`.
    pub async fn connect(url: &str, local: Arc<LocalChannels>) -> Result<Self> {
        let mut listener = PgListener::connect(url).await.map_err(store_error)?;
        listener
            .listen_all([CHANNEL, HEARTBEAT_CHANNEL])
            .await
            .map_err(store_error)?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(url)
            .await
            .map_err(store_error)?;
        let instance = uuid::Uuid::new_v4().simple().to_string();
        let (outgoing, queue) = mpsc::unbounded_channel();
        let tasks = [
            tokio::spawn(send_forever(
                pool,
                queue,
                instance.clone(),
                Arc::clone(&local),
            )),
            tokio::spawn(listen_forever(listener, instance.clone(), local)),
        ];
        Ok(Self {
            instance,
            outgoing,
            tasks,
        })
    }
}

impl Drop for PgBus {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

impl EventBus for PgBus {
    fn send(&self, user_id: &str, event: &ServerEvent) {
        let notice = Notice {
            from: self.instance.clone(),
            user_id: user_id.to_owned(),
            event: event.clone(),
        };
        match serde_json::to_string(&notice) {
            // Fails only once the sending task has stopped (the server is stopping).
            Ok(payload) => drop(self.outgoing.send(payload)),
            Err(error) => tracing::warn!(%error, "an event could not be encoded for the bus"),
        }
    }
}

fn store_error(error: sqlx::Error) -> Error {
    Error::Store(error.into())
}

/// Sends the queued events in order, and a heartbeat every [`HEARTBEAT_EVERY`].
async fn send_forever(
    pool: PgPool,
    mut queue: mpsc::UnboundedReceiver<String>,
    instance: String,
    local: Arc<LocalChannels>,
) {
    let mut heartbeats = tokio::time::interval(HEARTBEAT_EVERY);
    heartbeats.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut number: u64 = 0;
    loop {
        tokio::select! {
            payload = queue.recv() => {
                let Some(payload) = payload else { return };
                if let Err(error) = notify(&pool, CHANNEL, &payload).await {
                    tracing::warn!(%error, "an event could not reach the other server instances");
                }
            }
            _ = heartbeats.tick() => {
                number += 1;
                match notify(&pool, HEARTBEAT_CHANNEL, &format!("{instance} {number}")).await {
                    Ok(()) => local.access_cache().heartbeat_sent(number),
                    Err(error) => tracing::debug!(%error, "a heartbeat could not be sent"),
                }
            }
        }
    }
}

async fn notify(pool: &PgPool, channel: &str, payload: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(channel)
        .bind(payload)
        .execute(pool)
        .await
        .map(drop)
}

async fn listen_forever(mut listener: PgListener, instance: String, local: Arc<LocalChannels>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) if notification.channel() == HEARTBEAT_CHANNEL => {
                if let Some((from, number)) = notification.payload().split_once(' ')
                    && from == instance
                    && let Ok(number) = number.parse()
                {
                    local.access_cache().heartbeat_heard(number);
                }
            }
            Ok(Some(notification)) => {
                match serde_json::from_str::<Notice>(notification.payload()) {
                    Ok(notice) if notice.from != instance => {
                        local.deliver(&notice.user_id, notice.event);
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "an event on the bus could not be read"),
                }
            }
            // The connection dropped; the next call reconnects and listens again.
            Ok(None) => {
                tracing::warn!("the event bus lost its database connection; reconnecting");
                local.missed_events();
            }
            Err(error) => {
                tracing::warn!(%error, "the event bus could not reconnect to the database");
                local.missed_events();
                tokio::time::sleep(RECONNECT_PAUSE).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::broadcast::error::RecvError;
    use tokio::time::timeout;

    use super::*;
    use crate::platform::hub::EventHub;

    /// Only a failing test waits this long.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// The tests share the cluster's notification channel, and one of them cuts every
    /// listening connection: they run one at a time.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    /// The throwaway cluster of `scripts/with-postgres.sh`; `None` (test skipped) only
    /// outside CI, where the test command always provides one.
    fn database() -> Option<String> {
        match std::env::var("COURIER_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => Some(url),
            _ if std::env::var_os("CI").is_some() => {
                panic!("COURIER_TEST_POSTGRES_URL is unset: run under scripts/with-postgres.sh")
            }
            _ => {
                eprintln!("skipped: no PostgreSQL (run under scripts/with-postgres.sh)");
                None
            }
        }
    }

    async fn next(
        channel: &mut tokio::sync::broadcast::Receiver<super::super::hub::Event>,
    ) -> ServerEvent {
        let event = timeout(PATIENCE, channel.recv()).await;
        (*event.expect("no event in time").expect("channel closed")).clone()
    }

    /// Waits until `hub`'s access cache answers (its heartbeats come back).
    async fn cache_answers(hub: &EventHub) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !hub.access_cache().answering() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the access cache never came on"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn team(id: &str) -> ServerEvent {
        ServerEvent::TeamsChanged {
            team_id: id.to_owned(),
        }
    }

    #[tokio::test]
    async fn an_event_published_on_one_instance_reaches_channels_on_both_once() {
        let Some(url) = database() else { return };
        let _alone = ONE_AT_A_TIME.lock().await;
        let a = EventHub::for_database(&url).await.expect("instance a");
        let b = EventHub::for_database(&url).await.expect("instance b");
        let mut on_a = a.subscribe("ada");
        let mut on_b = b.subscribe("ada");
        let mut someone_else = b.subscribe("grace");

        a.publish("ada", team("t1"));
        a.publish("ada", team("t2"));
        b.publish("ada", ServerEvent::ProfileChanged);

        // In publishing order on each instance, each event once: A's own channel got
        // its events directly and must not get them again from the bus.
        assert_eq!(next(&mut on_a).await, team("t1"));
        assert_eq!(next(&mut on_a).await, team("t2"));
        assert_eq!(next(&mut on_a).await, ServerEvent::ProfileChanged);
        assert_eq!(next(&mut on_b).await, ServerEvent::ProfileChanged);
        assert_eq!(next(&mut on_b).await, team("t1"));
        assert_eq!(next(&mut on_b).await, team("t2"));
        b.publish("grace", ServerEvent::ProfileChanged);
        assert_eq!(next(&mut someone_else).await, ServerEvent::ProfileChanged);
        assert!(on_a.try_recv().is_err() && on_b.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_dropped_listening_connection_closes_the_channels_and_the_bus_comes_back() {
        let Some(url) = database() else { return };
        let _alone = ONE_AT_A_TIME.lock().await;
        let a = EventHub::for_database(&url).await.expect("instance a");
        let b = EventHub::for_database(&url).await.expect("instance b");
        let mut on_b = b.subscribe("ada");
        cache_answers(&b).await;

        // End every listening connection, as a database restart or a network cut would.
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("admin");
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        )
        .execute(&admin)
        .await
        .expect("terminate listeners");

        // The channel on B is told it may have missed events...
        let closed = timeout(PATIENCE, on_b.recv())
            .await
            .expect("no close in time");
        assert!(matches!(closed, Err(RecvError::Closed)), "{closed:?}");
        assert!(
            !b.access_cache().answering(),
            "B's access cache no longer answers"
        );
        // ...and once B listens again, a reconnected channel hears A's events.
        let mut again = b.subscribe("ada");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            a.publish("ada", ServerEvent::ProfileChanged);
            match timeout(Duration::from_millis(200), again.recv()).await {
                Ok(Ok(event)) => {
                    assert_eq!(*event, ServerEvent::ProfileChanged);
                    break;
                }
                // Closed again: B noticed the drop only now; subscribe anew.
                Ok(Err(RecvError::Closed)) => again = b.subscribe("ada"),
                Ok(Err(error)) => panic!("{error}"),
                Err(_) => {}
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "B never heard A again"
            );
        }
        cache_answers(&b).await;
    }
}

//! Time for the client's expiry rules (the five-minute sign-in window, refreshing
//! tokens before they expire). Tests use [`ManualClock`] and move time instead of
//! sleeping; waiting on it wakes when the test advances past the deadline.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

/// Seconds since the Unix epoch.
pub type UnixTime = i64;

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> UnixTime;
    /// Resolves once `now() >= deadline`.
    fn sleep_until(&self, deadline: UnixTime) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixTime {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as UnixTime)
    }

    fn sleep_until(&self, deadline: UnixTime) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let wait = (deadline - self.now()).max(0) as u64;
        Box::pin(tokio::time::sleep(Duration::from_secs(wait)))
    }
}

/// A clock moved by hand.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<watch::Sender<UnixTime>>,
}

impl ManualClock {
    pub fn starting_now() -> Self {
        Self {
            now: Arc::new(watch::Sender::new(SystemClock.now())),
        }
    }

    pub fn advance(&self, seconds: i64) {
        self.now.send_modify(|now| *now += seconds);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> UnixTime {
        *self.now.borrow()
    }

    fn sleep_until(&self, deadline: UnixTime) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let mut changes = self.now.subscribe();
        Box::pin(async move {
            // `wait_for` checks the current value first, then every change.
            let _ = changes.wait_for(|now| *now >= deadline).await;
        })
    }
}

pub type SharedClock = Arc<dyn Clock>;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_sleep_wakes_only_when_advanced_past_the_deadline() {
        let clock = ManualClock::starting_now();
        let deadline = clock.now() + 300;
        let sleeper = tokio::spawn(clock.sleep_until(deadline));
        clock.advance(299);
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished());
        clock.advance(1);
        sleeper.await.unwrap();
    }
}

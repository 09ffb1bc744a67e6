//! The sign-in the window is waiting for: at most one at a time, each numbered so
//! the UI can tell the outcome of the attempt it shows from that of one it gave up
//! on; its URL (to open the browser again) and its canceller (for **Skip**).

use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::Mutex;

use crate::auth::signin::Canceller;

/// The numbered sign-in attempts of this run and the one being waited for.
#[derive(Default)]
pub(super) struct PendingSignIn {
    waiting: Mutex<Option<Waiting>>,
    attempts: AtomicU32,
}

struct Waiting {
    attempt: u32,
    url: String,
    canceller: Canceller,
}

impl PendingSignIn {
    /// A number for the next sign-in attempt.
    pub(super) fn next_attempt(&self) -> u32 {
        self.attempts.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Stops waiting for the attempt still waiting, if any (a new one replaces it).
    pub(super) async fn cancel_previous(&self) {
        if let Some(previous) = self.waiting.lock().await.take() {
            previous.canceller.cancel();
        }
    }

    /// Attempt `attempt` is now the one waited for.
    pub(super) async fn wait_for(&self, attempt: u32, url: String, canceller: Canceller) {
        *self.waiting.lock().await = Some(Waiting {
            attempt,
            url,
            canceller,
        });
    }

    /// Attempt `attempt` ended. A newer attempt may have replaced it; that one is
    /// left alone.
    pub(super) async fn ended(&self, attempt: u32) {
        let mut waiting = self.waiting.lock().await;
        if waiting
            .as_ref()
            .is_some_and(|waiting| waiting.attempt == attempt)
        {
            waiting.take();
        }
    }

    /// The URL of the attempt waited for.
    pub(super) async fn url(&self) -> Option<String> {
        self.waiting
            .lock()
            .await
            .as_ref()
            .map(|waiting| waiting.url.clone())
    }

    /// Skip: the attempt waited for stops; its own task reports `sign_in_cancelled`.
    pub(super) async fn cancel(&self) {
        if let Some(waiting) = self.waiting.lock().await.as_ref() {
            waiting.canceller.cancel();
        }
    }
}

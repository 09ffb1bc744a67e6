//! Housekeeping: spent proof-of-work challenges, attempt counters, readiness, and deleting rows nobody can use any
//! more. How long spent rows stay is decided here ([`Cutoffs`]), once for every backend.

use crate::{Result, UnixTime};

/// Spent codes, links and refresh tokens stay this long past expiry or use, so a late
/// replay still finds them (a replayed code or refresh token still revokes its grant;
/// a link says "already used"). A stolen refresh token is replayed by the thief or
/// the owner within one access token's life, well inside this.
const SPENT_KEPT_FOR: i64 = 24 * 60 * 60;
/// Ended grants (expired or revoked) stay this long, with their tokens, so a device
/// that signed out recently is not "new" when it signs in again.
const ENDED_GRANTS_KEPT_FOR: i64 = 30 * 24 * 60 * 60;
/// A synced operation's id is remembered this long after it was applied, so the same
/// operation delivered again (a lost answer, an app that was killed) is answered as the
/// first time. One that comes back later still loses nothing: it is judged on its base
/// revision like any other, and a device merges the refusal.
const OPERATIONS_KEPT_FOR: i64 = 30 * 24 * 60 * 60;

/// Proof-of-work replay protection, attempt counters, readiness and the purge.
#[async_trait::async_trait]
pub trait Upkeep: Send + Sync {
    /// Records a solved proof-of-work challenge; false if it was already spent.
    async fn spend_challenge(&self, digest: &str, expires_at: UnixTime) -> Result<bool>;
    /// Deletes rows that can no longer be used (expired codes, tokens, requests,
    /// sessions, links, challenges, spent refresh tokens, ended grants, delivered and
    /// abandoned mails, old synced operation ids) as [`Cutoffs`] says, so the database
    /// does not grow forever; returns how many.
    async fn purge_expired(&self, now: UnixTime) -> Result<u64>;
    /// Counts one attempt against `key` and returns the attempts counted in its
    /// window so far, this one included. The window opens at a key's first attempt
    /// and lasts `window` seconds; the first attempt after it opens a new one. Every
    /// instance on the database counts into the same window.
    async fn count_attempt(&self, key: &str, now: UnixTime, window: i64) -> Result<u32>;
    /// Forgets the attempts counted against `key`.
    async fn forget_attempts(&self, key: &str) -> Result<()>;
    /// Returns once the database has answered a query (readiness).
    async fn ping(&self) -> Result<()>;
}

/// Rows expiring at or before these times are purged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cutoffs {
    /// Access tokens, authorization requests, browser sessions, spent challenges,
    /// attempt counters whose window has passed.
    pub expired: UnixTime,
    /// Authorization codes, mail links, spent refresh tokens, and mails delivered or
    /// abandoned (their bodies are already gone; the rest records what was sent).
    pub spent: UnixTime,
    /// Grants that expired or were revoked, and everything of theirs.
    pub ended_grants: UnixTime,
    /// Ids of synced operations applied at or before this.
    pub applied_operations: UnixTime,
}

impl Cutoffs {
    pub(crate) fn at(now: UnixTime) -> Self {
        Self {
            expired: now,
            spent: now - SPENT_KEPT_FOR,
            ended_grants: now - ENDED_GRANTS_KEPT_FOR,
            applied_operations: now - OPERATIONS_KEPT_FOR,
        }
    }
}

//! Housekeeping: spent proof-of-work challenges and deleting rows nobody can use any
//! more. How long spent rows stay is decided here ([`Cutoffs`]), once for every backend.

use crate::{Result, UnixTime};

/// Spent codes and links stay this long past expiry, so a late replay still finds
/// them (a replayed code still revokes its grant; a link says "already used").
const SPENT_KEPT_FOR: i64 = 24 * 60 * 60;

/// Proof-of-work replay protection and the purge.
#[async_trait::async_trait]
pub trait Upkeep: Send + Sync {
    /// Records a solved proof-of-work challenge; false if it was already spent.
    async fn spend_challenge(&self, digest: &str, expires_at: UnixTime) -> Result<bool>;
    /// Deletes rows that can no longer be used (expired codes, tokens, requests,
    /// sessions, links, challenges) as [`Cutoffs`] says; returns how many.
    async fn purge_expired(&self, now: UnixTime) -> Result<u64>;
}

/// Rows expiring at or before these times are purged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cutoffs {
    /// Access tokens, authorization requests, browser sessions, spent challenges.
    pub expired: UnixTime,
    /// Authorization codes and mail links.
    pub spent: UnixTime,
}

impl Cutoffs {
    pub(crate) fn at(now: UnixTime) -> Self {
        Self {
            expired: now,
            spent: now - SPENT_KEPT_FOR,
        }
    }
}

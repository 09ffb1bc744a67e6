//! Outgoing mail waiting for delivery, kept in the database so a crash or a restart
//! loses none of it, and the rules every backend applies to it: a delivery holds a
//! mail for [`MAIL_LEASE`] (after a crash it is due again when that runs out), a
//! failed attempt is tried again after [`retry_delay`], and the queue gives up after
//! [`MAIL_ATTEMPTS`] ([`claiming`], [`after_failure`]). Delivery is at least once: a
//! mail whose delivery was cut short is delivered again under the same id.
//!
//! A body may carry a live single-use link (reset, confirmation), so it is kept only
//! while the mail waits: delivering or abandoning a mail clears its body and links.
//! Its recipient and subject stay until the purge, for the log of what was sent.

use crate::{Result, UnixTime};

/// How long a delivery holds a claimed mail. A delivery that has not reported by
/// then (the server crashed or was stopped mid-delivery) makes the mail due again.
/// The server gives each delivery well under this.
pub const MAIL_LEASE: UnixTime = 5 * 60;

/// Attempts before a mail is abandoned: the last one comes about 2 h 50 min after
/// the first (see [`retry_delay`]).
pub const MAIL_ATTEMPTS: u32 = 6;

/// The wait after the first failed attempt; each later one waits four times longer.
const FIRST_RETRY_DELAY: UnixTime = 30;

/// A mail as the server queues it: due at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// Stable for the mail's life: its `Message-ID` (and its outbox file) derive from
    /// it, so a delivery repeated after a crash is the same message.
    pub id: String,
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The actionable URLs in the body.
    pub links: Vec<String>,
    pub queued_at: UnixTime,
}

/// A mail claimed for delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimedMail {
    pub mail: OutgoingMail,
    /// This claim's attempt, counting from 1: the failure is reported with it.
    pub attempt: u32,
}

/// Where a queued mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    /// Waiting for its due time, or held by a delivery.
    Queued,
    Delivered,
    /// Given up after [`MAIL_ATTEMPTS`].
    Abandoned,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Queued => "queued",
            MailStatus::Delivered => "delivered",
            MailStatus::Abandoned => "abandoned",
        }
    }

    /// The status stored as `name`; anything unknown reads as queued (kept, retried).
    pub fn from_name(name: &str) -> Self {
        match name {
            "delivered" => MailStatus::Delivered,
            "abandoned" => MailStatus::Abandoned,
            _ => MailStatus::Queued,
        }
    }
}

/// A queued mail as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecord {
    pub id: String,
    pub to: String,
    pub subject: String,
    /// `None` once the mail is delivered or abandoned.
    pub body: Option<String>,
    /// Empty once the mail is delivered or abandoned.
    pub links: Vec<String>,
    pub queued_at: UnixTime,
    pub status: MailStatus,
    /// Attempts begun (claims), including one cut short by a crash.
    pub attempts: u32,
    /// When a queued mail may next be claimed.
    pub due_at: UnixTime,
    /// When it was delivered or abandoned.
    pub finished_at: Option<UnixTime>,
}

/// A mail the queue has just given up on, for the log (never its body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbandonedMail {
    pub id: String,
    pub subject: String,
    pub attempts: u32,
}

/// What a claim found: mails now held for delivery, and mails given up on because
/// their last attempt never reported (a crash during each of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claimed {
    pub mails: Vec<ClaimedMail>,
    pub abandoned: Vec<AbandonedMail>,
}

/// What a failed attempt did to its mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailFailure {
    /// Due again at this time.
    RetryAt(UnixTime),
    /// That was the last attempt: the mail is abandoned and its body cleared.
    Abandoned,
    /// The report came from a claim that no longer holds the mail (its lease ran out
    /// and another delivery took it, or it has finished): nothing changed.
    Stale,
}

/// The outgoing mail queue.
#[async_trait::async_trait]
pub trait MailQueue: Send + Sync {
    /// Queues `mail`, due at once. Its id must be new.
    async fn enqueue_mail(&self, mail: &OutgoingMail) -> Result<()>;
    /// Holds up to `limit` mails due at `now` (oldest due first, then by id) for
    /// [`MAIL_LEASE`], counting an attempt for each ([`claiming`]); a due mail whose
    /// attempts are used up is abandoned instead.
    async fn claim_mails(&self, now: UnixTime, limit: u32) -> Result<Claimed>;
    /// Records that the mail `id` was delivered and clears its body and links. A
    /// delivery that reports after its lease ran out still counts.
    async fn mail_delivered(&self, id: &str, now: UnixTime) -> Result<()>;
    /// Records that the claim `attempt` of mail `id` failed at `now` ([`after_failure`]).
    async fn mail_failed(&self, id: &str, attempt: u32, now: UnixTime) -> Result<MailFailure>;
    /// The mail `id`, whatever its status.
    async fn queued_mail(&self, id: &str) -> Result<Option<MailRecord>>;
}

/// What claiming a due mail that has had `attempts` attempts does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claiming {
    /// Hold it until `until` for attempt number `attempt`.
    Lease { attempt: u32, until: UnixTime },
    /// Every attempt was used and the last one never reported: abandon it.
    GiveUp,
}

/// Decides a claim at `now` of a due mail with `attempts` attempts so far.
pub(crate) fn claiming(attempts: u32, now: UnixTime) -> Claiming {
    if attempts >= MAIL_ATTEMPTS {
        return Claiming::GiveUp;
    }
    Claiming::Lease {
        attempt: attempts + 1,
        until: now + MAIL_LEASE,
    }
}

/// The wait after failed attempt number `attempt` (from 1): 30 s, 2 min, 8 min,
/// 32 min, 2 h 8 min.
pub fn retry_delay(attempt: u32) -> UnixTime {
    FIRST_RETRY_DELAY.saturating_mul(4_i64.saturating_pow(attempt.saturating_sub(1)))
}

/// Where a mail stands, as a backend reads it inside the transaction that records a
/// failed attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MailState {
    pub status: MailStatus,
    pub attempts: u32,
}

/// Decides what the failure of claim `attempt` at `now` does to the mail in `state`:
/// a report from a claim that is no longer the mail's latest, or about a finished
/// mail, changes nothing.
pub(crate) fn after_failure(state: Option<MailState>, attempt: u32, now: UnixTime) -> MailFailure {
    match state {
        Some(MailState {
            status: MailStatus::Queued,
            attempts,
        }) if attempts == attempt => {
            if attempt >= MAIL_ATTEMPTS {
                MailFailure::Abandoned
            } else {
                MailFailure::RetryAt(now + retry_delay(attempt))
            }
        }
        _ => MailFailure::Stale,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_four_times_longer_each_time_and_stop_after_the_last_attempt() {
        let delays: Vec<_> = (1..MAIL_ATTEMPTS).map(retry_delay).collect();
        assert_eq!(delays, [30, 120, 480, 1_920, 7_680]);
        assert_eq!(delays.iter().sum::<i64>(), 10_230);
        let queued = |attempts| {
            Some(MailState {
                status: MailStatus::Queued,
                attempts,
            })
        };
        assert_eq!(after_failure(queued(1), 1, 100), MailFailure::RetryAt(130));
        assert_eq!(
            after_failure(queued(MAIL_ATTEMPTS), MAIL_ATTEMPTS, 100),
            MailFailure::Abandoned
        );
        assert_eq!(after_failure(queued(2), 1, 100), MailFailure::Stale);
        assert_eq!(after_failure(None, 1, 100), MailFailure::Stale);
        assert_eq!(
            claiming(0, 100),
            Claiming::Lease {
                attempt: 1,
                until: 100 + MAIL_LEASE
            }
        );
        assert_eq!(claiming(MAIL_ATTEMPTS, 100), Claiming::GiveUp);
    }
}

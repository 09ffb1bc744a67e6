//! What happens after a payment fails: the team keeps its plan for a grace period while
//! the charge is retried (days 1, 3 and 7 after the failure), then moves to Free
//! ([`crate::subscription::move_to_free`]) with nothing deleted. Pure: the server keeps
//! a [`PaymentState`] per team, feeds it [`PaymentEvent`]s, and asks [`PaymentState::due`]
//! what to do at `now`.

use serde::{Deserialize, Serialize};

use crate::period::{SECONDS_PER_DAY, UnixTime};

/// How long a team keeps its plan after the first failed payment.
pub const GRACE_PERIOD_SECONDS: i64 = 14 * SECONDS_PER_DAY;
/// When the failed charge is tried again, in days after the first failure.
pub const RETRY_AFTER_DAYS: [i64; 3] = [1, 3, 7];

/// Where a team's payments stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum PaymentState {
    Current,
    /// A payment failed at `since`; `attempts` charges have failed so far.
    PastDue {
        since: UnixTime,
        attempts: u32,
    },
    /// Moved to Free at `at` after the grace period.
    Downgraded {
        at: UnixTime,
    },
}

/// What happened to a team's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum PaymentEvent {
    Failed { at: UnixTime },
    Succeeded,
    MovedToFree { at: UnixTime },
}

/// What the server should do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum DunningAction {
    Nothing,
    /// Nothing until `until`; ask again then.
    WaitUntil {
        until: UnixTime,
    },
    /// Charge the unpaid invoice again; this is attempt number `attempt`.
    Retry {
        attempt: u32,
    },
    /// The grace period is over: [`crate::subscription::move_to_free`].
    MoveToFree,
}

impl PaymentState {
    /// The state after `event`.
    pub fn after(self, event: PaymentEvent) -> PaymentState {
        match (self, event) {
            (_, PaymentEvent::Succeeded) => PaymentState::Current,
            (_, PaymentEvent::MovedToFree { at }) => PaymentState::Downgraded { at },
            (PaymentState::Current, PaymentEvent::Failed { at }) => PaymentState::PastDue {
                since: at,
                attempts: 1,
            },
            (PaymentState::PastDue { since, attempts }, PaymentEvent::Failed { .. }) => {
                PaymentState::PastDue {
                    since,
                    attempts: attempts.saturating_add(1),
                }
            }
            // A Free team has nothing to charge; a stray failure changes nothing.
            (PaymentState::Downgraded { at }, PaymentEvent::Failed { .. }) => {
                PaymentState::Downgraded { at }
            }
        }
    }

    /// What is due at `now`.
    pub fn due(&self, now: UnixTime) -> DunningAction {
        let PaymentState::PastDue { since, attempts } = *self else {
            return DunningAction::Nothing;
        };
        let grace_ends = since.saturating_add(GRACE_PERIOD_SECONDS);
        if now >= grace_ends {
            return DunningAction::MoveToFree;
        }
        // Attempt 1 was the charge that failed; retry `n` is attempt `n + 1`.
        let next_retry = usize::try_from(attempts.saturating_sub(1))
            .ok()
            .and_then(|index| RETRY_AFTER_DAYS.get(index));
        match next_retry {
            Some(days) => {
                let retry_at = since.saturating_add(days.saturating_mul(SECONDS_PER_DAY));
                if now >= retry_at {
                    DunningAction::Retry {
                        attempt: attempts.saturating_add(1),
                    }
                } else {
                    DunningAction::WaitUntil { until: retry_at }
                }
            }
            None => DunningAction::WaitUntil { until: grace_ends },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = SECONDS_PER_DAY;
    const FAILED: UnixTime = 1_704_067_200;

    #[test]
    fn retries_on_days_one_three_and_seven_then_moves_to_free_on_day_fourteen() {
        let mut state = PaymentState::Current.after(PaymentEvent::Failed { at: FAILED });
        assert_eq!(
            state,
            PaymentState::PastDue {
                since: FAILED,
                attempts: 1
            }
        );
        let mut timeline = Vec::new();
        for day in 0..=14 {
            let now = FAILED + day * DAY;
            let action = state.due(now);
            if let DunningAction::Retry { attempt } = action {
                timeline.push((day, attempt));
                state = state.after(PaymentEvent::Failed { at: now });
            }
            if action == DunningAction::MoveToFree {
                timeline.push((day, 0));
                state = state.after(PaymentEvent::MovedToFree { at: now });
            }
        }
        assert_eq!(timeline, [(1, 2), (3, 3), (7, 4), (14, 0)]);
        assert_eq!(
            state,
            PaymentState::Downgraded {
                at: FAILED + 14 * DAY
            }
        );
        assert_eq!(state.due(FAILED + 100 * DAY), DunningAction::Nothing);
    }

    #[test]
    fn waits_between_retries_and_a_payment_ends_it() {
        let state = PaymentState::PastDue {
            since: FAILED,
            attempts: 2,
        };
        assert_eq!(
            state.due(FAILED + DAY),
            DunningAction::WaitUntil {
                until: FAILED + 3 * DAY
            }
        );
        let last = PaymentState::PastDue {
            since: FAILED,
            attempts: 4,
        };
        assert_eq!(
            last.due(FAILED + 8 * DAY),
            DunningAction::WaitUntil {
                until: FAILED + 14 * DAY
            }
        );
        assert_eq!(state.after(PaymentEvent::Succeeded), PaymentState::Current);
        assert_eq!(PaymentState::Current.due(FAILED), DunningAction::Nothing);
    }
}

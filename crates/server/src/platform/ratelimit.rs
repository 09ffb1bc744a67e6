//! In-memory rate limits: fixed windows keyed by (rule, client address or account),
//! measured on the injected clock. Per instance; with several instances behind a
//! balancer each enforces its own share, which is the accepted trade-off for not
//! writing to the database on every attempt.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::platform::clock::{Clock, UnixTime};

/// A limit: at most `max` hits per `window` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub max: u32,
    pub window: i64,
}

/// Counts hits and says when a key has had too many.
#[derive(Clone)]
pub struct RateLimiter {
    clock: Arc<dyn Clock>,
    enabled: bool,
    windows: Arc<Mutex<HashMap<(&'static str, String), Window>>>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: UnixTime,
    hits: u32,
}

/// Seconds until the key may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Above this many tracked keys, expired windows are swept before inserting.
const SWEEP_THRESHOLD: usize = 10_000;

impl RateLimiter {
    pub fn new(clock: Arc<dyn Clock>, enabled: bool) -> Self {
        Self {
            clock,
            enabled,
            windows: Arc::default(),
        }
    }

    /// Records a hit for `key` under `rule`; `Err` when the rule is exceeded.
    pub fn hit(&self, rule: Rule, key: &str) -> Result<(), RetryAfter> {
        self.check_and(rule, key, true)
    }

    /// Fails if `key` is already over `rule`, without counting a hit.
    #[cfg(test)]
    pub fn check(&self, rule: Rule, key: &str) -> Result<(), RetryAfter> {
        self.check_and(rule, key, false)
    }

    /// Forgets `key`'s hits under `rule` (for example after a successful sign-in).
    pub fn reset(&self, rule: Rule, key: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(&(rule.name, key.to_owned()));
        }
    }

    fn check_and(&self, rule: Rule, key: &str, count: bool) -> Result<(), RetryAfter> {
        if !self.enabled || rule.max == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() > SWEEP_THRESHOLD {
            windows
                .retain(|_, window| now - window.started < crate::platform::clock::durations::DAY);
        }
        let entry = windows
            .entry((rule.name, key.to_owned()))
            .or_insert(Window {
                started: now,
                hits: 0,
            });
        if now - entry.started >= rule.window {
            *entry = Window {
                started: now,
                hits: 0,
            };
        }
        if entry.hits >= rule.max {
            let wait = (entry.started + rule.window - now).max(1);
            return Err(RetryAfter(wait as u64));
        }
        if count {
            entry.hits += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::clock::ManualClock;

    const RULE: Rule = Rule {
        name: "test",
        max: 2,
        window: 60,
    };

    #[test]
    fn refuses_after_max_until_the_window_ends() {
        let clock = ManualClock::starting_now();
        let limiter = RateLimiter::new(Arc::new(clock.clone()), true);
        assert!(limiter.hit(RULE, "a").is_ok());
        assert!(limiter.hit(RULE, "a").is_ok());
        assert_eq!(limiter.hit(RULE, "a"), Err(RetryAfter(60)));
        assert!(limiter.hit(RULE, "b").is_ok(), "keys are independent");
        clock.advance(59);
        assert_eq!(limiter.check(RULE, "a"), Err(RetryAfter(1)));
        clock.advance(1);
        assert!(limiter.hit(RULE, "a").is_ok());
    }

    #[test]
    fn disabled_limiter_allows_everything() {
        let limiter = RateLimiter::new(Arc::new(ManualClock::starting_now()), false);
        for _ in 0..10 {
            assert!(limiter.hit(RULE, "a").is_ok());
        }
    }
}

//! In-memory rate limits: fixed windows keyed by (rule, client address or account),
//! measured on the injected clock. Per instance; with several instances behind a
//! balancer each enforces its own share, which is the accepted trade-off for not
//! writing to the database on every attempt. The one count that must not be split
//! (failed sign-ins per account) goes to the database under [`RateLimiter::shared_key`].

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};

use sha2::{Digest as _, Sha256};

use crate::platform::clock::{Clock, UnixTime};

/// A limit: at most `max` hits per `window` seconds.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    pub name: &'static str,
    pub max: u32,
    pub window: i64,
}

/// Counts hits and says when a key has had too many. Keys are kept as a 128-bit
/// digest of (rule, key), so an attacker's megabyte-long "username" costs 16 bytes;
/// windows are kept in shards, each with the order they opened in, so expired ones
/// leave a few at a time on each hit instead of in a scan of everything.
#[derive(Clone)]
pub struct RateLimiter {
    clock: Arc<dyn Clock>,
    enabled: bool,
    shards: Arc<[Mutex<Shard>]>,
}

/// Shards: hits on different keys rarely wait for each other's lock.
const SHARDS: usize = 16;
/// The most windows a shard keeps; past it the oldest is forgotten (that key starts
/// afresh), so memory stays bounded whatever the traffic.
const MAX_WINDOWS_PER_SHARD: usize = 50_000;

type KeyDigest = [u8; 16];

#[derive(Default)]
struct Shard {
    windows: HashMap<KeyDigest, Window>,
    /// (when the window ends, its key) in the order windows opened.
    opened: VecDeque<(UnixTime, KeyDigest)>,
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: UnixTime,
    ends: UnixTime,
    hits: u32,
}

/// Seconds until the key may try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

impl RateLimiter {
    pub fn new(clock: Arc<dyn Clock>, enabled: bool) -> Self {
        Self {
            clock,
            enabled,
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }

    /// Records a hit for `key` under `rule`; `Err` when the rule is exceeded.
    pub fn hit(&self, rule: Rule, key: &str) -> Result<(), RetryAfter> {
        self.check_and(rule, key, 1)
    }

    /// Records `hits` hits for `key` at once, or none when they would exceed `rule`
    /// (a batch is allowed or refused whole).
    pub fn hit_many(&self, rule: Rule, key: &str, hits: u32) -> Result<(), RetryAfter> {
        self.check_and(rule, key, hits)
    }

    /// Fails if `key` is already over `rule`, without counting a hit.
    #[cfg(test)]
    pub fn check(&self, rule: Rule, key: &str) -> Result<(), RetryAfter> {
        self.check_and(rule, key, 0)
    }

    /// What `key` is counted under in the database, for a limit every instance must
    /// share ([`courier_store::Upkeep::count_attempt`]): the same digest of (rule,
    /// key), in base64url. `None` when limits are off (or the rule is).
    pub fn shared_key(&self, rule: Rule, key: &str) -> Option<String> {
        use base64::Engine as _;
        (self.enabled && rule.max > 0)
            .then(|| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key_digest(rule, key)))
    }

    fn shard(&self, digest: &KeyDigest) -> std::sync::MutexGuard<'_, Shard> {
        self.shards[usize::from(digest[0]) % SHARDS]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses when `hits` more (at least one, for a mere check) would pass the
    /// rule's maximum; otherwise counts `hits`.
    fn check_and(&self, rule: Rule, key: &str, hits: u32) -> Result<(), RetryAfter> {
        if !self.enabled || rule.max == 0 {
            return Ok(());
        }
        let now = self.clock.now();
        let digest = key_digest(rule, key);
        let mut shard = self.shard(&digest);
        let window = shard.current(digest, now, rule.window);
        if window.hits.saturating_add(hits.max(1)) > rule.max {
            let wait = (window.started + rule.window - now).max(1);
            return Err(RetryAfter(wait.unsigned_abs()));
        }
        window.hits = window.hits.saturating_add(hits);
        Ok(())
    }
}

impl Shard {
    /// The key's open window (a new one when it has none), after sweeping ended ones.
    fn current(&mut self, digest: KeyDigest, now: UnixTime, length: i64) -> &mut Window {
        self.forget_ended(now);
        let live = self
            .windows
            .get(&digest)
            .is_some_and(|window| now < window.ends);
        let fresh = Window {
            started: now,
            ends: now + length,
            hits: 0,
        };
        if !live {
            self.opened.push_back((fresh.ends, digest));
        }
        let slot = self.windows.entry(digest).or_insert(fresh);
        if !live {
            *slot = fresh;
        }
        slot
    }

    /// Drops windows that have ended, oldest first, stopping at the first live one.
    fn forget_ended(&mut self, now: UnixTime) {
        while let Some(&(ends, digest)) = self.opened.front() {
            if ends > now && self.opened.len() <= MAX_WINDOWS_PER_SHARD {
                break;
            }
            self.opened.pop_front();
            // The key may have opened a newer window since; keep that one.
            if self
                .windows
                .get(&digest)
                .is_some_and(|window| window.ends == ends)
            {
                self.windows.remove(&digest);
            }
        }
    }
}

fn key_digest(rule: Rule, key: &str) -> KeyDigest {
    let mut hasher = Sha256::new();
    hasher.update(rule.name.as_bytes());
    hasher.update([0]);
    hasher.update(key.as_bytes());
    let full = hasher.finalize();
    let mut digest = [0; 16];
    digest.copy_from_slice(&full[..16]);
    digest
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
    fn a_batch_is_counted_whole_or_refused_whole_and_nothing_is_refused_when_limits_are_off() {
        let clock = ManualClock::starting_now();
        let limiter = RateLimiter::new(Arc::new(clock.clone()), true);
        assert_eq!(limiter.hit_many(RULE, "a", 3), Err(RetryAfter(60)));
        assert!(
            limiter.hit_many(RULE, "a", 2).is_ok(),
            "the refused batch took nothing"
        );
        assert_eq!(limiter.hit_many(RULE, "a", 1), Err(RetryAfter(60)));
        assert!(limiter.hit_many(RULE, "b", 1).is_ok());
        assert!(limiter.hit(RULE, "b").is_ok());
        assert!(limiter.hit(RULE, "b").is_err());

        let off = RateLimiter::new(Arc::new(clock), false);
        assert!(off.hit_many(RULE, "a", 100).is_ok());
    }

    #[test]
    fn ended_windows_leave_and_memory_stays_bounded() {
        let clock = ManualClock::starting_now();
        let limiter = RateLimiter::new(Arc::new(clock.clone()), true);
        for n in 0..1_000 {
            limiter
                .hit(RULE, &format!("client-{n}"))
                .expect("a first hit");
        }
        let tracked = |limiter: &RateLimiter| {
            limiter
                .shards
                .iter()
                .map(|shard| shard.lock().expect("a shard").windows.len())
                .sum::<usize>()
        };
        assert_eq!(tracked(&limiter), 1_000);
        clock.advance(60);
        // Hits on other keys sweep the ended windows of their shard as they go.
        for n in 0..200 {
            limiter
                .hit(RULE, &format!("later-{n}"))
                .expect("a first hit");
        }
        assert!(tracked(&limiter) <= 200 + SHARDS, "{}", tracked(&limiter));
        // A huge key costs its digest, and still counts.
        let huge = "x".repeat(1 << 20);
        assert!(limiter.hit(RULE, &huge).is_ok());
        assert!(limiter.hit(RULE, &huge).is_ok());
        assert_eq!(limiter.hit(RULE, &huge), Err(RetryAfter(60)));
    }

    #[test]
    fn a_shared_key_is_the_digest_of_rule_and_key_and_none_while_limits_are_off() {
        let clock = Arc::new(ManualClock::starting_now());
        let limiter = RateLimiter::new(clock.clone(), true);
        let key = limiter.shared_key(RULE, "a").unwrap();
        assert_eq!(key.len(), 22, "16 bytes in base64url: {key}");
        assert_eq!(limiter.shared_key(RULE, "a"), Some(key.clone()));
        assert_ne!(limiter.shared_key(RULE, "b"), Some(key));
        let off = RateLimiter::new(clock, false);
        assert_eq!(off.shared_key(RULE, "a"), None);
    }

    #[test]
    fn disabled_limiter_allows_everything() {
        let limiter = RateLimiter::new(Arc::new(ManualClock::starting_now()), false);
        for _ in 0..10 {
            assert!(limiter.hit(RULE, "a").is_ok());
        }
    }
}

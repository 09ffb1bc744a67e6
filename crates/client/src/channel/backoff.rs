//! How long a lost events channel waits before reconnecting.

use std::time::Duration;

/// How long to wait before reconnecting: exponential from `initial`, capped at `max`,
/// with "equal jitter" (half the step fixed, half random) so that many apps cut off
/// by one server restart do not all come back in the same instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The wait before reconnect number `attempt` (0 for the first after a loss),
    /// `unit` being a random number in `[0, 1)`.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let step = self
            .initial
            .checked_mul(1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(self.max)
            .min(self.max);
        let half = step / 2;
        half + half.mul_f64(unit.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_half_of_each_step_random() {
        let backoff = Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(60),
        };
        let ms = |attempt, unit| backoff.delay(attempt, unit).as_millis();
        assert_eq!(ms(0, 0.0), 250);
        assert_eq!(ms(0, 0.999_999), 499);
        assert_eq!(ms(1, 0.0), 500);
        assert_eq!(ms(3, 0.5), 3000);
        // Capped: 500 ms × 2^7 = 64 s > 60 s.
        assert_eq!(ms(7, 0.0), 30_000);
        assert_eq!(ms(7, 1.0), 60_000);
        assert_eq!(ms(u32::MAX, 0.5), 45_000);
        // Out-of-range randomness cannot stretch the wait past the cap.
        assert_eq!(ms(40, 7.0), 60_000);
    }
}

//! The proof-of-work "I'm not a robot" check (the ALTCHA scheme, via
//! `altcha-lib-rs`) of Trouble signing in? and of a sign-in to an account that has
//! had too many failed ones: challenges signed with an HMAC key every server instance
//! shares (in the database, made at the first start), verified here with the injected clock for
//! expiry, and spent once (`spent_challenges`) so an answer cannot be replayed. The
//! browser side is `http/pages/altcha.js`, served by the server itself.
//!
//! The difficulty is not fixed: it doubles as the rate of challenges served rises
//! ([`Demand`]), and callers may ask for more doublings (an account under attack), up
//! to the most the library verifies. Someone asking for thousands of resets pays
//! more for each; a person asking for one pays about a second.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

use altcha_lib_rs::{ChallengeOptions, Payload};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::platform::clock::UnixTime;
use crate::platform::crypto::token_digest;
use crate::settings::ProofOfWorkSettings;
use courier_store::Store;

/// The key file of versions that kept the key in the data folder.
const KEY_FILE: &str = "pow-hmac.key";
/// The key's name among the shared secrets.
const SECRET_NAME: &str = "proof_of_work_hmac";
/// `altcha-lib-rs` verifies numbers up to its default maximum only.
const HIGHEST_MAX_NUMBER: u64 = altcha_lib_rs::DEFAULT_MAX_NUMBER;
/// No honest answer is longer (base64 of a small JSON object).
const MAX_ANSWER_LEN: usize = 2048;

pub struct ProofOfWork {
    hmac_key: String,
    /// The difficulty when the server is quiet.
    base_max_number: u64,
    lifetime: i64,
    /// Challenges a minute at which the difficulty doubles (0: it never does).
    busy_per_minute: u64,
    demand: Mutex<Demand>,
}

/// How many challenges were served in the current and the previous minute, for a
/// sliding estimate of the rate without keeping a timestamp per challenge.
#[derive(Debug, Default)]
struct Demand {
    minute: UnixTime,
    current: u64,
    previous: u64,
}

impl Demand {
    /// Counts one challenge at `now`; the estimated challenges per minute, this one included.
    fn record(&mut self, now: UnixTime) -> u64 {
        let minute = now.div_euclid(60);
        if minute != self.minute {
            self.previous = if minute == self.minute + 1 {
                self.current
            } else {
                0
            };
            self.current = 0;
            self.minute = minute;
        }
        self.current += 1;
        // The previous minute counts for the part of it still inside the last 60 s.
        let left_of_previous = 60 - now.rem_euclid(60).unsigned_abs();
        self.previous * left_of_previous / 60 + self.current
    }
}

/// Doublings of the difficulty at `rate` challenges a minute: one at `busy`, two at
/// three times `busy`, three at seven times, and so on.
fn doublings_at(rate: u64, busy: u64) -> u32 {
    if busy == 0 {
        return 0;
    }
    ((rate + busy) / busy).ilog2()
}

/// What the page hands the browser's solver (`data-challenge`, JSON).
#[derive(Debug, Clone, Serialize)]
pub struct Challenge {
    pub algorithm: String,
    pub challenge: String,
    pub maxnumber: u64,
    pub salt: String,
    pub signature: String,
}

/// Why an answer was refused (for the log; the page says the same for all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Malformed,
    Wrong,
    Expired,
    Replayed,
}

impl ProofOfWork {
    /// The HMAC key every server instance shares, from the store: on the first start,
    /// an older version's `DATA/pow-hmac.key` or else a random key becomes it.
    pub async fn load(
        store: &dyn Store,
        data_dir: &Path,
        settings: &ProofOfWorkSettings,
    ) -> Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let candidate = match std::fs::read_to_string(&path) {
            Ok(key) if key.trim().len() >= 32 => key.trim().to_owned(),
            _ => {
                let mut bytes = [0u8; 32];
                rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
                bytes.iter().map(|byte| format!("{byte:02x}")).collect()
            }
        };
        let hmac_key = store.shared_secret(SECRET_NAME, &candidate).await?;
        Ok(Self {
            hmac_key,
            base_max_number: settings.max_number.clamp(1, HIGHEST_MAX_NUMBER),
            lifetime: settings.challenge_lifetime.max(60),
            busy_per_minute: u64::from(settings.busy_per_minute),
            demand: Mutex::default(),
        })
    }

    /// A fresh challenge that can be answered until `now + lifetime`, its difficulty
    /// doubled once per step of demand and once more per `extra_doublings`.
    pub fn challenge(&self, now: UnixTime, extra_doublings: u32) -> Result<Challenge> {
        let rate = self
            .demand
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .record(now);
        let doublings = doublings_at(rate, self.busy_per_minute).saturating_add(extra_doublings);
        let params = HashMap::from([("expires".to_owned(), (now + self.lifetime).to_string())]);
        let challenge = altcha_lib_rs::create_challenge(ChallengeOptions {
            hmac_key: &self.hmac_key,
            max_number: Some(difficulty(self.base_max_number, doublings)),
            params: Some(params),
            ..Default::default()
        })
        .map_err(|error| Error::Key(format!("proof-of-work challenge: {error}")))?;
        Ok(Challenge {
            algorithm: challenge.algorithm.to_string(),
            challenge: challenge.challenge,
            maxnumber: challenge.maxnumber,
            salt: challenge.salt,
            signature: challenge.signature,
        })
    }

    /// Checks an answer (base64 of the JSON payload, as ALTCHA widgets send it) and
    /// spends its challenge.
    pub async fn verify(
        &self,
        store: &dyn Store,
        answer: &str,
        now: UnixTime,
    ) -> Result<Result<(), Refusal>> {
        let Some(payload) = decode(answer) else {
            return Ok(Err(Refusal::Malformed));
        };
        if altcha_lib_rs::verify_solution(&payload, &self.hmac_key, false).is_err() {
            return Ok(Err(Refusal::Wrong));
        }
        // The signed salt carries the expiry; checked on the injected clock.
        let Some(expires) = salt_expiry(&payload.salt) else {
            return Ok(Err(Refusal::Malformed));
        };
        if now >= expires {
            return Ok(Err(Refusal::Expired));
        }
        if !store
            .spend_challenge(&token_digest(&payload.challenge), expires)
            .await?
        {
            return Ok(Err(Refusal::Replayed));
        }
        Ok(Ok(()))
    }
}

/// `base` doubled `doublings` times, at most the most the library verifies.
fn difficulty(base: u64, doublings: u32) -> u64 {
    base.saturating_mul(1 << doublings.min(32))
        .min(HIGHEST_MAX_NUMBER)
}

fn decode(answer: &str) -> Option<Payload> {
    if answer.is_empty() || answer.len() > MAX_ANSWER_LEN {
        return None;
    }
    let json = STANDARD.decode(answer.trim()).ok()?;
    serde_json::from_slice(&json).ok()
}

/// `expires` from a salt like `3f2a…?expires=1733000000&`.
fn salt_expiry(salt: &str) -> Option<UnixTime> {
    let (_, query) = salt.split_once('?')?;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("expires="))
        .and_then(|value| value.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn store(dir: &tempfile::TempDir) -> std::sync::Arc<dyn Store> {
        let url = format!("sqlite://{}", dir.path().join("courier.db").display());
        courier_store::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn instances_share_one_key_and_an_older_key_file_becomes_it() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let old_key = "ab".repeat(32);
        std::fs::write(dir.path().join(KEY_FILE), &old_key).unwrap_or_else(|e| panic!("{e}"));
        let store = store(&dir).await;
        let settings = ProofOfWorkSettings::default();
        let first = ProofOfWork::load(store.as_ref(), dir.path(), &settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            first.hmac_key, old_key,
            "challenges served before still verify"
        );

        // Another instance, with a data folder of its own, gets the same key.
        let elsewhere = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let second = ProofOfWork::load(store.as_ref(), elsewhere.path(), &settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(second.hmac_key, first.hmac_key);
        assert!(!elsewhere.path().join(KEY_FILE).exists());
    }

    #[tokio::test]
    async fn the_difficulty_doubles_as_demand_rises_and_stays_within_what_verifies() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let settings = ProofOfWorkSettings {
            max_number: 1_000,
            busy_per_minute: 10,
            ..ProofOfWorkSettings::default()
        };
        let pow = ProofOfWork::load(store(&dir).await.as_ref(), dir.path(), &settings)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let start = 1_700_000_040; // a minute's first second
        let served: Vec<u64> = (0..70)
            .map(|_| {
                pow.challenge(start, 0)
                    .unwrap_or_else(|e| panic!("{e}"))
                    .maxnumber
            })
            .collect();
        assert_eq!(
            served[0], 1_000,
            "a quiet server asks for the base difficulty"
        );
        assert_eq!(
            served[9], 2_000,
            "the tenth challenge in a minute doubles it"
        );
        assert_eq!(served[29], 4_000);
        assert_eq!(served[69], 8_000);
        // Half a minute later, half of the last minute's demand still counts.
        let later = pow
            .challenge(start + 90, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            later.maxnumber, 4_000,
            "36 a minute: between 3 and 7 times busy"
        );
        let quiet = pow
            .challenge(start + 300, 0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(quiet.maxnumber, 1_000, "demand from long ago is forgotten");
        let escalated = pow
            .challenge(start + 300, 2)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(escalated.maxnumber, 4_000, "callers may ask for more");
        assert_eq!(difficulty(100_000, 40), HIGHEST_MAX_NUMBER);
    }

    #[test]
    fn the_expiry_is_read_from_the_salt() {
        assert_eq!(salt_expiry("abc?expires=123&"), Some(123));
        assert_eq!(salt_expiry("abc"), None);
        assert!(decode("not base64!").is_none());
    }
}

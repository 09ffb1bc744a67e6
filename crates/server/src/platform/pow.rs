//! The proof-of-work "I'm not a robot" check of Trouble signing in? (the ALTCHA
//! scheme, via `altcha-lib-rs`): challenges signed with an HMAC key kept in the data
//! folder (0600, made at first start), verified here with the injected clock for
//! expiry, and spent once (`spent_challenges`) so an answer cannot be replayed. The
//! browser side is `web/altcha.js`, served by the server itself.

use std::collections::HashMap;
use std::path::Path;

use altcha_lib_rs::{ChallengeOptions, Payload};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::platform::clock::UnixTime;
use crate::platform::crypto::token_digest;
use crate::platform::keys::write_private;
use crate::settings::ProofOfWorkSettings;
use courier_store::Store;

const KEY_FILE: &str = "pow-hmac.key";
/// `altcha-lib-rs` verifies numbers up to its default maximum only.
const HIGHEST_MAX_NUMBER: u64 = altcha_lib_rs::DEFAULT_MAX_NUMBER;
/// No honest answer is longer (base64 of a small JSON object).
const MAX_ANSWER_LEN: usize = 2048;

pub struct ProofOfWork {
    hmac_key: String,
    max_number: u64,
    lifetime: i64,
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
    /// Loads `DATA/pow-hmac.key`, creating a random key on first start.
    pub fn load_or_create(data_dir: &Path, settings: &ProofOfWorkSettings) -> Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let hmac_key = if path.exists() {
            let key = std::fs::read_to_string(&path)?.trim().to_owned();
            if key.len() < 32 {
                return Err(Error::Key(format!("{}: too short", path.display())));
            }
            key
        } else {
            let mut bytes = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
            let key: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
            write_private(&path, key.as_bytes())?;
            key
        };
        Ok(Self {
            hmac_key,
            max_number: settings.max_number.clamp(1, HIGHEST_MAX_NUMBER),
            lifetime: settings.challenge_lifetime.max(60),
        })
    }

    /// A fresh challenge that can be answered until `now + lifetime`.
    pub fn challenge(&self, now: UnixTime) -> Result<Challenge> {
        let params = HashMap::from([("expires".to_owned(), (now + self.lifetime).to_string())]);
        let challenge = altcha_lib_rs::create_challenge(ChallengeOptions {
            hmac_key: &self.hmac_key,
            max_number: Some(self.max_number),
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

    #[test]
    fn the_key_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let settings = ProofOfWorkSettings::default();
        let first =
            ProofOfWork::load_or_create(dir.path(), &settings).unwrap_or_else(|e| panic!("{e}"));
        let again =
            ProofOfWork::load_or_create(dir.path(), &settings).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.hmac_key, again.hmac_key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap_or_else(|e| panic!("{e}"))
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_expiry_is_read_from_the_salt() {
        assert_eq!(salt_expiry("abc?expires=123&"), Some(123));
        assert_eq!(salt_expiry("abc"), None);
        assert!(decode("not base64!").is_none());
    }
}

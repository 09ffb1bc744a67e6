//! Passwords: Argon2id hashing on a bounded pool of blocking threads (so a sign-in
//! flood queues here instead of starving the async runtime), and the rules a new
//! password must meet. Plain passwords live only inside this module's calls.

use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::Semaphore;

use crate::error::{Error, Result};

/// Longest password accepted, in characters: long enough for any passphrase, short
/// enough that hashing cost does not depend on attacker-chosen input size.
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes and verifies passwords with at most `workers` hashes running at once.
#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    /// Verified against when the account does not exist, so that an unknown
    /// identifier costs the same time as a wrong password.
    decoy_hash: Arc<str>,
}

fn argon2() -> Argon2<'static> {
    // OWASP's first recommended Argon2id setting: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|error| Error::PasswordHash(error.to_string()))
}

fn verify_blocking(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            argon2()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

impl PasswordHasher {
    pub fn new(workers: usize) -> Result<Self> {
        let decoy_hash = hash_blocking("decoy password that no account has")?;
        Ok(Self {
            permits: Arc::new(Semaphore::new(workers.max(1))),
            decoy_hash: decoy_hash.into(),
        })
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for storage.
    pub async fn hash(&self, password: &SecretString) -> Result<String> {
        let password = password.clone();
        self.run(move || hash_blocking(password.expose_secret()))
            .await?
    }

    /// Checks `password` against `stored`, or against a decoy when there is no account.
    pub async fn verify(&self, password: &SecretString, stored: Option<&str>) -> Result<bool> {
        let password = password.clone();
        let (stored, exists) = match stored {
            Some(hash) => (hash.to_owned(), true),
            None => (self.decoy_hash.to_string(), false),
        };
        let matches = self
            .run(move || verify_blocking(password.expose_secret(), &stored))
            .await?;
        Ok(matches && exists)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Error::PasswordHash("hasher shut down".into()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| Error::PasswordHash(error.to_string()))
    }
}

/// Why a new password was refused, in words for the person choosing it.
pub fn check_strength(password: &str, user_inputs: &[&str]) -> std::result::Result<(), String> {
    let length = password.chars().count();
    if length < MIN_PASSWORD_CHARS {
        return Err(format!("Use at least {MIN_PASSWORD_CHARS} characters."));
    }
    if length > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if (estimate.score() as u8) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|feedback| feedback.warning().map(|warning| warning.to_string()))
            .unwrap_or_else(|| "It would be easy to guess.".to_owned());
        return Err(format!("Choose a stronger password. {hint}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let hasher = PasswordHasher::new(2).unwrap();
        let password = SecretString::from("correct horse battery staple");
        let stored = hasher.hash(&password).await.unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(hasher.verify(&password, Some(&stored)).await.unwrap());
        assert!(
            !hasher
                .verify(&SecretString::from("wrong"), Some(&stored))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn unknown_account_never_verifies_even_with_the_decoy_password() {
        let hasher = PasswordHasher::new(1).unwrap();
        let decoy = SecretString::from("decoy password that no account has");
        assert!(!hasher.verify(&decoy, None).await.unwrap());
    }

    #[test]
    fn weak_and_common_passwords_are_refused() {
        assert!(check_strength("short", &[]).is_err());
        assert!(check_strength("password123", &[]).is_err());
        assert!(check_strength("alice2024!", &["alice"]).is_err());
        assert!(check_strength(&"x".repeat(MAX_PASSWORD_CHARS + 1), &[]).is_err());
        assert!(check_strength("plum-orbit-kettle-92", &[]).is_ok());
    }
}

//! Passwords: Argon2id hashing on a fixed set of dedicated threads (so a sign-in
//! flood queues here instead of starving the async runtime), and the rules a new
//! password must meet. Plain passwords live only inside this module's calls.

use std::sync::{Arc, Mutex, mpsc};

use std::cell::RefCell;

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use secrecy::{ExposeSecret as _, SecretString};
use subtle::ConstantTimeEq as _;
use tokio::sync::oneshot;

use crate::error::{Error, Result};

/// Longest password accepted, in characters: long enough for any passphrase, short
/// enough that hashing cost does not depend on attacker-chosen input size.
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes and verifies passwords on `workers` dedicated threads; requests beyond
/// that wait in a queue. Dedicated threads keep their Argon2 working memory warm
/// and cost no thread hand-off per hash.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::Sender<Job>,
    /// Verified against when the account does not exist, so that an unknown
    /// identifier costs the same time as a wrong password.
    decoy_hash: Arc<str>,
}

/// OWASP's first recommended Argon2id setting: 19 MiB, 2 passes, 1 lane.
fn params() -> Params {
    Params::new(19 * 1024, 2, 1, Some(OUTPUT_LEN)).unwrap_or_default()
}

const OUTPUT_LEN: usize = 32;
const SALT_LEN: usize = 16;

thread_local! {
    /// Argon2's working memory (19 MiB), kept by each hashing thread. Allocating and
    /// zeroing it afresh for every hash spent about a fifth of each hash in page faults
    /// (BENCHMARKS.md). It holds only derived data, never the password itself.
    static WORKING_MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn with_working_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    WORKING_MEMORY.with(|cell| {
        let mut memory = cell.borrow_mut();
        if memory.len() != blocks {
            memory.clear();
            memory.resize(blocks, Block::default());
        }
        work(&mut memory)
    })
}

/// Runs Argon2id with `params` into `output`, on this thread's working memory.
fn argon2id_into(params: &Params, password: &[u8], salt: &[u8], output: &mut [u8]) -> bool {
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_working_memory(params.block_count(), |memory| {
        argon2
            .hash_password_into_with_memory(password, salt, output, memory)
            .is_ok()
    })
}

/// A PHC string: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
fn hash_blocking(password: &str) -> Result<String> {
    let params = params();
    let mut salt = [0u8; SALT_LEN];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
    let mut output = [0u8; OUTPUT_LEN];
    if !argon2id_into(&params, password.as_bytes(), &salt, &mut output) {
        return Err(Error::PasswordHash("Argon2id failed".into()));
    }
    Ok(format!(
        "$argon2id$v=19$m={},t={},p={}${}${}",
        params.m_cost(),
        params.t_cost(),
        params.p_cost(),
        STANDARD_NO_PAD.encode(salt),
        STANDARD_NO_PAD.encode(output)
    ))
}

/// Checks `password` against any Argon2id PHC string (its own parameters are used).
fn verify_blocking(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    if parsed.algorithm.as_str() != "argon2id" || parsed.version.is_some_and(|v| v != 0x13) {
        return false;
    }
    let (Ok(params), Some(expected), Some(salt)) =
        (Params::try_from(&parsed), parsed.hash, parsed.salt)
    else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut output = vec![0u8; expected.len()];
    argon2id_into(&params, password.as_bytes(), salt, &mut output)
        && bool::from(output.as_slice().ct_eq(expected.as_bytes()))
}

type Job = Box<dyn FnOnce() + Send>;

/// How much nicer a hashing thread is than the server: 10 steps give it about a
/// tenth of a request thread's share of a contended core (CFS weights 110 to 1024).
#[cfg(target_os = "linux")]
const HASHING_NICENESS: i32 = 10;

/// The nicest a thread can be.
#[cfg(target_os = "linux")]
const NICEST: i32 = 19;

/// Lowers the calling hashing thread's CPU priority (on Linux the nice value is per
/// thread), so hashing takes the cores only as far as the request path leaves them:
/// under a sign-in flood every other request keeps its latency, and sign-ins, which
/// cost a hash each anyway, absorb the wait. Alone, the hashers still get every core.
fn yield_to_requests() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{getpriority_process, setpriority_process};
        let lowered = getpriority_process(None)
            .and_then(|now| setpriority_process(None, (now + HASHING_NICENESS).min(NICEST)));
        if let Err(error) = lowered {
            tracing::warn!(%error, "could not lower the hashing threads' priority");
        }
    }
}

/// Starts the hashing threads; they stop when every sender is gone.
fn start_workers(workers: usize) -> Result<mpsc::Sender<Job>> {
    let (sender, receiver) = mpsc::channel::<Job>();
    let receiver = Arc::new(Mutex::new(receiver));
    for index in 0..workers.max(1) {
        let receiver = Arc::clone(&receiver);
        std::thread::Builder::new()
            .name(format!("argon2-{index}"))
            .spawn(move || {
                yield_to_requests();
                loop {
                    // The lock is held only while waiting for the next job.
                    let next = match receiver.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    match next {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                }
            })
            .map_err(|error| {
                Error::PasswordHash(format!("cannot start a hashing thread: {error}"))
            })?;
    }
    Ok(sender)
}

impl PasswordHasher {
    pub fn new(workers: usize) -> Result<Self> {
        let decoy_hash = hash_blocking("decoy password that no account has")?;
        Ok(Self {
            jobs: start_workers(workers)?,
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
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| Error::PasswordHash("the hasher has shut down".into()))?;
        result
            .await
            .map_err(|_| Error::PasswordHash("a hashing thread stopped".into()))
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

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_threads_run_below_the_request_path() {
        let hasher = PasswordHasher::new(2).unwrap();
        let mine = rustix::process::getpriority_process(None).unwrap();
        for _ in 0..4 {
            let theirs = hasher
                .run(|| rustix::process::getpriority_process(None).unwrap())
                .await
                .unwrap();
            assert_eq!(theirs, (mine + HASHING_NICENESS).min(NICEST));
        }
    }

    #[tokio::test]
    async fn unknown_account_never_verifies_even_with_the_decoy_password() {
        let hasher = PasswordHasher::new(1).unwrap();
        let decoy = SecretString::from("decoy password that no account has");
        assert!(!hasher.verify(&decoy, None).await.unwrap());
    }

    #[tokio::test]
    async fn hashes_interoperate_with_the_argon2_crates_own_encoding() {
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _, SaltString};
        let hasher = PasswordHasher::new(1).unwrap();
        let password = SecretString::from("correct horse battery staple");
        let standard = Argon2::new(Algorithm::Argon2id, Version::V0x13, params())
            .hash_password(
                b"correct horse battery staple",
                &SaltString::generate(&mut rand::rngs::OsRng),
            )
            .unwrap()
            .to_string();
        assert!(hasher.verify(&password, Some(&standard)).await.unwrap());
        let ours = hasher.hash(&password).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery staple", &parsed)
                .is_ok()
        );
        assert!(
            !hasher
                .verify(
                    &password,
                    Some("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA")
                )
                .await
                .unwrap()
        );
        assert!(!hasher.verify(&password, Some("not a hash")).await.unwrap());
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

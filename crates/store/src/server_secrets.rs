//! What every server instance must share and no single data folder may own: the keys
//! that sign ID tokens (several, while one rotates out) and named secrets (the
//! proof-of-work HMAC key). With them in the database, an ID token signed by one
//! instance verifies against the JWK set any other publishes, and a challenge served
//! by one is answered at another.

use crate::{Result, UnixTime};

/// A key that signs ID tokens: its key id, its private key (PKCS#8 PEM, readable by
/// whoever reads the database, as the key file was by whoever read the data folder)
/// and when it was made (which decides when it signs and when it retires).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SigningKeyRecord {
    pub kid: String,
    pub pkcs8_pem: String,
    pub created_at: UnixTime,
}

/// Signing keys and shared secrets.
#[async_trait::async_trait]
pub trait ServerSecrets: Send + Sync {
    /// Every signing key, newest first.
    async fn signing_keys(&self) -> Result<Vec<SigningKeyRecord>>;
    /// Adds `key` unless a key created after `unless_created_after` is there already;
    /// true if added. Instances that decide to rotate at the same moment add one key
    /// between them.
    async fn add_signing_key(
        &self,
        key: &SigningKeyRecord,
        unless_created_after: UnixTime,
    ) -> Result<bool>;
    /// Deletes the signing keys created before `created_before`; returns how many.
    async fn remove_signing_keys_before(&self, created_before: UnixTime) -> Result<u64>;
    /// The secret called `name`: the first instance to ask stores its `candidate`,
    /// every later call (from any instance) gets that same value.
    async fn shared_secret(&self, name: &str, candidate: &str) -> Result<String>;
}

//! The keys that sign ID tokens (Ed25519), their public JWK set, and compact JWS
//! signing. The keys live in the database ([`courier_store::ServerSecrets`]), so every
//! server instance signs with the same key and publishes the same set.
//!
//! Rotation, decided by [`plan`] from the stored keys and the clock: a new key is made
//! [`ROTATE_EVERY`]; it is published for [`PUBLISH_AHEAD`] before it signs (every
//! instance reloads the keys each [`RELOAD_EVERY`], and a client that cached the set
//! before the rotation still finds the signing key in it); the key it replaces stays
//! published [`KEEP_RETIRED`] longer (far past an ID token's life) and is then deleted.
//! A key file of an older version (`DATA/signing-key.pem`) becomes the first key.

use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use courier_store::{SigningKeyRecord, Store};
use ed25519_dalek::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use ed25519_dalek::{Signer as _, SigningKey};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::platform::clock::UnixTime;

/// How long a key signs before the next one takes over.
pub const ROTATE_EVERY: i64 = 90 * 24 * 60 * 60;
/// How long a new key is published before it signs.
pub const PUBLISH_AHEAD: i64 = 60 * 60;
/// How long a replaced key stays published.
pub const KEEP_RETIRED: i64 = 24 * 60 * 60;
/// How often each instance reloads the keys (and rotates when due).
pub const RELOAD_EVERY: Duration = Duration::from_secs(60);

/// The key file of versions that kept the key in the data folder.
const KEY_FILE: &str = "signing-key.pem";

/// What the stored keys mean at one moment.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// The index (in the newest-first list) of the key that signs.
    pub signing: usize,
    /// A new key is due.
    pub rotate: bool,
    /// Keys created before this are retired long enough to delete.
    pub delete_before: Option<UnixTime>,
}

/// Decides, from keys newest first (at least one), which signs, whether to rotate and
/// what to delete.
pub fn plan(keys: &[SigningKeyRecord], now: UnixTime) -> Plan {
    // The newest key published long enough; if none is (the very first key), the
    // oldest: nothing was published before it, so no client can be missing it.
    let signing = keys
        .iter()
        .position(|key| key.created_at + PUBLISH_AHEAD <= now)
        .unwrap_or(keys.len().saturating_sub(1));
    let newest = keys.first().map_or(UnixTime::MIN, |key| key.created_at);
    let signs_since = keys[signing].created_at + PUBLISH_AHEAD;
    Plan {
        signing,
        rotate: now >= newest + ROTATE_EVERY - PUBLISH_AHEAD,
        delete_before: (signing + 1 < keys.len() && now >= signs_since + KEEP_RETIRED)
            .then_some(keys[signing].created_at),
    }
}

/// The keys this instance signs with and publishes, reloaded from the database.
pub struct SigningKeys {
    ring: RwLock<Arc<KeyRing>>,
}

struct KeyRing {
    signing: SigningKey,
    signing_kid: String,
    /// Every stored key: (kid, public key).
    published: Vec<(String, [u8; 32])>,
}

impl SigningKeys {
    /// Loads the keys from the store: on the very first start, the data folder's old
    /// key file or else a new key becomes the first one.
    pub async fn load(store: &dyn Store, data_dir: &Path, now: UnixTime) -> Result<Self> {
        if store.signing_keys().await?.is_empty() {
            let path = data_dir.join(KEY_FILE);
            let first = if path.exists() {
                let pem = std::fs::read_to_string(&path)?;
                let key = SigningKey::from_pkcs8_pem(&pem)
                    .map_err(|error| Error::Key(format!("{}: {error}", path.display())))?;
                // Published all along: it signs at once.
                record(&key, now - PUBLISH_AHEAD)?
            } else {
                record(&SigningKey::generate(&mut rand::rngs::OsRng), now)?
            };
            // Another instance starting at the same moment may have stored its own
            // first key: then that one is used.
            store.add_signing_key(&first, UnixTime::MIN).await?;
        }
        let ring = ring(&store.signing_keys().await?, now)?;
        Ok(Self {
            ring: RwLock::new(Arc::new(ring)),
        })
    }

    /// Rotates if due (one instance adds the key), deletes retired keys and reloads.
    pub async fn reload(&self, store: &dyn Store, now: UnixTime) -> Result<()> {
        let keys = store.signing_keys().await?;
        let Some(newest) = keys.first() else {
            return Err(Error::Key(
                "the signing keys were deleted from the database".into(),
            ));
        };
        let plan = plan(&keys, now);
        if plan.rotate {
            let next = record(&SigningKey::generate(&mut rand::rngs::OsRng), now)?;
            if store.add_signing_key(&next, newest.created_at).await? {
                tracing::info!(kid = %next.kid, "made a new signing key; it signs in an hour");
            }
        }
        if let Some(before) = plan.delete_before {
            store.remove_signing_keys_before(before).await?;
        }
        let ring = ring(&store.signing_keys().await?, now)?;
        *self.ring.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(ring);
        Ok(())
    }

    fn current(&self) -> Arc<KeyRing> {
        Arc::clone(&self.ring.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// The key id that signs now.
    #[cfg(test)]
    pub fn signing_kid(&self) -> String {
        self.current().signing_kid.clone()
    }

    /// The JWK set published at the `jwks_uri`: every key not yet deleted.
    pub fn jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .current()
            .published
            .iter()
            .map(|(kid, public)| {
                json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "alg": "EdDSA",
                    "use": "sig",
                    "kid": kid,
                    "x": URL_SAFE_NO_PAD.encode(public),
                })
            })
            .collect();
        json!({ "keys": keys })
    }

    /// Signs `claims` as a compact JWS (`header.payload.signature`).
    pub fn sign_jwt(&self, claims: &impl Serialize) -> Result<String> {
        let ring = self.current();
        let header = json!({ "alg": "EdDSA", "typ": "JWT", "kid": ring.signing_kid });
        let signing_input = format!("{}.{}", base64_json(&header)?, base64_json(claims)?);
        let signature = ring.signing.sign(signing_input.as_bytes());
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }
}

/// A key id: the first 96 bits of the public key's SHA-256, base64url.
fn kid(key: &SigningKey) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(key.verifying_key().to_bytes())[..12])
}

fn record(key: &SigningKey, created_at: UnixTime) -> Result<SigningKeyRecord> {
    let pem = key
        .to_pkcs8_pem(Default::default())
        .map_err(|error| Error::Key(error.to_string()))?;
    Ok(SigningKeyRecord {
        kid: kid(key),
        pkcs8_pem: pem.to_string(),
        created_at,
    })
}

fn ring(keys: &[SigningKeyRecord], now: UnixTime) -> Result<KeyRing> {
    if keys.is_empty() {
        return Err(Error::Key("no signing key in the database".into()));
    }
    let mut published = Vec::with_capacity(keys.len());
    let mut decoded = Vec::with_capacity(keys.len());
    for stored in keys {
        let key = SigningKey::from_pkcs8_pem(&stored.pkcs8_pem)
            .map_err(|error| Error::Key(format!("signing key {}: {error}", stored.kid)))?;
        published.push((stored.kid.clone(), key.verifying_key().to_bytes()));
        decoded.push(key);
    }
    let signing = plan(keys, now).signing;
    Ok(KeyRing {
        signing: decoded.swap_remove(signing),
        signing_kid: keys[signing].kid.clone(),
        published,
    })
}

fn base64_json(value: &impl Serialize) -> Result<String> {
    let json = serde_json::to_vec(value).map_err(|error| Error::Key(error.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier as _, VerifyingKey};

    const T0: UnixTime = 1_900_000_000;

    async fn store() -> (tempfile::TempDir, Arc<dyn Store>) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("courier.db").display());
        let store = courier_store::connect(&url).await.unwrap();
        (dir, store)
    }

    fn verifies(token: &str, jwks: &Value) -> bool {
        let parts: Vec<&str> = token.split('.').collect();
        let header: Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
        let Some(jwk) = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|jwk| jwk["kid"] == header["kid"])
        else {
            return false;
        };
        let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
        let public = VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap();
        let signature = Signature::from_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap()).unwrap();
        public
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .is_ok()
    }

    fn kids(keys: &SigningKeys) -> Vec<String> {
        keys.jwks()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|jwk| jwk["kid"].as_str().unwrap().to_owned())
            .collect()
    }

    #[tokio::test]
    async fn instances_on_one_database_sign_alike_and_verify_each_other() {
        let (dir, store) = store().await;
        let a = SigningKeys::load(store.as_ref(), dir.path(), T0)
            .await
            .unwrap();
        let b = SigningKeys::load(store.as_ref(), dir.path(), T0 + 5)
            .await
            .unwrap();
        assert_eq!(a.signing_kid(), b.signing_kid());
        let token = a.sign_jwt(&json!({ "sub": "u1" })).unwrap();
        assert!(verifies(&token, &b.jwks()));
        let mut tampered = token.clone();
        tampered.replace_range(token.len() - 4.., "AAAA");
        assert!(!verifies(&tampered, &b.jwks()));
        assert!(!dir.path().join(KEY_FILE).exists(), "no key file any more");
    }

    #[tokio::test]
    async fn the_key_file_of_an_older_version_becomes_the_first_key() {
        let (dir, store) = store().await;
        let old = SigningKey::generate(&mut rand::rngs::OsRng);
        let pem = old.to_pkcs8_pem(Default::default()).unwrap();
        std::fs::write(dir.path().join(KEY_FILE), pem.as_bytes()).unwrap();
        let keys = SigningKeys::load(store.as_ref(), dir.path(), T0)
            .await
            .unwrap();
        assert_eq!(keys.signing_kid(), kid(&old), "ID tokens keep their key id");
    }

    #[tokio::test]
    async fn a_new_key_is_published_before_it_signs_and_the_old_one_goes_after() {
        let (dir, store) = store().await;
        let a = SigningKeys::load(store.as_ref(), dir.path(), T0)
            .await
            .unwrap();
        let b = SigningKeys::load(store.as_ref(), dir.path(), T0)
            .await
            .unwrap();
        let first = a.signing_kid();

        // Nothing is due before the rotation.
        let due = T0 + ROTATE_EVERY - PUBLISH_AHEAD;
        a.reload(store.as_ref(), due - 1).await.unwrap();
        assert_eq!(kids(&a), vec![first.clone()]);

        // Both instances notice at once: one new key, published, not signing yet.
        a.reload(store.as_ref(), due).await.unwrap();
        b.reload(store.as_ref(), due).await.unwrap();
        assert_eq!(kids(&a).len(), 2);
        assert_eq!(kids(&a), kids(&b));
        assert_eq!(a.signing_kid(), first);
        let second = kids(&a).into_iter().find(|kid| *kid != first).unwrap();
        let old_token = a.sign_jwt(&json!({ "sub": "u1" })).unwrap();

        // An hour on, the new key signs; the old one still verifies.
        a.reload(store.as_ref(), due + PUBLISH_AHEAD).await.unwrap();
        assert_eq!(a.signing_kid(), second);
        assert!(verifies(&old_token, &a.jwks()));

        // A day after it stopped signing, the old key is gone.
        a.reload(store.as_ref(), due + PUBLISH_AHEAD + KEEP_RETIRED - 1)
            .await
            .unwrap();
        assert_eq!(kids(&a).len(), 2);
        b.reload(store.as_ref(), due + PUBLISH_AHEAD + KEEP_RETIRED)
            .await
            .unwrap();
        assert_eq!(kids(&b), vec![second.clone()]);
        assert!(!verifies(&old_token, &b.jwks()));
        assert_eq!(b.signing_kid(), second);
    }

    #[test]
    fn the_very_first_key_signs_at_once() {
        let only = SigningKeyRecord {
            kid: "k1".into(),
            pkcs8_pem: String::new(),
            created_at: T0,
        };
        assert_eq!(
            plan(&[only], T0),
            Plan {
                signing: 0,
                rotate: false,
                delete_before: None
            }
        );
    }
}

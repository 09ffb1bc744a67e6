//! Encryption of variable values: XChaCha20-Poly1305, a random 24-byte nonce per value,
//! and associated data that binds each ciphertext to its workspace, entity, field and
//! variable name, so a ciphertext copied anywhere else does not open. A value is sealed
//! under the device's data key (format 1: work that never leaves the device) or under a
//! version of its synced workspace's data key (format 2, the version in the clear and
//! bound into the associated data), which the account's devices and a team's members
//! share end to end (see `sync::keys`). [`sealed_with`] tells which key a value needs.
//!
//! The key comes from a [`KeyStore`] the caller provides (the desktop keeps it in the
//! OS keyring; [`MemoryKeyStore`] serves tests and the CLI's throwaway runs). Without a
//! key the database runs with [`Secrets::Unavailable`]: secret values then live only in
//! memory for the session and are never written. Which values are secret, and how the
//! database stores them, is `db::secrets`' business; this module only seals and opens.

use std::fmt;
use std::sync::Mutex;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

/// The first byte of every sealed value: the format (algorithm and associated data
/// layout), so a later format can sit beside this one.
const FORMAT_V1: u8 = 1;
/// Sealed under a workspace key: the format byte, then the key's version (u32, little
/// endian).
const FORMAT_V2: u8 = 2;
const NONCE_LEN: usize = 24;
/// Starts the associated data, so a ciphertext made for another purpose under the
/// same key never opens here.
const DOMAIN: &[u8] = b"courier/variable-value/v1";
const DOMAIN_V2: &[u8] = b"courier/variable-value/v2";

/// Which key a sealed value was made with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SealedWith {
    /// The device's own data key.
    DeviceKey,
    /// This version of its workspace's shared data key.
    WorkspaceKey(u32),
}

impl SealedWith {
    /// The bytes before the nonce.
    fn header(self) -> Vec<u8> {
        match self {
            SealedWith::DeviceKey => vec![FORMAT_V1],
            SealedWith::WorkspaceKey(version) => {
                let mut header = vec![FORMAT_V2];
                header.extend_from_slice(&version.to_le_bytes());
                header
            }
        }
    }

    /// The associated data's prefix: the format's domain, and the version it names.
    fn domain(self) -> Vec<u8> {
        match self {
            SealedWith::DeviceKey => DOMAIN.to_vec(),
            SealedWith::WorkspaceKey(version) => {
                let mut domain = DOMAIN_V2.to_vec();
                domain.extend_from_slice(&version.to_le_bytes());
                domain
            }
        }
    }
}

/// Which key `sealed` needs, read from its header; `None` for text that is no sealed
/// value of a known format.
pub fn sealed_with(sealed: &str) -> Option<SealedWith> {
    let bytes = STANDARD_NO_PAD.decode(sealed).ok()?;
    split_sealed(&bytes).map(|(with, _)| with)
}

/// The header read, and the nonce and ciphertext after it.
fn split_sealed(bytes: &[u8]) -> Option<(SealedWith, &[u8])> {
    let (format, rest) = bytes.split_first()?;
    let (with, rest) = match *format {
        FORMAT_V1 => (SealedWith::DeviceKey, rest),
        FORMAT_V2 => {
            let (version, rest) = rest.split_first_chunk::<4>()?;
            (SealedWith::WorkspaceKey(u32::from_le_bytes(*version)), rest)
        }
        _ => return None,
    };
    (rest.len() >= NONCE_LEN).then_some((with, rest))
}

/// A device's 32-byte data key. Wiped from memory when dropped; `Debug` never shows it.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> Result<Self, SealError> {
        let bytes = <[u8; 32]>::try_generate().map_err(|_| SealError::Random)?;
        Ok(Self(Zeroizing::new(bytes)))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The raw key, for a [`KeyStore`] to keep.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(*self.0))
    }

    /// `plaintext` encrypted for `place` as the device's key: format byte, nonce and
    /// ciphertext, base64.
    pub fn seal(&self, place: &SealPlace<'_>, plaintext: &str) -> Result<String, SealError> {
        self.seal_as(SealedWith::DeviceKey, place, plaintext)
    }

    /// `plaintext` encrypted for `place` with this key acting as `with` (a workspace
    /// key seals as its version).
    pub fn seal_as(
        &self,
        with: SealedWith,
        place: &SealPlace<'_>,
        plaintext: &str,
    ) -> Result<String, SealError> {
        let aad = place.associated_data(&with.domain());
        let sealed = self.encrypt_framed(with.header(), &aad, plaintext.as_bytes())?;
        Ok(STANDARD_NO_PAD.encode(sealed))
    }

    /// `header`, then a fresh nonce and `plaintext` encrypted under this key with `aad`
    /// (every sealed format of the crate is this frame).
    pub(crate) fn encrypt_framed(
        &self,
        mut header: Vec<u8>,
        aad: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, SealError> {
        let nonce = XNonce::try_generate().map_err(|_| SealError::Random)?;
        let ciphertext = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| SealError::Unreadable)?;
        header.reserve(NONCE_LEN + ciphertext.len());
        header.extend_from_slice(&nonce);
        header.extend_from_slice(&ciphertext);
        Ok(header)
    }

    /// The plaintext of a frame's nonce and ciphertext (what follows its header),
    /// encrypted under this key with `aad`.
    pub(crate) fn decrypt_framed(&self, rest: &[u8], aad: &[u8]) -> Result<Vec<u8>, SealError> {
        if rest.len() < NONCE_LEN {
            return Err(SealError::Unreadable);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(nonce).map_err(|_| SealError::Unreadable)?;
        self.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| SealError::Unreadable)
    }

    /// The plaintext of a value [`seal`](Self::seal)ed (or [`seal_as`](Self::seal_as))
    /// for exactly `place` under this key; anything else (another key, place, version,
    /// or a damaged value) is [`SealError::Unreadable`].
    pub fn open(&self, place: &SealPlace<'_>, sealed: &str) -> Result<String, SealError> {
        let bytes = STANDARD_NO_PAD
            .decode(sealed)
            .map_err(|_| SealError::Unreadable)?;
        let (with, rest) = split_sealed(&bytes).ok_or(SealError::Unreadable)?;
        let plaintext = self.decrypt_framed(rest, &place.associated_data(&with.domain()))?;
        String::from_utf8(plaintext).map_err(|_| SealError::Unreadable)
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// Where a sealed value belongs; all of it is bound into the ciphertext.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SealPlace<'a> {
    pub workspace_id: &'a str,
    /// The environment's or collection's id; the workspace's id for its globals.
    pub entity_id: &'a str,
    /// Which field of the entity (`"variables"`, `"globals"`).
    pub field: &'a str,
    /// The variable's name.
    pub key: &'a str,
}

impl SealPlace<'_> {
    /// The domain, then each part length-prefixed, so no two places share bytes.
    fn associated_data(&self, domain: &[u8]) -> Vec<u8> {
        let parts = [self.workspace_id, self.entity_id, self.field, self.key];
        let mut aad =
            Vec::with_capacity(domain.len() + parts.iter().map(|p| p.len() + 8).sum::<usize>());
        aad.extend_from_slice(domain);
        for part in parts {
            aad.extend_from_slice(&(part.len() as u64).to_le_bytes());
            aad.extend_from_slice(part.as_bytes());
        }
        aad
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    /// Another key, another place, or damaged bytes: the value cannot be read.
    #[error("this value cannot be read with this device's key")]
    Unreadable,
    #[error("the system's random number generator failed")]
    Random,
}

/// Where the device's data key is kept between runs (the OS keyring on the desktop).
pub trait KeyStore: Send + Sync {
    /// The stored key, or `None` when there is none yet.
    fn load(&self) -> Result<Option<DataKey>, KeyStoreError>;
    /// Keeps `key`, replacing any stored one.
    fn save(&self, key: &DataKey) -> Result<(), KeyStoreError>;
}

/// Why the key store could not be used (the desktop turns it into its keyring message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the data key store: {0}")]
pub struct KeyStoreError(pub String);

/// A key store in memory: tests, and runs that should leave nothing behind.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    key: Mutex<Option<DataKey>>,
}

impl KeyStore for MemoryKeyStore {
    fn load(&self) -> Result<Option<DataKey>, KeyStoreError> {
        Ok(self
            .key
            .lock()
            .map_err(|_| KeyStoreError("poisoned".into()))?
            .clone())
    }

    fn save(&self, key: &DataKey) -> Result<(), KeyStoreError> {
        *self
            .key
            .lock()
            .map_err(|_| KeyStoreError("poisoned".into()))? = Some(key.clone());
        Ok(())
    }
}

/// How this session handles secret values; chosen by the caller when it opens the
/// database, and explicit so memory-only mode is never an accident.
#[derive(Debug, Clone)]
pub enum Secrets {
    /// Secret values are written sealed under this key.
    Sealed(DataKey),
    /// No key this session (the app's memory-only mode): secret values are kept in
    /// memory until the database handle is dropped and never written; values sealed
    /// in an earlier session stay stored, unread and untouched.
    Unavailable,
}

impl Secrets {
    /// The key in `store`, or a new one saved there first (the first run on a device).
    pub fn from_key_store(store: &dyn KeyStore) -> Result<Self, KeyStoreError> {
        if let Some(key) = store.load()? {
            return Ok(Self::Sealed(key));
        }
        let key = DataKey::generate().map_err(|error| KeyStoreError(error.to_string()))?;
        store.save(&key)?;
        Ok(Self::Sealed(key))
    }

    /// The key, when there is one.
    pub fn key(&self) -> Option<&DataKey> {
        match self {
            Self::Sealed(key) => Some(key),
            Self::Unavailable => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLACE: SealPlace<'static> = SealPlace {
        workspace_id: "ws-1",
        entity_id: "env-1",
        field: "variables",
        key: "token",
    };

    #[test]
    fn a_sealed_value_opens_in_its_place_and_hides_its_plaintext() {
        let key = DataKey::generate().unwrap();
        let sealed = key.seal(&PLACE, "s3cr3t-value").unwrap();
        assert!(!sealed.contains("s3cr3t"));
        assert_eq!(key.open(&PLACE, &sealed).unwrap(), "s3cr3t-value");
        // A fresh nonce each time: the same value never seals to the same text.
        assert_ne!(key.seal(&PLACE, "s3cr3t-value").unwrap(), sealed);
    }

    #[test]
    fn a_ciphertext_moved_to_another_place_or_key_does_not_open() {
        let key = DataKey::generate().unwrap();
        let sealed = key.seal(&PLACE, "s3cr3t").unwrap();
        let elsewhere = [
            SealPlace {
                workspace_id: "ws-2",
                ..PLACE
            },
            SealPlace {
                entity_id: "env-2",
                ..PLACE
            },
            SealPlace {
                field: "globals",
                ..PLACE
            },
            SealPlace {
                key: "password",
                ..PLACE
            },
            // Parts cannot trade bytes across their boundary.
            SealPlace {
                workspace_id: "ws-1env-1",
                entity_id: "",
                ..PLACE
            },
        ];
        for place in elsewhere {
            assert_eq!(
                key.open(&place, &sealed),
                Err(SealError::Unreadable),
                "{place:?}"
            );
        }
        let other_key = DataKey::generate().unwrap();
        assert_eq!(other_key.open(&PLACE, &sealed), Err(SealError::Unreadable));
    }

    #[test]
    fn damaged_values_are_unreadable_not_a_panic() {
        let key = DataKey::generate().unwrap();
        let sealed = key.seal(&PLACE, "s3cr3t").unwrap();
        let mut flipped = STANDARD_NO_PAD.decode(&sealed).unwrap();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        for bad in [
            String::new(),
            "not base64!".to_owned(),
            STANDARD_NO_PAD.encode([FORMAT_V1, 1, 2]),
            STANDARD_NO_PAD.encode(flipped),
            sealed.replacen('A', "B", 1).chars().skip(1).collect(),
        ] {
            assert_eq!(
                key.open(&PLACE, &bad),
                Err(SealError::Unreadable),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_workspace_key_version_is_read_from_the_value_and_bound_into_it() {
        let key = DataKey::generate().unwrap();
        let sealed = key
            .seal_as(SealedWith::WorkspaceKey(3), &PLACE, "s3cr3t")
            .unwrap();
        assert_eq!(sealed_with(&sealed), Some(SealedWith::WorkspaceKey(3)));
        assert_eq!(key.open(&PLACE, &sealed).unwrap(), "s3cr3t");
        let device = key.seal(&PLACE, "s3cr3t").unwrap();
        assert_eq!(sealed_with(&device), Some(SealedWith::DeviceKey));
        // The version in the header cannot be changed without the value failing.
        let mut bytes = STANDARD_NO_PAD.decode(&sealed).unwrap();
        bytes[1] = 4;
        let relabelled = STANDARD_NO_PAD.encode(&bytes);
        assert_eq!(sealed_with(&relabelled), Some(SealedWith::WorkspaceKey(4)));
        assert_eq!(key.open(&PLACE, &relabelled), Err(SealError::Unreadable));
        // Nor can a device value pass for a workspace one, or the other way round.
        bytes = STANDARD_NO_PAD.decode(&device).unwrap();
        let mut as_v2 = vec![FORMAT_V2, 0, 0, 0, 0];
        as_v2.extend_from_slice(&bytes[1..]);
        assert_eq!(
            key.open(&PLACE, &STANDARD_NO_PAD.encode(as_v2)),
            Err(SealError::Unreadable)
        );
        assert_eq!(sealed_with("not sealed"), None);
        assert_eq!(sealed_with(&STANDARD_NO_PAD.encode([FORMAT_V2, 1])), None);
    }

    #[test]
    fn the_key_store_keeps_the_first_key_it_is_given() {
        let store = MemoryKeyStore::default();
        let Secrets::Sealed(first) = Secrets::from_key_store(&store).unwrap() else {
            panic!("a key store gives a key");
        };
        let Secrets::Sealed(again) = Secrets::from_key_store(&store).unwrap() else {
            panic!("a key store gives a key");
        };
        assert_eq!(first.as_bytes(), again.as_bytes());
        assert_eq!(format!("{first:?}"), "DataKey(…)");
    }
}

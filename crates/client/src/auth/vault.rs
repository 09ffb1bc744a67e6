//! Where tokens live: the OS keyring, one entry per account (service `courier` or a
//! per-environment name, user `{issuer}#{user id}`, value the JSON token set). Never
//! a file. When no keyring is reachable the caller may choose [`MemoryVault`] for this
//! run only. Keyring calls block (D-Bus round trips), so callers run them off the
//! async runtime.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use courier_workspace::seal::{DataKey, KeyStore, KeyStoreError};
use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::clock::UnixTime;
use crate::error::{Error, Result};

/// What one account's sign-in holds. Debug never shows the secrets.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    pub access_expires_at: UnixTime,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field("access_expires_at", &self.access_expires_at)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("scope", &self.scope)
            .finish()
    }
}

/// An account's end-to-end key as a device keeps it (see
/// `courier_workspace::sync::keys`): the secret half of its key pair and the recovery
/// key, when this device made the pair or was unlocked with it (so **Show recovery
/// key** can show it again). Debug never shows either; both are wiped when dropped.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAccountKey {
    /// 32 bytes, standard base64 without padding.
    pub secret: String,
    #[serde(default)]
    pub recovery: Option<String>,
}

impl std::fmt::Debug for StoredAccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoredAccountKey([redacted])")
    }
}

impl Drop for StoredAccountKey {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        self.secret.zeroize();
        self.recovery.zeroize();
    }
}

/// A place for token sets, keyed by account id, and for each account's end-to-end key.
pub trait TokenVault: Send + Sync + 'static {
    fn put(&self, account: &str, tokens: &TokenSet) -> Result<()>;
    fn get(&self, account: &str) -> Result<Option<TokenSet>>;
    fn delete(&self, account: &str) -> Result<()>;
    fn put_account_key(&self, account: &str, key: &StoredAccountKey) -> Result<()>;
    fn get_account_key(&self, account: &str) -> Result<Option<StoredAccountKey>>;
    /// Idempotent, like [`delete`](Self::delete).
    fn delete_account_key(&self, account: &str) -> Result<()>;
    /// Where the tokens are, in words for the person ("the Secret Service (GNOME Keyring)").
    fn describe(&self) -> String;
}

pub const KEYRING_REMEDY: &str = "Courier keeps sign-ins in your desktop's keyring (the Secret \
     Service: GNOME Keyring or KWallet). Make sure it is installed, running and unlocked in your \
     session, then try again; or stay signed in for this session only (nothing is written to disk).";

/// The OS keyring through the Secret Service.
pub struct KeyringVault {
    store: Arc<CredentialStore>,
    service: String,
}

impl KeyringVault {
    /// Connects to the Secret Service and proves it can store a secret now (a locked
    /// or missing collection only shows itself on the first write).
    pub fn connect(service: &str) -> Result<Self> {
        // A keyring daemon that is still starting (D-Bus activation at login) can drop
        // the first calls; a few quick retries tell that apart from a missing keyring.
        let mut attempt = 1;
        loop {
            match Self::connect_once(service) {
                Err(Error::KeyringUnavailable { reason, .. })
                    if attempt < CONNECT_ATTEMPTS && is_transient(&reason) =>
                {
                    tracing::debug!(%reason, attempt, "keyring not answering yet; retrying");
                    std::thread::sleep(std::time::Duration::from_millis(200));
                    attempt += 1;
                }
                outcome => return outcome,
            }
        }
    }

    fn connect_once(service: &str) -> Result<Self> {
        let store: Arc<CredentialStore> =
            zbus_secret_service_keyring_store::Store::new().map_err(unavailable)?;
        let vault = Self {
            store,
            service: service.to_owned(),
        };
        let probe = vault.entry("courier-keyring-probe")?;
        probe.set_password("probe").map_err(unavailable)?;
        probe.delete_credential().map_err(unavailable)?;
        Ok(vault)
    }

    fn entry(&self, account: &str) -> Result<Entry> {
        Entry::new_in_store(&self.store, &self.service, account).map_err(other)
    }
}

const CONNECT_ATTEMPTS: u32 = 5;

/// D-Bus errors that mean "not answering yet" rather than "not there".
fn is_transient(reason: &str) -> bool {
    ["NoReply", "disconnected from message bus", "Timeout"]
        .iter()
        .any(|marker| reason.contains(marker))
}

fn unavailable(error: keyring_core::Error) -> Error {
    Error::KeyringUnavailable {
        reason: error.to_string(),
        remedy: KEYRING_REMEDY,
    }
}

fn other(error: keyring_core::Error) -> Error {
    match error {
        keyring_core::Error::PlatformFailure(_)
        | keyring_core::Error::NoStorageAccess(_)
        | keyring_core::Error::NoDefaultStore => unavailable(error),
        error => Error::Keyring(error.to_string()),
    }
}

/// The keyring entry (user name) of an account's end-to-end key.
fn account_key_entry(account: &str) -> String {
    format!("courier-account-key#{account}")
}

impl KeyringVault {
    fn put_json<T: Serialize>(&self, name: &str, value: &T) -> Result<()> {
        let json = Zeroizing::new(
            serde_json::to_string(value).map_err(|error| Error::Keyring(error.to_string()))?,
        );
        self.entry(name)?.set_password(&json).map_err(other)
    }

    fn get_json<T: serde::de::DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        match self.entry(name)?.get_password() {
            Ok(json) => {
                let json = Zeroizing::new(json);
                serde_json::from_str(&json)
                    .map(Some)
                    .map_err(|_| Error::Keyring(format!("the keyring entry {name} is damaged")))
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(other(error)),
        }
    }

    /// Idempotent: an entry already gone is deleted. Two deletes of the same entry can
    /// race (signing out revokes at the server, whose event makes this app's live
    /// updates forget the same tokens): the loser's item vanishes between the Secret
    /// Service's search and its delete, and the failure it reports then is no failure
    /// if the entry is gone.
    fn delete_entry(&self, name: &str) -> Result<()> {
        let entry = self.entry(name)?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(error) => match entry.get_password() {
                Err(keyring_core::Error::NoEntry) => Ok(()),
                _ => Err(other(error)),
            },
        }
    }
}

impl TokenVault for KeyringVault {
    fn put(&self, account: &str, tokens: &TokenSet) -> Result<()> {
        self.put_json(account, tokens)
    }

    fn get(&self, account: &str) -> Result<Option<TokenSet>> {
        self.get_json(account)
    }

    fn put_account_key(&self, account: &str, key: &StoredAccountKey) -> Result<()> {
        self.put_json(&account_key_entry(account), key)
    }

    fn get_account_key(&self, account: &str) -> Result<Option<StoredAccountKey>> {
        self.get_json(&account_key_entry(account))
    }

    fn delete_account_key(&self, account: &str) -> Result<()> {
        self.delete_entry(&account_key_entry(account))
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.delete_entry(account)
    }

    fn describe(&self) -> String {
        format!(
            "the OS keyring (Secret Service), service \"{}\"",
            self.service
        )
    }
}

/// The keyring entry (user name, under the vault's service) that holds the device's
/// data key for `courier-workspace`: one per profile, made on first use.
pub const WORKSPACE_KEY_ENTRY: &str = "courier-workspace-key";

/// The device's workspace data key lives beside the tokens, in its own entry (32
/// bytes, standard base64). Blocking, like every keyring call.
impl KeyStore for KeyringVault {
    fn load(&self) -> std::result::Result<Option<DataKey>, KeyStoreError> {
        let failed = |error: Error| KeyStoreError(error.to_string());
        match self
            .entry(WORKSPACE_KEY_ENTRY)
            .map_err(failed)?
            .get_password()
        {
            Ok(encoded) => {
                let bytes = STANDARD
                    .decode(encoded.trim())
                    .ok()
                    .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
                    .ok_or_else(|| KeyStoreError("the stored data key is damaged".into()))?;
                Ok(Some(DataKey::from_bytes(bytes)))
            }
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(error) => Err(failed(other(error))),
        }
    }

    fn save(&self, key: &DataKey) -> std::result::Result<(), KeyStoreError> {
        let failed = |error: Error| KeyStoreError(error.to_string());
        let encoded = Zeroizing::new(STANDARD.encode(key.as_bytes()));
        self.entry(WORKSPACE_KEY_ENTRY)
            .map_err(failed)?
            .set_password(&encoded)
            .map_err(|error| failed(other(error)))
    }
}

/// Tokens kept in this process only, gone when it exits.
#[derive(Default)]
pub struct MemoryVault {
    entries: Mutex<HashMap<String, TokenSet>>,
    account_keys: Mutex<HashMap<String, StoredAccountKey>>,
}

impl TokenVault for MemoryVault {
    fn put(&self, account: &str, tokens: &TokenSet) -> Result<()> {
        self.lock().insert(account.to_owned(), tokens.clone());
        Ok(())
    }

    fn get(&self, account: &str) -> Result<Option<TokenSet>> {
        Ok(self.lock().get(account).cloned())
    }

    fn delete(&self, account: &str) -> Result<()> {
        self.lock().remove(account);
        Ok(())
    }

    fn put_account_key(&self, account: &str, key: &StoredAccountKey) -> Result<()> {
        self.keys().insert(account.to_owned(), key.clone());
        Ok(())
    }

    fn get_account_key(&self, account: &str) -> Result<Option<StoredAccountKey>> {
        Ok(self.keys().get(account).cloned())
    }

    fn delete_account_key(&self, account: &str) -> Result<()> {
        self.keys().remove(account);
        Ok(())
    }

    fn describe(&self) -> String {
        "memory only, for this session (nothing is saved)".to_owned()
    }
}

impl MemoryVault {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, TokenSet>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, StoredAccountKey>> {
        self.account_keys
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_answering_counts_as_transient() {
        assert!(is_transient(
            "zbus error: org.freedesktop.DBus.Error.NoReply: Message recipient disconnected from message bus without replying"
        ));
        assert!(!is_transient(
            "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided"
        ));
        assert!(!is_transient("Couldn't access platform storage: NoResult"));
    }

    #[test]
    fn debug_output_hides_tokens() {
        let tokens = TokenSet {
            access_token: "cat_secret".into(),
            access_expires_at: 1,
            refresh_token: Some("crt_secret".into()),
            scope: None,
        };
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn memory_vault_round_trip() {
        let vault = MemoryVault::default();
        let tokens = TokenSet {
            access_token: "a".into(),
            access_expires_at: 1,
            refresh_token: None,
            scope: None,
        };
        vault.put("x", &tokens).unwrap();
        assert_eq!(vault.get("x").unwrap(), Some(tokens));
        vault.delete("x").unwrap();
        assert_eq!(vault.get("x").unwrap(), None);
    }

    #[test]
    fn an_account_key_is_kept_apart_from_the_tokens_and_never_shown() {
        let vault = MemoryVault::default();
        let key = StoredAccountKey {
            secret: "c2VjcmV0LWJ5dGVz".into(),
            recovery: Some("ABCD-EFGH".into()),
        };
        vault.put_account_key("x", &key).unwrap();
        assert_eq!(vault.get("x").unwrap(), None);
        assert_eq!(vault.get_account_key("x").unwrap(), Some(key.clone()));
        let shown = format!("{key:?}");
        assert!(
            !shown.contains("c2Vj") && !shown.contains("ABCD"),
            "{shown}"
        );
        vault.delete_account_key("x").unwrap();
        vault.delete_account_key("x").unwrap();
        assert_eq!(vault.get_account_key("x").unwrap(), None);
    }
}

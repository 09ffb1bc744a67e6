//! The keys that let an account's devices and a team's members read each other's
//! synced secret values, while the server reads none of them:
//!
//! - an account's X25519 key pair ([`AccountSecretKey`]): the public half on the
//!   server, the secret half in each device's keyring;
//! - a [`RecoveryKey`], 256 random bits shown to the person once as 13 groups of four
//!   characters, under which the secret half is kept on the server
//!   ([`AccountSecretKey::seal_backup`]), so a new device can recover it;
//! - each synced workspace's data key ([`DataKey`], a version per rotation), wrapped
//!   for each member's public key in a sealed box ([`wrap_workspace_key`]). The box's
//!   plaintext names the workspace and version, so a wrapped key moved to another
//!   workspace or version does not unwrap.
//!
//! Every text here is standard base64 without padding. What is not defended: a server
//! that hands out a public key of its own as a member's (there is no fingerprint
//! check yet), as in any end-to-end scheme without key verification.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use crypto_box::aead::OsRng;
use crypto_box::{PublicKey, SecretKey};
use zeroize::Zeroizing;

use crate::seal::DataKey;

const BACKUP_FORMAT: u8 = 1;
const BACKUP_DOMAIN: &[u8] = b"courier/account-key-backup/v1";
const WRAP_DOMAIN: &[u8] = b"courier/workspace-key/v1";

/// Why a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// A recovery key that does not open the backup (mistyped, or an older one).
    #[error("that recovery key does not open this account's secrets")]
    WrongRecoveryKey,
    /// Not the shape of a recovery key at all.
    #[error("a recovery key is 52 letters and digits (dashes and spaces do not matter)")]
    MalformedRecoveryKey,
    /// A wrapped key or public key that is damaged, or not for this account, workspace
    /// or version.
    #[error("this key was not made for this account, workspace or version")]
    Unreadable,
    #[error("the system's random number generator failed")]
    Random,
}

/// The secret half of an account's key pair. Wiped when dropped; `Debug` hides it.
#[derive(Clone)]
pub struct AccountSecretKey(SecretKey);

impl AccountSecretKey {
    /// A new key pair from the operating system's generator.
    pub fn generate() -> Self {
        Self(SecretKey::generate(&mut OsRng))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(SecretKey::from_bytes(bytes))
    }

    /// The raw secret, for the keyring.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public half, as the server keeps it.
    pub fn public_key(&self) -> String {
        STANDARD_NO_PAD.encode(self.0.public_key().as_bytes())
    }

    /// This secret sealed under `recovery` for `account_id` (the server keeps it).
    pub fn seal_backup(
        &self,
        recovery: &RecoveryKey,
        account_id: &str,
    ) -> Result<String, KeyError> {
        let sealed = recovery
            .0
            .encrypt_framed(
                vec![BACKUP_FORMAT],
                &backup_aad(account_id),
                self.to_bytes().as_slice(),
            )
            .map_err(|_| KeyError::Random)?;
        Ok(STANDARD_NO_PAD.encode(sealed))
    }

    /// The secret in `backup`, opened with `recovery`.
    pub fn open_backup(
        backup: &str,
        recovery: &RecoveryKey,
        account_id: &str,
    ) -> Result<Self, KeyError> {
        let bytes = STANDARD_NO_PAD
            .decode(backup)
            .map_err(|_| KeyError::WrongRecoveryKey)?;
        let Some((&BACKUP_FORMAT, rest)) = bytes.split_first() else {
            return Err(KeyError::WrongRecoveryKey);
        };
        let secret = Zeroizing::new(
            recovery
                .0
                .decrypt_framed(rest, &backup_aad(account_id))
                .map_err(|_| KeyError::WrongRecoveryKey)?,
        );
        let bytes =
            <[u8; 32]>::try_from(secret.as_slice()).map_err(|_| KeyError::WrongRecoveryKey)?;
        Ok(Self::from_bytes(bytes))
    }

    /// The data key of `workspace_id`'s `version` in `wrapped`, made for this key.
    pub fn unwrap_workspace_key(
        &self,
        wrapped: &str,
        workspace_id: &str,
        version: u32,
    ) -> Result<DataKey, KeyError> {
        let sealed = STANDARD_NO_PAD
            .decode(wrapped)
            .map_err(|_| KeyError::Unreadable)?;
        let plaintext = Zeroizing::new(self.0.unseal(&sealed).map_err(|_| KeyError::Unreadable)?);
        let label = wrap_label(workspace_id, version);
        let key = plaintext
            .strip_prefix(label.as_slice())
            .and_then(|key| <[u8; 32]>::try_from(key).ok())
            .ok_or(KeyError::Unreadable)?;
        Ok(DataKey::from_bytes(key))
    }
}

impl fmt::Debug for AccountSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccountSecretKey(…)")
    }
}

/// `key`, version `version` of `workspace_id`'s data key, wrapped for `public_key` (a
/// member's, base64).
pub fn wrap_workspace_key(
    key: &DataKey,
    workspace_id: &str,
    version: u32,
    public_key: &str,
) -> Result<String, KeyError> {
    let public = STANDARD_NO_PAD
        .decode(public_key)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(PublicKey::from)
        .ok_or(KeyError::Unreadable)?;
    let mut plaintext = Zeroizing::new(wrap_label(workspace_id, version));
    plaintext.extend_from_slice(key.as_bytes());
    let sealed = public
        .seal(&mut OsRng, &plaintext)
        .map_err(|_| KeyError::Random)?;
    Ok(STANDARD_NO_PAD.encode(sealed))
}

/// What a wrapped key's plaintext starts with: the domain, the workspace (length
/// first) and the version.
fn wrap_label(workspace_id: &str, version: u32) -> Vec<u8> {
    let mut label = WRAP_DOMAIN.to_vec();
    label.extend_from_slice(&(workspace_id.len() as u64).to_le_bytes());
    label.extend_from_slice(workspace_id.as_bytes());
    label.extend_from_slice(&version.to_le_bytes());
    label
}

fn backup_aad(account_id: &str) -> Vec<u8> {
    let mut aad = BACKUP_DOMAIN.to_vec();
    aad.extend_from_slice(account_id.as_bytes());
    aad
}

/// Crockford's base32: no I, L, O or U, so nothing reads as something else.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const RECOVERY_CHARS: usize = 52;

/// 256 random bits that open an account's key backup. Shown once, in groups of four
/// ([`RecoveryKey::display`]); typed back in any case, with or without dashes and
/// spaces, `I`/`L` read as 1 and `O` as 0. Wiped when dropped; `Debug` hides it.
#[derive(Clone)]
pub struct RecoveryKey(DataKey);

impl RecoveryKey {
    pub fn generate() -> Result<Self, KeyError> {
        DataKey::generate().map(Self).map_err(|_| KeyError::Random)
    }

    /// `XXXX-XXXX-…`: 13 groups of four.
    pub fn display(&self) -> Zeroizing<String> {
        let mut chars = Zeroizing::new(String::with_capacity(RECOVERY_CHARS + 12));
        let mut buffer: u32 = 0;
        let mut bits = 0;
        let mut written = 0;
        let mut push = |index: u32, chars: &mut String| {
            if written > 0 && written % 4 == 0 {
                chars.push('-');
            }
            chars.push(ALPHABET[index as usize] as char);
            written += 1;
        };
        for byte in self.0.as_bytes() {
            buffer = (buffer << 8) | u32::from(*byte);
            bits += 8;
            while bits >= 5 {
                bits -= 5;
                push((buffer >> bits) & 31, &mut chars);
            }
        }
        if bits > 0 {
            push((buffer << (5 - bits)) & 31, &mut chars);
        }
        chars
    }

    /// A recovery key as the person typed it.
    pub fn parse(typed: &str) -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        let mut buffer: u32 = 0;
        let mut bits = 0;
        let mut filled = 0;
        let mut count = 0;
        for typed in typed
            .chars()
            .filter(|c| !matches!(c, '-' | ' ' | '\t' | '\n'))
        {
            let value = match typed.to_ascii_uppercase() {
                'I' | 'L' => 1,
                'O' => 0,
                c => ALPHABET
                    .iter()
                    .position(|&a| a as char == c)
                    .ok_or(KeyError::MalformedRecoveryKey)? as u32,
            };
            count += 1;
            if count > RECOVERY_CHARS {
                return Err(KeyError::MalformedRecoveryKey);
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if bits >= 8 {
                bits -= 8;
                if filled < 32 {
                    bytes[filled] = (buffer >> bits) as u8;
                    filled += 1;
                }
            }
        }
        if count != RECOVERY_CHARS {
            return Err(KeyError::MalformedRecoveryKey);
        }
        Ok(Self(DataKey::from_bytes(*bytes)))
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_key_reads_back_however_it_is_typed() {
        let key = RecoveryKey::generate().unwrap();
        let shown = key.display();
        assert_eq!(shown.len(), 52 + 12);
        assert_eq!(shown.split('-').count(), 13);
        let typed = shown
            .to_lowercase()
            .replace('-', " ")
            .replace('1', "l")
            .replace('0', "o");
        assert_eq!(
            RecoveryKey::parse(&typed).unwrap().0.as_bytes(),
            key.0.as_bytes()
        );
        for bad in [
            "",
            "ABCD",
            &format!("{}X", *shown),
            &shown.replace(shown.chars().next().unwrap(), "U"),
        ] {
            assert_eq!(
                RecoveryKey::parse(bad).map(|_| ()),
                Err(KeyError::MalformedRecoveryKey),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_backup_opens_with_its_recovery_key_for_its_account_only() {
        let secret = AccountSecretKey::generate();
        let recovery = RecoveryKey::generate().unwrap();
        let backup = secret.seal_backup(&recovery, "acct-1").unwrap();
        let opened = AccountSecretKey::open_backup(&backup, &recovery, "acct-1").unwrap();
        assert_eq!(opened.public_key(), secret.public_key());
        let other = RecoveryKey::generate().unwrap();
        for (backup, recovery, account) in [
            (backup.as_str(), &other, "acct-1"),
            (backup.as_str(), &recovery, "acct-2"),
            ("garbage", &recovery, "acct-1"),
        ] {
            assert_eq!(
                AccountSecretKey::open_backup(backup, recovery, account).map(|_| ()),
                Err(KeyError::WrongRecoveryKey)
            );
        }
    }

    #[test]
    fn a_wrapped_workspace_key_opens_for_its_holder_workspace_and_version_only() {
        let holder = AccountSecretKey::generate();
        let key = DataKey::generate().unwrap();
        let wrapped = wrap_workspace_key(&key, "ws-1", 2, &holder.public_key()).unwrap();
        let unwrapped = holder.unwrap_workspace_key(&wrapped, "ws-1", 2).unwrap();
        assert_eq!(unwrapped.as_bytes(), key.as_bytes());
        assert!(holder.unwrap_workspace_key(&wrapped, "ws-2", 2).is_err());
        assert!(holder.unwrap_workspace_key(&wrapped, "ws-1", 3).is_err());
        let stranger = AccountSecretKey::generate();
        assert!(stranger.unwrap_workspace_key(&wrapped, "ws-1", 2).is_err());
        assert_eq!(
            wrap_workspace_key(&key, "ws-1", 2, "not a key").map(|_| ()),
            Err(KeyError::Unreadable)
        );
        assert_eq!(format!("{holder:?}"), "AccountSecretKey(…)");
    }
}

//! End-to-end keys in the desktop's sync: what lets an account's other devices and a
//! team's members read synced secret values (the crypto is
//! `courier_workspace::sync::keys`; the server only relays).
//!
//! - The account's key pair is made by the first device that syncs, its public half
//!   and a backup of its secret half (sealed under a new recovery key) published, the
//!   secret half and the recovery key kept in this device's keyring. A device whose
//!   keyring lacks the account's current key is *locked* for secrets (everything else
//!   syncs) until the person types the recovery key ([`unlock`]).
//! - Each synced workspace's data key: the first device that reaches it without one
//!   makes version 1, publishes it wrapped for every member with a public key, and
//!   only then seals the workspace's values under it (so two devices racing for the
//!   same version never both use theirs: the loser takes the winner's). Devices take
//!   the versions wrapped for them; one holding the current version wraps it for
//!   members who lack it (a teammate who joined later, a key pair replaced) and, when
//!   someone who held it has left, makes the next version and seals the values anew.

use courier_proto::{
    ErrorKind, MemberKey, NewAccountKey, PublishWorkspaceKey, WorkspaceKeys, WrappedFor,
};
use courier_workspace::db::WorkspaceDb;
use courier_workspace::seal::DataKey;
use courier_workspace::sync::SyncFailure;
use courier_workspace::sync::keys::{AccountSecretKey, KeyError, RecoveryKey, wrap_workspace_key};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use crate::api::{AccountApi, Published, sync_failure};
use crate::auth::vault::StoredAccountKey;
use crate::courier::Courier;
use crate::error::{Error, Result};

/// The account's secret key on this device; a new key pair is made and published
/// first when the account has none. `None`: the account's key pair is one this device
/// does not hold (locked until [`unlock`]).
pub(super) async fn account_secret(
    courier: &Courier,
    api: &AccountApi<'_>,
    account: &str,
) -> std::result::Result<Option<AccountSecretKey>, SyncFailure> {
    let published = api.account_key().await.map_err(sync_failure)?;
    let stored = courier.stored_account_key(account).await.map_err(local)?;
    let held = stored.as_ref().and_then(|stored| secret_of(stored).ok());
    match published {
        Some(published) => Ok(held.filter(|secret| secret.public_key() == published.public_key)),
        None => {
            let secret = AccountSecretKey::generate();
            let recovery = RecoveryKey::generate().map_err(local)?;
            let backup = secret.seal_backup(&recovery, account).map_err(local)?;
            // Kept here before it is published: a key pair the server has and no
            // device holds would lock every device out.
            courier
                .store_account_key(account, stored_key(&secret, Some(&recovery)))
                .await
                .map_err(local)?;
            api.put_account_key(&NewAccountKey {
                public_key: secret.public_key(),
                recovery_sealed: backup,
            })
            .await
            .map_err(sync_failure)?;
            tracing::info!(account, "published the account's end-to-end key");
            Ok(Some(secret))
        }
    }
}

/// A failure on this device (the keyring, the system's generator) as a round's.
fn local(error: impl std::fmt::Display) -> SyncFailure {
    SyncFailure::Local(courier_workspace::db::Error::Storage(error.to_string()))
}

fn stored_key(secret: &AccountSecretKey, recovery: Option<&RecoveryKey>) -> StoredAccountKey {
    StoredAccountKey {
        secret: STANDARD_NO_PAD.encode(*secret.to_bytes()),
        recovery: recovery.map(|recovery| recovery.display().to_string()),
    }
}

fn secret_of(stored: &StoredAccountKey) -> std::result::Result<AccountSecretKey, KeyError> {
    STANDARD_NO_PAD
        .decode(&stored.secret)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .map(AccountSecretKey::from_bytes)
        .ok_or(KeyError::Unreadable)
}

/// What [`settle_workspace_keys`] changed on this device.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Settled {
    /// Versions taken from the server (values sealed under them now open).
    pub received: usize,
    /// Entities sealed again under a version this device made (to push).
    pub resealed: usize,
}

/// Brings `workspace_id`'s key versions wrapped for this account onto the device,
/// shares the current one with members who lack it, and makes the next version when
/// there is none yet or someone who held it has left.
pub(super) async fn settle_workspace_keys(
    db: &WorkspaceDb,
    api: &AccountApi<'_>,
    secret: &AccountSecretKey,
    workspace_id: &str,
) -> std::result::Result<Settled, SyncFailure> {
    let mut settled = Settled::default();
    let Some(keys) = api
        .workspace_keys(workspace_id)
        .await
        .map_err(sync_failure)?
    else {
        return Ok(settled);
    };
    let held = db.workspace_key_versions(workspace_id);
    for wrapped in keys.mine.iter().filter(|w| !held.contains(&w.version)) {
        match secret.unwrap_workspace_key(&wrapped.wrapped, workspace_id, wrapped.version) {
            Ok(key) => {
                db.keep_workspace_key(workspace_id, wrapped.version, &key)
                    .await?;
                settled.received += 1;
            }
            Err(error) => {
                tracing::warn!(workspace = workspace_id, version = wrapped.version, %error, "a wrapped key does not open");
            }
        }
    }
    let current = db
        .workspace_key(workspace_id, Some(keys.current_version))
        .filter(|_| keys.current_version > 0);
    match current {
        None if keys.current_version == 0 => {
            settled.resealed = start_version(db, api, &keys, workspace_id, 1).await?;
        }
        // Not given the current version yet (a device that holds it will wrap it).
        None => {}
        Some(_) if keys.rotation_needed => {
            let next = keys.current_version + 1;
            settled.resealed = start_version(db, api, &keys, workspace_id, next).await?;
        }
        Some((version, key)) => {
            let lacking: Vec<&MemberKey> =
                keys.members.iter().filter(|m| !m.holds_current).collect();
            let wrapped = wrap_for(&key, workspace_id, version, lacking)?;
            if !wrapped.is_empty() {
                let publish = PublishWorkspaceKey { version, wrapped };
                api.publish_workspace_key(workspace_id, &publish)
                    .await
                    .map_err(sync_failure)?;
            }
        }
    }
    Ok(settled)
}

/// Makes version `version`, publishes it for every member with a public key, and,
/// when it is stored, seals the workspace's values under it. Returns the entities
/// sealed again (0 when another device took the version first).
async fn start_version(
    db: &WorkspaceDb,
    api: &AccountApi<'_>,
    keys: &WorkspaceKeys,
    workspace_id: &str,
    version: u32,
) -> std::result::Result<usize, SyncFailure> {
    let key = DataKey::generate().map_err(local)?;
    let wrapped = wrap_for(&key, workspace_id, version, keys.members.iter().collect())?;
    let publish = PublishWorkspaceKey { version, wrapped };
    match api
        .publish_workspace_key(workspace_id, &publish)
        .await
        .map_err(sync_failure)?
    {
        Published::Stored(_) => {
            let resealed = db.start_workspace_key(workspace_id, version, &key).await?;
            tracing::info!(
                workspace = workspace_id,
                version,
                resealed,
                "made a new workspace key"
            );
            Ok(resealed)
        }
        Published::VersionTaken => Ok(0),
    }
}

/// `key` wrapped for each of `members` that has a public key.
fn wrap_for(
    key: &DataKey,
    workspace_id: &str,
    version: u32,
    members: Vec<&MemberKey>,
) -> std::result::Result<Vec<WrappedFor>, SyncFailure> {
    let mut wrapped = Vec::new();
    for member in members {
        let Some(public_key) = &member.public_key else {
            continue;
        };
        match wrap_workspace_key(key, workspace_id, version, public_key) {
            Ok(text) => wrapped.push(WrappedFor {
                account_id: member.account_id.clone(),
                wrapped: text,
            }),
            Err(error) => {
                tracing::warn!(account = %member.account_id, %error, "a member's public key is unusable");
            }
        }
    }
    Ok(wrapped)
}

/// Unlocks the account's synced secrets on this device with the recovery key the
/// person typed: opens the backup on the server and keeps the secret key (and the
/// recovery key) in the keyring.
pub async fn unlock(courier: &Courier, account: &str, typed: &str) -> Result<()> {
    let recovery = RecoveryKey::parse(typed).map_err(key_error)?;
    let published = courier
        .api(account)
        .account_key()
        .await?
        .ok_or_else(|| refused("this account has no synced secrets to unlock yet".into()))?;
    let secret = AccountSecretKey::open_backup(&published.recovery_sealed, &recovery, account)
        .map_err(key_error)?;
    if secret.public_key() != published.public_key {
        return Err(key_error(KeyError::WrongRecoveryKey));
    }
    courier
        .store_account_key(account, stored_key(&secret, Some(&recovery)))
        .await
}

/// The recovery key kept on this device, to show again; `None` when this device was
/// never given it.
pub async fn recovery_key(courier: &Courier, account: &str) -> Result<Option<String>> {
    Ok(courier
        .stored_account_key(account)
        .await?
        .and_then(|stored| stored.recovery.clone()))
}

fn key_error(error: KeyError) -> Error {
    refused(error.to_string())
}

/// Refused before anything changed, beside the recovery key's field.
fn refused(message: String) -> Error {
    Error::refused_field(ErrorKind::InvalidInput, "recovery_key", &message)
}

//! End-to-end keys for synced secret values: an account's key pair (its public key, and
//! its private key sealed under a recovery key the server never sees) and each synced
//! workspace's data key, wrapped for the members' public keys. The server checks only
//! the form of what it keeps (a public key is 32 bytes; every text is bounded) and who
//! may read or publish it; what a publish may write is the store's rule
//! (`courier_store::SyncKeys`). After a change, every account that reaches the
//! workspace hears `WorkspaceKeysChanged`, so its devices read the keys again (to open
//! a new version, wrap it for a newcomer, or rotate after someone left). Nothing here
//! knows about HTTP.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use courier_proto::{
    AccountKey, MAX_KEY_TEXT, MAX_WRAPPED_PER_PUBLISH, MemberKey, NewAccountKey,
    PublishWorkspaceKey, ServerEvent, WorkspaceKeys, WrappedKey,
};
use courier_store::{AccountKeyRecord, PublishOutcome, PublishRefusal, Store, WorkspaceKeysView};

use crate::error::Error;
use crate::workspaces::{Deps, MAX_ID_LEN, tell_audience};

/// Why a key call was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// No key pair, or no such workspace for the caller (one answer for both cases).
    #[error("not found")]
    NotFound,
    /// A field was refused: `(field, message)`.
    #[error("{1}")]
    Invalid(String, String),
    /// The version was taken by another device first, or the request was read before a
    /// change: read the keys again.
    #[error(
        "version {asked} cannot be published: the current version is {current}; read the keys again"
    )]
    VersionTaken { asked: u32, current: i64 },
    /// The caller has no key pair yet.
    #[error("publish this account's key first (PUT /api/v1/account/key)")]
    NoAccountKey,
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for KeyError {
    fn from(error: courier_store::StoreError) -> Self {
        KeyError::Internal(error.into())
    }
}

pub type Result<T, E = KeyError> = std::result::Result<T, E>;

/// The length of an X25519 public key.
const PUBLIC_KEY_BYTES: usize = 32;

fn invalid(field: &str, message: impl Into<String>) -> KeyError {
    KeyError::Invalid(field.to_owned(), message.into())
}

/// A public key is 32 bytes in standard base64 without padding.
fn checked_public_key(field: &str, text: &str) -> Result<()> {
    match STANDARD_NO_PAD.decode(text) {
        Ok(bytes) if bytes.len() == PUBLIC_KEY_BYTES => Ok(()),
        _ => Err(invalid(
            field,
            "A public key is 32 bytes in standard base64 without padding (43 characters).",
        )),
    }
}

/// An opaque key text: not empty, and at most [`MAX_KEY_TEXT`] characters.
fn checked_text(field: &str, text: &str) -> Result<()> {
    let length = text.chars().count();
    if (1..=MAX_KEY_TEXT).contains(&length) {
        Ok(())
    } else {
        Err(invalid(
            field,
            format!("Send 1 to {MAX_KEY_TEXT} characters."),
        ))
    }
}

fn account_key_view(record: AccountKeyRecord) -> AccountKey {
    AccountKey {
        public_key: record.public_key,
        recovery_sealed: record.recovery_sealed,
        created_at: record.created_at,
    }
}

/// A version as the API shows it; one the store cannot have written is a server fault.
fn version(stored: i64) -> Result<u32> {
    u32::try_from(stored)
        .map_err(|_| Error::Corrupt(format!("stored key version {stored} is out of range")).into())
}

fn workspace_keys_view(view: WorkspaceKeysView) -> Result<WorkspaceKeys> {
    Ok(WorkspaceKeys {
        current_version: version(view.current_version)?,
        mine: view
            .mine
            .into_iter()
            .map(|copy| {
                Ok(WrappedKey {
                    version: version(copy.version)?,
                    wrapped: copy.wrapped,
                })
            })
            .collect::<Result<_>>()?,
        members: view
            .members
            .into_iter()
            .map(|member| MemberKey {
                account_id: member.account_id,
                public_key: member.public_key,
                holds_current: member.holds_current,
            })
            .collect(),
        rotation_needed: view.rotation_needed,
    })
}

/// The caller's key pair.
pub async fn account_key(store: &dyn Store, user_id: &str) -> Result<AccountKey> {
    let record = store.account_key(user_id).await?;
    record.map(account_key_view).ok_or(KeyError::NotFound)
}

/// Publishes or replaces the caller's key pair. A public key new to the workspaces the
/// account reaches (its first, or one replacing another, which leaves them without its
/// copies) is heard of by their members, so a device that holds each key wraps it for
/// the new public key at once.
pub async fn put_account_key(
    deps: &Deps<'_>,
    user_id: &str,
    new: &NewAccountKey,
) -> Result<AccountKey> {
    checked_public_key("public_key", &new.public_key)?;
    checked_text("recovery_sealed", &new.recovery_sealed)?;
    let now = deps.clock.now();
    let first = deps.store.account_key(user_id).await?.is_none();
    let put = deps
        .store
        .put_account_key(user_id, &new.public_key, &new.recovery_sealed, now)
        .await?;
    if first || put.replaced {
        match deps.store.workspaces_of(user_id).await {
            Ok(workspaces) => {
                for workspace in workspaces {
                    tell_keys_changed(deps, &workspace.id).await;
                }
            }
            Err(error) => tracing::warn!(%error, "could not tell of a new account key"),
        }
    }
    Ok(account_key_view(put.record))
}

/// The workspace's keys as the caller sees them.
pub async fn workspace_keys(
    store: &dyn Store,
    user_id: &str,
    workspace_id: &str,
) -> Result<WorkspaceKeys> {
    if workspace_id.len() > MAX_ID_LEN {
        return Err(KeyError::NotFound);
    }
    let view = store.workspace_keys(workspace_id, user_id).await?;
    workspace_keys_view(view.ok_or(KeyError::NotFound)?)
}

/// The request's copies as the store takes them, or the field that was refused.
fn checked_wraps(publish: &PublishWorkspaceKey) -> Result<Vec<(String, String)>> {
    if publish.version < 1 {
        return Err(invalid("version", "Versions start at 1."));
    }
    if publish.wrapped.is_empty() || publish.wrapped.len() > MAX_WRAPPED_PER_PUBLISH {
        return Err(invalid(
            "wrapped",
            format!("Send 1 to {MAX_WRAPPED_PER_PUBLISH} wrapped keys."),
        ));
    }
    publish
        .wrapped
        .iter()
        .enumerate()
        .map(|(index, copy)| {
            if copy.account_id.is_empty() || copy.account_id.len() > MAX_ID_LEN {
                return Err(not_a_member(index));
            }
            checked_text(&format!("wrapped[{index}].wrapped"), &copy.wrapped)?;
            Ok((copy.account_id.clone(), copy.wrapped.clone()))
        })
        .collect()
}

fn not_a_member(index: usize) -> KeyError {
    invalid(
        &format!("wrapped[{index}].account_id"),
        "This account does not reach the workspace.",
    )
}

/// Publishes a new version of the workspace's key, or copies of the current one, and
/// tells everyone who reaches the workspace. Answers the keys as they now stand.
pub async fn publish(
    deps: &Deps<'_>,
    user_id: &str,
    workspace_id: &str,
    publish: &PublishWorkspaceKey,
) -> Result<WorkspaceKeys> {
    if workspace_id.len() > MAX_ID_LEN {
        return Err(KeyError::NotFound);
    }
    let wraps = checked_wraps(publish)?;
    let now = deps.clock.now();
    let outcome = deps
        .store
        .publish_workspace_key(
            workspace_id,
            user_id,
            i64::from(publish.version),
            &wraps,
            now,
        )
        .await?
        .ok_or(KeyError::NotFound)?;
    match outcome {
        PublishOutcome::Published { written, .. } => {
            if !written.is_empty() {
                tell_keys_changed(deps, workspace_id).await;
            }
        }
        PublishOutcome::VersionTaken { current_version } => {
            return Err(KeyError::VersionTaken {
                asked: publish.version,
                current: current_version,
            });
        }
        PublishOutcome::Refused(refusal) => return Err(refused(refusal)),
    }
    workspace_keys(deps.store, user_id, workspace_id).await
}

fn refused(refusal: PublishRefusal) -> KeyError {
    match refusal {
        PublishRefusal::CallerHasNoKey => KeyError::NoAccountKey,
        PublishRefusal::CallerCopyMissing => invalid(
            "wrapped",
            "A new version includes a copy for your own account.",
        ),
        PublishRefusal::NotReached { index, .. } => not_a_member(index),
        PublishRefusal::NoPublicKey { index, .. } => invalid(
            &format!("wrapped[{index}].account_id"),
            "This account has no public key yet.",
        ),
    }
}

async fn tell_keys_changed(deps: &Deps<'_>, workspace_id: &str) {
    let event = ServerEvent::WorkspaceKeysChanged {
        workspace_id: workspace_id.to_owned(),
    };
    tell_audience(deps, workspace_id, event).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_key_is_32_bytes_of_unpadded_standard_base64() {
        let key = STANDARD_NO_PAD.encode([7u8; 32]);
        assert!(checked_public_key("public_key", &key).is_ok());
        let padded = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let url_safe = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([0xfb; 32]);
        let short = STANDARD_NO_PAD.encode([7u8; 31]);
        for bad in [padded.as_str(), &url_safe, &short, "", "not base64!"] {
            assert!(
                matches!(checked_public_key("public_key", bad), Err(KeyError::Invalid(field, _)) if field == "public_key"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn key_texts_are_bounded_in_characters() {
        assert!(checked_text("t", &"é".repeat(MAX_KEY_TEXT)).is_ok());
        assert!(checked_text("t", "").is_err());
        assert!(checked_text("t", &"x".repeat(MAX_KEY_TEXT + 1)).is_err());
    }
}

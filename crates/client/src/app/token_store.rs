//! Which token store this run uses: the OS keyring, memory only (the person's choice
//! when no keyring answers), or none yet — with the reason and the remedy the UI
//! shows. Opening the client ([`Courier`]) over the chosen store happens here too.

use std::sync::Arc;

use crate::auth::browser::SystemBrowser;
use crate::auth::vault::{KEYRING_REMEDY, KeyringVault, TokenVault};
use crate::clock::SystemClock;
use crate::config::ClientConfig;
use crate::courier::Courier;
use crate::error::Error;

use super::view::VaultStatus;

/// The client over the OS keyring, or why there is none; and the keyring itself,
/// which also keeps the device's workspace data key.
pub(super) fn connect_keyring(
    config: &ClientConfig,
) -> (Option<Arc<Courier>>, VaultStatus, Option<Arc<KeyringVault>>) {
    match KeyringVault::connect(&config.keyring_service) {
        Ok(vault) => {
            let vault = Arc::new(vault);
            let (courier, status) = courier_with(config, vault.clone());
            (courier, status, Some(vault))
        }
        Err(Error::KeyringUnavailable { reason, remedy }) => {
            tracing::warn!(%reason, "no keyring reachable");
            (
                None,
                VaultStatus::Unavailable {
                    reason,
                    remedy: remedy.to_owned(),
                },
                None,
            )
        }
        Err(error) => {
            let remedy = KEYRING_REMEDY.to_owned();
            (
                None,
                VaultStatus::Unavailable {
                    reason: error.to_string(),
                    remedy,
                },
                None,
            )
        }
    }
}

/// The client over `vault`, or why it could not be opened (a damaged account list).
pub(super) fn courier_with(
    config: &ClientConfig,
    vault: Arc<dyn TokenVault>,
) -> (Option<Arc<Courier>>, VaultStatus) {
    let description = vault.describe();
    let memory_only = description.starts_with("memory");
    match Courier::new(
        config.clone(),
        vault,
        Arc::new(SystemClock),
        Arc::new(SystemBrowser),
    ) {
        Ok(courier) => {
            let status = if memory_only {
                VaultStatus::MemoryOnly { description }
            } else {
                VaultStatus::Keyring { description }
            };
            (Some(Arc::new(courier)), status)
        }
        Err(error) => {
            let remedy = "Move the damaged file away and start Courier again.".to_owned();
            (
                None,
                VaultStatus::Unavailable {
                    reason: error.to_string(),
                    remedy,
                },
            )
        }
    }
}

//! The desktop's state: the client (`Courier`) once a token store is chosen, what the
//! UI is told about that store, the sign-in in progress (so the UI can reopen the
//! browser or skip), the accounts' events channels, and the one desktop-only setting
//! (the welcome was passed).

use std::path::PathBuf;
use std::sync::Arc;

use courier_client::accounts::RegistryFile;
use courier_client::browser::SystemBrowser;
use courier_client::clock::SystemClock;
use courier_client::config::{ClientConfig, Environment};
use courier_client::signin::Canceller;
use courier_client::vault::{KeyringVault, MemoryVault, TokenVault};
use courier_client::view::{AccountView, AppSnapshot, VaultStatus};
use courier_client::{Courier, Error, Result};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};

use crate::channels::Channels;

/// Debug builds use the development folder and keyring service, so they never touch
/// a person's real accounts.
pub fn environment() -> Environment {
    if cfg!(debug_assertions) {
        Environment::Development
    } else {
        Environment::Production
    }
}

fn connect_keyring(config: &ClientConfig) -> (Option<Arc<Courier>>, VaultStatus) {
    match KeyringVault::connect(&config.keyring_service) {
        Ok(vault) => courier_with(config, Arc::new(vault)),
        Err(Error::KeyringUnavailable { reason, remedy }) => {
            tracing::warn!(%reason, "no keyring reachable");
            (
                None,
                VaultStatus::Unavailable {
                    reason,
                    remedy: remedy.to_owned(),
                },
            )
        }
        Err(error) => {
            let remedy = courier_client::vault::KEYRING_REMEDY.to_owned();
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

fn courier_with(
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

/// The sign-in the UI is waiting for.
pub struct PendingSignIn {
    pub attempt: u32,
    pub url: String,
    pub canceller: Canceller,
}

pub struct DesktopState {
    config: ClientConfig,
    courier: RwLock<Option<Arc<Courier>>>,
    vault: RwLock<VaultStatus>,
    pub(crate) pending: Mutex<Option<PendingSignIn>>,
    attempts: std::sync::atomic::AtomicU32,
    /// The events channel of each signed-in account.
    pub(crate) channels: Channels,
}

/// Settings of the desktop app itself (not accounts, not secrets).
#[derive(Debug, Default, Serialize, Deserialize)]
struct DesktopSettings {
    welcome_done: bool,
}

impl DesktopState {
    /// Opens the client with the OS keyring, or remembers why that failed.
    pub fn open(environment: Environment) -> Self {
        Self::with_config(ClientConfig::for_environment(environment))
    }

    pub fn with_config(config: ClientConfig) -> Self {
        let (courier, status) = connect_keyring(&config);
        Self {
            config,
            courier: RwLock::new(courier),
            vault: RwLock::new(status),
            pending: Mutex::new(None),
            attempts: std::sync::atomic::AtomicU32::new(0),
            channels: Channels::default(),
        }
    }

    /// Tries the keyring again (after the person started or unlocked it).
    pub async fn retry_keyring(&self) {
        let (courier, status) = connect_keyring(&self.config);
        *self.courier.write().await = courier;
        *self.vault.write().await = status;
    }

    /// A number for the next sign-in attempt.
    pub fn next_attempt(&self) -> u32 {
        self.attempts
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1
    }

    /// The keyring stopped answering mid-run (locked, daemon gone): say so.
    pub async fn keyring_lost(&self, reason: String) {
        *self.courier.write().await = None;
        *self.vault.write().await = VaultStatus::Unavailable {
            reason,
            remedy: courier_client::vault::KEYRING_REMEDY.to_owned(),
        };
    }

    /// Keeps tokens in memory for this run only.
    pub async fn use_memory_vault(&self) {
        let (courier, status) = courier_with(&self.config, Arc::new(MemoryVault::default()));
        *self.courier.write().await = courier;
        *self.vault.write().await = status;
    }

    /// Tokens are in the OS keyring (not memory only, not unavailable).
    pub async fn keyring_in_use(&self) -> bool {
        matches!(*self.vault.read().await, VaultStatus::Keyring { .. })
    }

    /// The client, or the error the UI shows instead.
    pub async fn courier(&self) -> Result<Arc<Courier>> {
        match (&*self.courier.read().await, &*self.vault.read().await) {
            (Some(courier), _) => Ok(Arc::clone(courier)),
            (None, VaultStatus::Unavailable { reason, .. }) => Err(Error::KeyringUnavailable {
                reason: reason.clone(),
                remedy: courier_client::vault::KEYRING_REMEDY,
            }),
            (None, _) => Err(Error::Keyring("the token store is not ready".into())),
        }
    }

    /// Everything the UI needs to draw itself.
    pub async fn snapshot(&self) -> Result<AppSnapshot> {
        let registry = RegistryFile::new(&self.config.data_dir).load()?;
        let welcome_done = self.settings().welcome_done || !registry.accounts.is_empty();
        Ok(AppSnapshot {
            accounts: AccountView::list(&registry),
            vault: self.vault.read().await.clone(),
            welcome_done,
            default_server: self.config.default_server.clone(),
        })
    }

    fn settings_path(&self) -> PathBuf {
        self.config.data_dir.join("desktop.json")
    }

    fn settings(&self) -> DesktopSettings {
        std::fs::read(self.settings_path())
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Remembers that the welcome was passed (Skip, or a first sign-in).
    pub fn mark_welcome_done(&self) -> Result<()> {
        let path = self.settings_path();
        let local = |reason: String| Error::LocalData {
            path: path.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(&self.config.data_dir).map_err(|error| local(error.to_string()))?;
        let json = serde_json::to_vec(&DesktopSettings { welcome_done: true })
            .map_err(|error| local(error.to_string()))?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, json)
            .and_then(|()| std::fs::rename(&temporary, &path))
            .map_err(|error| local(error.to_string()))
    }
}

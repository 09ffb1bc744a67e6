//! [`Courier`]: the accounts on this device and everything done with them. Sign-in
//! attempts end here (tokens to the vault, facts to the registry, the account made
//! active); access tokens are refreshed before they expire, one refresh per account
//! at a time; a sign-in the server has ended marks its account signed out but keeps
//! it listed; sign-out revokes at the server and deletes the vault entry.

use std::collections::HashMap;
use std::sync::Arc;

use courier_proto::{Profile, UserInfo};
use tokio::sync::Mutex;

use crate::accounts::{Account, Registry, RegistryFile};
use crate::auth::browser::BrowserOpener;
use crate::auth::discovery;
use crate::auth::oauth::{self, Prompt};
use crate::auth::signin::SignInAttempt;
use crate::auth::vault::{StoredAccountKey, TokenSet, TokenVault};
use crate::clock::{SharedClock, UnixTime};
use crate::config::ClientConfig;
use crate::error::{Error, Result};

/// What the person chose on the welcome screen or in the avatar menu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInMode {
    SignIn,
    CreateAccount,
    /// "Sign in again" for an account on this device (by id), on its own server.
    Again(String),
}

/// The result of signing out of one account.
#[derive(Debug, Clone)]
pub struct SignOutOutcome {
    pub account: Account,
    /// False when the server could not be reached; the local sign-in is gone either way.
    pub revoked_on_server: bool,
}

/// Beside `accounts.json`: held by whichever process on this device is refreshing.
const REFRESH_LOCK_FILE: &str = "refresh.lock";

pub struct Courier {
    config: ClientConfig,
    http: reqwest::Client,
    vault: Arc<dyn TokenVault>,
    registry_file: RegistryFile,
    /// Held while the registry is read-modified-written.
    registry: Mutex<()>,
    refreshing: std::sync::Mutex<HashMap<String, Arc<Mutex<()>>>>,
    /// When each account last changed something on its server, or heard that something
    /// changed: its reads ask for no copy for a while after ([`crate::api`]).
    changed_at: std::sync::Mutex<HashMap<String, UnixTime>>,
    clock: SharedClock,
    opener: Arc<dyn BrowserOpener>,
}

impl Courier {
    pub fn new(
        config: ClientConfig,
        vault: Arc<dyn TokenVault>,
        clock: SharedClock,
        opener: Arc<dyn BrowserOpener>,
    ) -> Result<Self> {
        let registry_file = RegistryFile::new(&config.data_dir);
        registry_file.load()?;
        Ok(Self {
            http: config.http_client(),
            config,
            vault,
            registry_file,
            registry: Mutex::new(()),
            refreshing: std::sync::Mutex::default(),
            changed_at: std::sync::Mutex::default(),
            clock,
            opener,
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Where tokens are kept, in words.
    pub fn vault_description(&self) -> String {
        self.vault.describe()
    }

    /// Every account on this device and which is active.
    pub async fn registry(&self) -> Result<Registry> {
        let _guard = self.registry.lock().await;
        self.registry_file.load()
    }

    pub async fn active_account(&self) -> Result<Option<Account>> {
        let registry = self.registry().await?;
        Ok(registry
            .active
            .as_deref()
            .and_then(|id| registry.find(id))
            .cloned())
    }

    /// Reads, changes and saves the registry under the lock; the file is re-read
    /// each time so another process's changes (the CLI beside the app) are kept.
    async fn modify<T>(&self, change: impl FnOnce(&mut Registry) -> Result<T>) -> Result<T> {
        let _guard = self.registry.lock().await;
        let mut registry = self.registry_file.load()?;
        let value = change(&mut registry)?;
        self.registry_file.save(&registry)?;
        Ok(value)
    }

    /// Starts a browser sign-in to `server` (default: the configured server). Adding
    /// an account on a server that already has one here asks it to let the person
    /// choose or sign in as someone else, instead of silently reusing the browser's
    /// session. Signing in again goes to that account's own server and names it.
    pub async fn start_sign_in(
        &self,
        server: Option<&str>,
        mode: SignInMode,
    ) -> Result<SignInAttempt> {
        let registry = self.registry().await?;
        let (server, hint) = match &mode {
            SignInMode::Again(id) => {
                let account = registry
                    .find(id)
                    .ok_or_else(|| Error::UnknownAccount(id.clone()))?;
                let hint = account.email.clone().or_else(|| account.username.clone());
                (account.issuer.clone(), hint)
            }
            _ => (
                server.unwrap_or(&self.config.default_server).to_owned(),
                None,
            ),
        };
        let endpoints = discovery::discover(&self.http, &server).await?;
        let known_here = registry
            .accounts
            .iter()
            .any(|account| account.issuer == endpoints.issuer);
        let prompt = match (mode, hint) {
            (SignInMode::CreateAccount, _) => Prompt::Create,
            (SignInMode::Again(_), Some(hint)) => Prompt::Account(hint),
            (_, _) if known_here => Prompt::SelectAccount,
            (_, _) => Prompt::Default,
        };
        SignInAttempt::start(
            &self.config,
            endpoints,
            prompt,
            Arc::clone(&self.clock),
            Arc::clone(&self.opener),
        )
        .await
    }

    /// Waits for `attempt` and stores the account it signs in, making it active.
    /// Nothing is stored unless every step succeeded.
    pub async fn finish_sign_in(&self, attempt: SignInAttempt) -> Result<Account> {
        let authorized = attempt.wait(&self.http).await?;
        let info = oauth::userinfo(
            &self.http,
            &authorized.endpoints,
            &authorized.tokens.access_token,
        )
        .await?;
        let now = self.clock.now();
        let account = Account {
            id: Account::make_id(&authorized.endpoints.issuer, &info.sub),
            issuer: authorized.endpoints.issuer.clone(),
            user_id: info.sub.clone(),
            email: info.email.clone(),
            username: info.preferred_username.clone(),
            name: info.name.clone(),
            email_verified: info.email_verified.unwrap_or(false),
            avatar_url: info.picture.clone(),
            added_at: now,
            last_used_at: now,
            signed_out: false,
            endpoints: authorized.endpoints,
        };
        self.vault_put(&account.id, authorized.tokens).await?;
        let stored = account.clone();
        self.modify(move |registry| {
            registry.active = Some(stored.id.clone());
            registry.upsert(stored);
            Ok(())
        })
        .await?;
        Ok(account)
    }

    /// Makes the account `query` names (id, email or username) the active one.
    pub async fn switch(&self, query: &str) -> Result<Account> {
        let now = self.clock.now();
        self.modify(|registry| {
            let id = registry.resolve(query)?.id.clone();
            registry.active = Some(id.clone());
            let account = registry
                .accounts
                .iter_mut()
                .find(|account| account.id == id)
                .ok_or(Error::UnknownAccount(id))?;
            account.last_used_at = now;
            Ok(account.clone())
        })
        .await
    }

    /// A live access token for `account_id`, refreshed first when it is about to
    /// expire. Concurrent callers share one refresh. If the server has ended the
    /// sign-in, the account is marked signed out and `ReauthRequired` is returned.
    pub async fn access_token(&self, account_id: &str) -> Result<String> {
        let account = self.account(account_id).await?;
        if account.signed_out {
            return Err(Error::ReauthRequired {
                account: account.display_name().to_owned(),
            });
        }
        let lock = self.refresh_lock(account_id);
        let _one_at_a_time = lock.lock().await;
        let tokens = self.stored_tokens(&account).await?;
        if self.is_fresh(&tokens) {
            return Ok(tokens.access_token);
        }
        let _one_process_at_a_time = self.device_refresh_lock().await?;
        // Another process on this device may have refreshed while this one waited.
        let tokens = self.stored_tokens(&account).await?;
        if self.is_fresh(&tokens) {
            return Ok(tokens.access_token);
        }
        self.refresh_locked(&account, tokens).await
    }

    /// A fresh access token after the server refused `rejected` (401) although it
    /// looked valid here (this device's clock may be behind). Refreshes once, unless
    /// another caller already has; a grant that has ended marks the account signed
    /// out (`reauth_required`).
    pub(crate) async fn access_token_after_rejection(
        &self,
        account_id: &str,
        rejected: &str,
    ) -> Result<String> {
        let account = self.account(account_id).await?;
        let lock = self.refresh_lock(account_id);
        let _one_at_a_time = lock.lock().await;
        let _one_process_at_a_time = self.device_refresh_lock().await?;
        let Some(tokens) = self.vault_get(account_id).await? else {
            return Err(self.session_ended(account_id).await);
        };
        if tokens.access_token != rejected {
            // Refreshed meanwhile, here or by another process on this device.
            return Ok(tokens.access_token);
        }
        self.refresh_locked(&account, tokens).await
    }

    /// The account's stored tokens; none left (deleted by another process) marks it
    /// signed out.
    async fn stored_tokens(&self, account: &Account) -> Result<TokenSet> {
        match self.vault_get(&account.id).await? {
            Some(tokens) => Ok(tokens),
            None => {
                self.mark_signed_out(&account.id).await?;
                Err(Error::ReauthRequired {
                    account: account.display_name().to_owned(),
                })
            }
        }
    }

    /// True while the access token is good for more than the refresh margin.
    fn is_fresh(&self, tokens: &TokenSet) -> bool {
        tokens.access_expires_at - self.config.refresh_margin_secs > self.clock.now()
    }

    /// Exchanges the refresh token for a new pair and stores it; the caller holds the
    /// account's refresh lock. A refresh cut off (no answer, or a 5xx from a proxy whose
    /// server instance went away) is sent once more at once: if the first one was
    /// processed and only its answer lost, the server's reuse grace answers the resent
    /// token with a fresh pair, so the account stays signed in either way.
    async fn refresh_locked(&self, account: &Account, tokens: TokenSet) -> Result<String> {
        let account_id = account.id.as_str();
        let Some(refresh_token) = tokens.refresh_token.as_deref() else {
            self.mark_signed_out(account_id).await?;
            return Err(Error::ReauthRequired {
                account: account.display_name().to_owned(),
            });
        };
        let refresh = || {
            oauth::refresh(
                &self.http,
                &account.endpoints,
                refresh_token,
                self.clock.now(),
            )
        };
        let renewed = match refresh().await {
            Err(Error::Network { reason, .. }) => {
                tracing::info!(account = %account_id, %reason, "a refresh was cut off; sending it again");
                refresh().await
            }
            other => other,
        };
        match renewed {
            Ok(renewed) => {
                let access = renewed.access_token.clone();
                self.vault_put(account_id, renewed).await?;
                Ok(access)
            }
            Err(Error::ReauthRequired { .. }) => {
                self.mark_signed_out(account_id).await?;
                Err(Error::ReauthRequired {
                    account: account.display_name().to_owned(),
                })
            }
            Err(error) => Err(error),
        }
    }

    /// Who the active account is, as the server says now.
    pub async fn whoami(&self) -> Result<(Account, UserInfo)> {
        let account = self.active_account().await?.ok_or(Error::NoActiveAccount)?;
        let token = self.access_token(&account.id).await?;
        match oauth::userinfo(&self.http, &account.endpoints, &token).await {
            Err(Error::ReauthRequired { .. }) => Err(self.session_ended(&account.id).await),
            other => Ok((account, other?)),
        }
    }

    /// The account `account_id` as this device knows it.
    pub async fn account(&self, account_id: &str) -> Result<Account> {
        self.registry()
            .await?
            .find(account_id)
            .cloned()
            .ok_or_else(|| Error::UnknownAccount(account_id.to_owned()))
    }

    /// `account_id` has just changed something on its server, or heard that something
    /// changed there.
    pub(crate) fn note_change(&self, account_id: &str) {
        let now = self.clock.now();
        self.changed_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(account_id.to_owned(), now);
    }

    /// Whether `account_id` changed something, or heard of a change, in the last
    /// `seconds`.
    pub(crate) fn changed_within(&self, account_id: &str, seconds: i64) -> bool {
        let now = self.clock.now();
        self.changed_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(account_id)
            .is_some_and(|changed| now - changed <= seconds)
    }

    /// The HTTP client every server call goes through (timeouts, no redirects).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The server refused the account's token (revoked elsewhere, expired): mark it
    /// signed out, exactly as when its refresh token dies, and say "sign in again".
    pub(crate) async fn session_ended(&self, account_id: &str) -> Error {
        let name = match self.account(account_id).await {
            Ok(account) => account.display_name().to_owned(),
            Err(_) => account_id.to_owned(),
        };
        match self.mark_signed_out(account_id).await {
            Ok(()) => Error::ReauthRequired { account: name },
            Err(error) => error,
        }
    }

    /// Keeps the registry's copy of the account's name, username, email and avatar
    /// in step with the profile the server just returned (the account menu shows them).
    pub(crate) async fn remember_profile(&self, account_id: &str, profile: &Profile) {
        let changed = self
            .modify(|registry| {
                if let Some(account) = registry
                    .accounts
                    .iter_mut()
                    .find(|account| account.id == account_id)
                {
                    account.name = profile.name.clone();
                    account.username = Some(profile.username.clone());
                    account.email = Some(profile.email.clone());
                    account.email_verified = profile.email_verified;
                    account.avatar_url = profile.avatar_url.clone();
                }
                Ok(())
            })
            .await;
        if let Err(error) = changed {
            tracing::warn!(%error, account = %account_id, "could not remember the new profile");
        }
    }

    /// Signs out of one account: revokes its grant at the server, deletes its
    /// vault entry and removes it from the list. Its local work stays on disk.
    pub async fn sign_out(&self, query: &str) -> Result<SignOutOutcome> {
        let account = self.registry().await?.resolve(query)?.clone();
        let revoked_on_server = match self.vault_get(&account.id).await.ok().flatten() {
            Some(tokens) => self.revoke(&account, &tokens).await,
            // Nothing to revoke: the server already ended this sign-in.
            None => true,
        };
        self.vault_delete(&account.id).await?;
        let id = account.id.clone();
        self.modify(move |registry| {
            registry.remove(&id);
            Ok(())
        })
        .await?;
        Ok(SignOutOutcome {
            account,
            revoked_on_server,
        })
    }

    /// Signs out of every account.
    pub async fn sign_out_all(&self) -> Result<Vec<SignOutOutcome>> {
        let ids: Vec<String> = self
            .registry()
            .await?
            .accounts
            .into_iter()
            .map(|account| account.id)
            .collect();
        let mut outcomes = Vec::with_capacity(ids.len());
        for id in ids {
            outcomes.push(self.sign_out(&id).await?);
        }
        Ok(outcomes)
    }

    /// Revokes the grant behind `tokens` (through the refresh token, which ends the
    /// whole grant); false when the server could not be told.
    async fn revoke(&self, account: &Account, tokens: &TokenSet) -> bool {
        let (token, hint) = match &tokens.refresh_token {
            Some(refresh) => (refresh.as_str(), "refresh_token"),
            None => (tokens.access_token.as_str(), "access_token"),
        };
        match oauth::revoke(&self.http, &account.endpoints, token, hint).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, account = %account.id, "could not revoke at the server; signing out locally");
                false
            }
        }
    }

    pub(crate) async fn mark_signed_out(&self, account_id: &str) -> Result<()> {
        self.vault_delete(account_id).await?;
        self.modify(|registry| {
            if let Some(account) = registry
                .accounts
                .iter_mut()
                .find(|account| account.id == account_id)
            {
                account.signed_out = true;
            }
            Ok(())
        })
        .await
    }

    /// The device-wide refresh lock: an exclusive lock on `refresh.lock` in the data
    /// folder, released when the returned file is dropped. The app and the CLI share
    /// the data folder and the keyring; without it both could spend one refresh token,
    /// and the server treats a second use as theft. Holders re-read the vault after
    /// taking it, so the second process finds the first one's fresh token.
    async fn device_refresh_lock(&self) -> Result<std::fs::File> {
        let path = self.config.data_dir.join(REFRESH_LOCK_FILE);
        let local_error = {
            let path = path.display().to_string();
            move |error: std::io::Error| Error::LocalData {
                path: path.clone(),
                reason: error.to_string(),
            }
        };
        tokio::task::spawn_blocking(move || {
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).map_err(&local_error)?;
            }
            let file = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(&local_error)?;
            file.lock().map_err(&local_error)?;
            Ok(file)
        })
        .await
        .map_err(|error| Error::LocalData {
            path: REFRESH_LOCK_FILE.into(),
            reason: format!("the lock call did not finish: {error}"),
        })?
    }

    fn refresh_lock(&self, account_id: &str) -> Arc<Mutex<()>> {
        let mut locks = self
            .refreshing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(locks.entry(account_id.to_owned()).or_default())
    }

    async fn vault_put(&self, account_id: &str, tokens: TokenSet) -> Result<()> {
        let (vault, id) = (Arc::clone(&self.vault), account_id.to_owned());
        blocking(move || vault.put(&id, &tokens)).await
    }

    async fn vault_get(&self, account_id: &str) -> Result<Option<TokenSet>> {
        let (vault, id) = (Arc::clone(&self.vault), account_id.to_owned());
        blocking(move || vault.get(&id)).await
    }

    async fn vault_delete(&self, account_id: &str) -> Result<()> {
        let (vault, id) = (Arc::clone(&self.vault), account_id.to_owned());
        blocking(move || vault.delete(&id)).await
    }

    /// The account's end-to-end key on this device (its keyring entry).
    pub async fn stored_account_key(&self, account_id: &str) -> Result<Option<StoredAccountKey>> {
        let (vault, id) = (Arc::clone(&self.vault), account_id.to_owned());
        blocking(move || vault.get_account_key(&id)).await
    }

    pub async fn store_account_key(&self, account_id: &str, key: StoredAccountKey) -> Result<()> {
        let (vault, id) = (Arc::clone(&self.vault), account_id.to_owned());
        blocking(move || vault.put_account_key(&id, &key)).await
    }

    /// Forgets the account's end-to-end key on this device (its work removed from it).
    pub async fn forget_account_key(&self, account_id: &str) -> Result<()> {
        let (vault, id) = (Arc::clone(&self.vault), account_id.to_owned());
        blocking(move || vault.delete_account_key(&id)).await
    }
}

/// Keyring calls are D-Bus round trips: keep them off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| Error::Keyring(format!("the keyring call did not finish: {error}")))?
}

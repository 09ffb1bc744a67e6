//! A `courier-client` signed in to a real [`TestServer`] without a browser: the
//! server signs the account in as the desktop app would (its testkit drives the pages
//! and the code exchange), and the tokens go into a memory vault and the registry of a
//! fresh data folder. For client tests about what happens *after* sign-in; the sign-in
//! itself is tested with Chromium (`client_signin.rs`).

use std::sync::Arc;

use anyhow::{Context as _, Result};
use courier_client::Courier;
use courier_client::accounts::{Account, Registry, RegistryFile};
use courier_client::auth::browser::NoBrowser;
use courier_client::auth::discovery::Endpoints;
use courier_client::auth::vault::{MemoryVault, TokenSet, TokenVault as _};
use courier_client::clock::{Clock as _, SystemClock};
use courier_client::config::ClientConfig;
use courier_testkit::{TestServer, userinfo};

/// A client with one account, signed in as `who` on `server`.
pub struct SignedInClient {
    pub courier: Arc<Courier>,
    pub account_id: String,
    _data: tempfile::TempDir,
}

impl SignedInClient {
    pub async fn new(server: &TestServer, who: &str) -> Result<Self> {
        let session = server.app_session(who, &format!("{who}'s desktop")).await;
        let info: serde_json::Value = userinfo(server, &session.access_token).await.json().await?;
        let issuer = server.base().to_owned();
        let user_id = info["sub"]
            .as_str()
            .context("the userinfo answer has no sub")?
            .to_owned();
        let now = SystemClock.now();
        let account = Account {
            id: Account::make_id(&issuer, &user_id),
            issuer: issuer.clone(),
            user_id,
            email: info["email"].as_str().map(str::to_owned),
            username: info["preferred_username"].as_str().map(str::to_owned),
            name: None,
            email_verified: true,
            avatar_url: None,
            added_at: now,
            last_used_at: now,
            signed_out: false,
            endpoints: Endpoints {
                issuer: issuer.clone(),
                authorization: format!("{issuer}/oauth/authorize"),
                token: format!("{issuer}/oauth/token"),
                userinfo: Some(format!("{issuer}/oauth/userinfo")),
                revocation: Some(format!("{issuer}/oauth/revoke")),
                iss_in_authorization_response: true,
            },
        };
        let data = tempfile::tempdir()?;
        RegistryFile::new(data.path()).save(&Registry {
            active: Some(account.id.clone()),
            accounts: vec![account.clone()],
        })?;
        let vault = Arc::new(MemoryVault::default());
        vault.put(
            &account.id,
            &TokenSet {
                access_token: session.access_token.clone(),
                access_expires_at: now + 600,
                refresh_token: Some(session.refresh_token.clone()),
                scope: None,
            },
        )?;
        let config = ClientConfig::for_data_dir(data.path(), "unused", &issuer);
        let courier = Courier::new(config, vault, Arc::new(SystemClock), Arc::new(NoBrowser))?;
        Ok(Self {
            courier: Arc::new(courier),
            account_id: account.id,
            _data: data,
        })
    }

    /// The account API as this client's account.
    pub fn api(&self) -> courier_client::api::AccountApi<'_> {
        self.courier.api(&self.account_id)
    }
}

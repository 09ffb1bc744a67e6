//! A client already signed in to a stand-in server: one account in the registry,
//! a live access token in a memory vault. For tests whose server is a few lines of
//! scripted HTTP or WebSocket on loopback.

#![allow(dead_code)]

use std::sync::Arc;

use courier_client::Courier;
use courier_client::accounts::{Account, Registry, RegistryFile};
use courier_client::auth::browser::NoBrowser;
use courier_client::auth::discovery::Endpoints;
use courier_client::auth::vault::{MemoryVault, TokenSet, TokenVault as _};
use courier_client::clock::{SharedClock, SystemClock};
use courier_client::config::ClientConfig;

pub const ACCESS_TOKEN: &str = "access-token-1";

pub struct SignedIn {
    pub courier: Arc<Courier>,
    pub vault: Arc<MemoryVault>,
    pub account_id: String,
    pub data: tempfile::TempDir,
}

impl SignedIn {
    /// Signed in as "ada" on the server at `issuer`.
    pub fn on(issuer: &str) -> Self {
        Self::with_token_endpoint(issuer, &format!("{issuer}/oauth/token"))
    }

    /// Like [`SignedIn::on`], with refreshes going to `token_endpoint`.
    pub fn with_token_endpoint(issuer: &str, token_endpoint: &str) -> Self {
        Self::with(issuer, token_endpoint, Arc::new(SystemClock))
    }

    /// Like [`SignedIn::on`], on `clock`.
    pub fn with_clock(issuer: &str, clock: SharedClock) -> Self {
        Self::with(issuer, &format!("{issuer}/oauth/token"), clock)
    }

    fn with(issuer: &str, token_endpoint: &str, clock: SharedClock) -> Self {
        let data = tempfile::tempdir().unwrap();
        let now = clock.now();
        let account = Account {
            id: Account::make_id(issuer, "u1"),
            issuer: issuer.to_owned(),
            user_id: "u1".into(),
            email: Some("ada@example.com".into()),
            username: Some("ada".into()),
            name: None,
            email_verified: true,
            avatar_url: None,
            added_at: now,
            last_used_at: now,
            signed_out: false,
            endpoints: Endpoints {
                issuer: issuer.to_owned(),
                authorization: format!("{issuer}/oauth/authorize"),
                token: token_endpoint.to_owned(),
                userinfo: Some(format!("{issuer}/oauth/userinfo")),
                revocation: None,
                iss_in_authorization_response: false,
            },
        };
        RegistryFile::new(data.path())
            .save(&Registry {
                active: Some(account.id.clone()),
                accounts: vec![account.clone()],
            })
            .unwrap();
        let vault = Arc::new(MemoryVault::default());
        vault
            .put(
                &account.id,
                &TokenSet {
                    access_token: ACCESS_TOKEN.into(),
                    access_expires_at: now + 3600,
                    refresh_token: Some("refresh-token-1".into()),
                    scope: None,
                },
            )
            .unwrap();
        let config = ClientConfig::for_data_dir(data.path(), "unused", issuer);
        let courier = Courier::new(config, vault.clone(), clock, Arc::new(NoBrowser)).unwrap();
        Self {
            courier: Arc::new(courier),
            vault,
            account_id: account.id,
            data,
        }
    }

    pub async fn account(&self) -> Account {
        self.courier.account(&self.account_id).await.unwrap()
    }

    pub fn has_tokens(&self) -> bool {
        self.vault.get(&self.account_id).unwrap().is_some()
    }
}

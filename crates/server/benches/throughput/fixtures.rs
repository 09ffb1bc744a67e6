//! Accounts and grants made through the real pages and endpoints before measuring,
//! with the integration tests' harness.

use super::{Config, common};

/// Distinct accounts the sign-in connections and grants are spread over.
pub const ACCOUNTS: usize = 8;

/// Confirmed accounts and one grant per connection that needs tokens, each made by
/// a fresh browser: sign-up, confirmation link, authorization code flow, exchange.
pub struct Fixtures {
    /// (email, username) of confirmed accounts, all with [`common::PASSWORD`].
    pub accounts: Vec<(String, String)>,
    /// One grant's refresh token per refresh connection.
    pub refresh_tokens: Vec<String>,
    /// One grant's access token per user-info connection.
    pub access_tokens: Vec<String>,
    /// Refresh tokens of grants for the store diagnostic (only when it runs).
    pub store_tokens: Vec<String>,
    /// The user-info latency probe's access token.
    pub probe_access: String,
}

impl Fixtures {
    pub async fn create(server: &common::TestServer, config: &Config) -> Self {
        let accounts: Vec<(String, String)> = (0..ACCOUNTS)
            .map(|i| (format!("bench{i}@example.com"), format!("bench{i}")))
            .collect();
        futures::future::join_all(
            accounts
                .iter()
                .map(|(email, username)| server.confirmed_account(email, username)),
        )
        .await;
        let store_chains = if config.runs("store") {
            config.refresh_connections
        } else {
            0
        };
        let grants = config.refresh_connections + config.userinfo_connections + store_chains + 1;
        let mut tokens = futures::future::join_all((0..grants).map(|i| {
            let email = &accounts[i % ACCOUNTS].0;
            async move {
                let request = common::AuthorizeRequest::new();
                let params = common::authorize_as(server, &request, email, true).await;
                let code = common::param(&params, "code").expect("a code in the callback");
                let body = common::exchange_code(server, &request, code).await;
                let token = |name: &str| {
                    body[name]
                        .as_str()
                        .unwrap_or_else(|| panic!("no {name} in {body}"))
                        .to_owned()
                };
                (token("access_token"), token("refresh_token"))
            }
        }))
        .await;
        let probe_access = tokens.pop().expect("the probe's grant").0;
        let refresh_tokens = tokens
            .drain(..config.refresh_connections)
            .map(|(_, refresh)| refresh)
            .collect();
        let store_tokens = tokens
            .drain(..store_chains)
            .map(|(_, refresh)| refresh)
            .collect();
        let access_tokens = tokens.into_iter().map(|(access, _)| access).collect();
        Self {
            accounts,
            refresh_tokens,
            access_tokens,
            store_tokens,
            probe_access,
        }
    }

    pub fn grants(&self) -> usize {
        self.refresh_tokens.len() + self.access_tokens.len() + self.store_tokens.len() + 1
    }
}

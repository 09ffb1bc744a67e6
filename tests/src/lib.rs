//! `courier-tests`: the end-to-end harness. Real things only: a `courier-server` on a
//! loopback port ([`server`]), headless Chromium driven over WebDriver ([`browser`]),
//! helpers that fill in the server's own pages ([`pages`]) and read its mail
//! ([`outbox`]) or script them without a browser ([`scripted`]), an independent OpenID provider for interop tests ([`oidc_provider`]),
//! and a loopback listener standing in for an app's redirect URI ([`loopback`]).
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver`, Node.js and
//! `tests/oidc-provider/node_modules` (`scripts/common.sh` `need_e2e_tools` installs
//! them); keyring tests run under `scripts/with-keyring.sh`.

#![forbid(unsafe_code)]

pub mod browser;
pub mod desktop;
pub mod loopback;
pub mod oidc_provider;
pub mod opener;
pub mod outbox;
pub mod pages;
pub mod pkce;
pub mod process;
pub mod scripted;
pub mod server;

pub use browser::Browser;
pub use loopback::CallbackListener;
pub use oidc_provider::{OidcProvider, oidc_provider_login};
pub use opener::ChannelOpener;
pub use pages::{
    choose_account, confirm_from_outbox, sign_in_on_page, sign_up, use_another_account,
};
pub use pkce::Pkce;
pub use server::CourierServer;

//! `courier-tests`: the end-to-end harness, built on `courier-testkit` (which starts
//! the server, reads its outbox, makes PKCE pairs and scripts its forms without a
//! browser). Added here, the heavy real things: headless Chromium driven over
//! WebDriver ([`browser`]), the desktop window through tauri-driver ([`desktop`]),
//! helpers that fill in the server's own pages in that browser ([`pages`]), an
//! independent OpenID provider for interop tests ([`oidc_provider`]), a loopback
//! listener standing in for an app's redirect URI ([`loopback`]), a stand-in for
//! the system browser ([`opener`]), a small API to send requests to ([`sample_api`])
//! a desktop device's background sync for the sync tests ([`sync_device`]) and a
//! network cable a test can pull out between the apps and the server ([`cable`]).
//!
//! Needs `/usr/bin/chromium`, `/usr/bin/chromedriver`, Node.js and
//! `tests/oidc-provider/node_modules` (`scripts/common.sh` `need_e2e_tools` installs
//! them); keyring tests run under `scripts/with-keyring.sh`.

#![forbid(unsafe_code)]

pub mod browser;
pub mod cable;
pub mod desktop;
pub mod fixtures;
pub mod loopback;
pub mod oidc_provider;
pub mod opener;
pub mod pages;
pub mod process;
pub mod sample_api;
pub mod signed_in;
pub mod sync_device;

pub use browser::Browser;
pub use loopback::CallbackListener;
pub use oidc_provider::{OidcProvider, oidc_provider_login};
pub use opener::{ChannelOpener, scripted_sign_in};
pub use pages::{
    confirm_from_outbox, consent_page, continue_as, join_on_invitation_page,
    leave_invitation_page_by, sign_in_on_page, sign_up, sign_up_on_page, use_another_account,
};
pub use signed_in::SignedInClient;

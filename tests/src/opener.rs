//! A stand-in for the system browser in tests: the URL a client asks to open is
//! handed to the test (which then drives Chromium or the scripted browser there).

use anyhow::{Context as _, Result};
use courier_client::auth::browser::BrowserOpener;
use courier_client::{Account, Courier, SignInMode};
use courier_testkit::{PASSWORD, ScriptedBrowser, TestServer};
use tokio::sync::mpsc;

pub struct ChannelOpener(mpsc::UnboundedSender<String>);

impl ChannelOpener {
    /// The opener, and where the URLs it is asked to open arrive.
    pub fn new() -> (Self, mpsc::UnboundedReceiver<String>) {
        let (sender, opened) = mpsc::unbounded_channel();
        (Self(sender), opened)
    }
}

impl BrowserOpener for ChannelOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0
            .send(url.to_owned())
            .map_err(|error| error.to_string())
    }
}

/// Signs `courier` in to `server` as `identifier` with its own flow (listener, PKCE,
/// code exchange, keyring), a fresh scripted browser standing in for the system
/// browser that `opened` hears about.
pub async fn scripted_sign_in(
    server: &TestServer,
    courier: &Courier,
    opened: &mut mpsc::UnboundedReceiver<String>,
    identifier: &str,
) -> Result<Account> {
    let attempt = courier.start_sign_in(None, SignInMode::SignIn).await?;
    let url = opened
        .recv()
        .await
        .context("the client opened no browser")?;
    let browser = ScriptedBrowser::new(server.base());
    let callback = browser.authorize(&url, identifier, PASSWORD, true).await;
    browser.get(&callback).await.error_for_status()?;
    Ok(courier.finish_sign_in(attempt).await?)
}

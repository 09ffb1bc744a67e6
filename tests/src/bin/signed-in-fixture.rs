//! A signed-in Courier for the desktop benchmark: starts a real `courier-server` on
//! loopback, creates and confirms an account through its pages, signs in through
//! `courier-client` into `COURIER_DATA_DIR` and the keyring service
//! `COURIER_KEYRING_SERVICE` (as the app would), prints `ready <server>` and keeps the
//! server up until it is sent SIGTERM or SIGINT. Run it where the app will run (the
//! same D-Bus session), then start the app with `COURIER_SERVER=<server>`.

#![allow(clippy::print_stdout)]

use std::sync::Arc;

use anyhow::{Context as _, Result};
use courier_client::browser::BrowserOpener;
use courier_client::clock::SystemClock;
use courier_client::config::ClientConfig;
use courier_client::vault::KeyringVault;
use courier_client::{Courier, SignInMode};
use courier_tests::CourierServer;
use courier_tests::scripted::ScriptedBrowser;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "plum-orbit-kettle-92";

struct ChannelOpener(mpsc::UnboundedSender<String>);

impl BrowserOpener for ChannelOpener {
    fn open(&self, url: &str) -> Result<(), String> {
        self.0
            .send(url.to_owned())
            .map_err(|error| error.to_string())
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let data_dir = std::env::var("COURIER_DATA_DIR").context("COURIER_DATA_DIR is not set")?;
    let service =
        std::env::var("COURIER_KEYRING_SERVICE").context("COURIER_KEYRING_SERVICE is not set")?;
    let server = CourierServer::start().await?;
    let browser = ScriptedBrowser::new(server.base())?;
    browser.sign_up(EMAIL, "ada", PASSWORD).await?;
    browser.confirm_from_outbox(&server.outbox(), EMAIL).await?;

    let config = ClientConfig::for_data_dir(data_dir, &service, server.base());
    let (sender, mut opened) = mpsc::unbounded_channel();
    let courier = Courier::new(
        config,
        Arc::new(KeyringVault::connect(&service)?),
        Arc::new(SystemClock),
        Arc::new(ChannelOpener(sender)),
    )?;
    let attempt = courier.start_sign_in(None, SignInMode::SignIn).await?;
    let authorize_url = opened
        .recv()
        .await
        .context("the client opened no browser")?;
    let callback = browser.authorize(&authorize_url, "ada", PASSWORD).await?;
    reqwest::get(&callback).await?.error_for_status()?;
    let account = courier.finish_sign_in(attempt).await?;
    println!("ready {} {}", server.base(), account.id);

    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

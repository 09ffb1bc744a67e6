//! A signed-in Courier for the desktop benchmark: starts a real `courier-server` on
//! loopback, creates and confirms an account through its pages, signs in through
//! `courier-client` into `COURIER_DATA_DIR` and the keyring service
//! `COURIER_KEYRING_SERVICE` (as the app would), prints `ready <server>` and keeps the
//! server up until it is sent SIGTERM or SIGINT. Run it where the app will run (the
//! same D-Bus session), then start the app with `COURIER_SERVER=<server>`.

#![allow(clippy::print_stdout)]

use std::sync::Arc;

use anyhow::{Context as _, Result};
use courier_client::Courier;
use courier_client::auth::vault::KeyringVault;
use courier_client::clock::SystemClock;
use courier_client::config::ClientConfig;
use courier_tests::scripted::ScriptedBrowser;
use courier_tests::{ChannelOpener, CourierServer};
use tokio::signal::unix::{SignalKind, signal};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "plum-orbit-kettle-92";

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
    let (opener, mut opened) = ChannelOpener::new();
    let courier = Courier::new(
        config,
        Arc::new(KeyringVault::connect(&service)?),
        Arc::new(SystemClock),
        Arc::new(opener),
    )?;
    let account = browser
        .sign_in_client(&courier, &mut opened, "ada", PASSWORD)
        .await?;
    println!("ready {} {}", server.base(), account.id);

    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

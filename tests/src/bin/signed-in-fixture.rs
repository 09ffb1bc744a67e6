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
use courier_testkit::TestServer;
use courier_tests::{ChannelOpener, scripted_sign_in};
use tokio::signal::unix::{SignalKind, signal};

const EMAIL: &str = "ada@example.com";

#[tokio::main]
async fn main() -> Result<()> {
    let data_dir = std::env::var("COURIER_DATA_DIR").context("COURIER_DATA_DIR is not set")?;
    let service =
        std::env::var("COURIER_KEYRING_SERVICE").context("COURIER_KEYRING_SERVICE is not set")?;
    let server = TestServer::start().await;
    server.confirmed_account(EMAIL, "ada").await;

    let config = ClientConfig::for_data_dir(data_dir, &service, server.base());
    let (opener, mut opened) = ChannelOpener::new();
    let courier = Courier::new(
        config,
        Arc::new(KeyringVault::connect(&service)?),
        Arc::new(SystemClock),
        Arc::new(opener),
    )?;
    let account = scripted_sign_in(&server, &courier, &mut opened, "ada").await?;
    println!("ready {} {}", server.base(), account.id);

    let mut terminate = signal(SignalKind::terminate())?;
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}

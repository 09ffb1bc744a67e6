//! A data folder for the desktop memory benchmark: the welcome done (no account) and
//! the Scratch Pad holding 10,000 requests in 500 folders, imported the way the app's
//! Import… does it, with the workspace data key in the keyring service
//! `COURIER_KEYRING_SERVICE` (as the app would make it). Run it where the app will run
//! (the same D-Bus session) with `COURIER_DATA_DIR` set; it prints `ready` and exits.

#![allow(clippy::print_stdout)]

use std::sync::Arc;

use anyhow::{Context as _, Result};
use courier_client::app::{DesktopState, Shell, UiEvent};
use courier_client::config::ClientConfig;

/// The app's state with no window to tell.
struct NoWindow;

impl Shell for NoWindow {
    fn emit(&self, _: UiEvent) {}
    fn bring_to_front(&self) {}
}

#[tokio::main]
async fn main() -> Result<()> {
    let data_dir = std::env::var("COURIER_DATA_DIR").context("COURIER_DATA_DIR is not set")?;
    let service =
        std::env::var("COURIER_KEYRING_SERVICE").context("COURIER_KEYRING_SERVICE is not set")?;
    let config = ClientConfig::for_data_dir(&data_dir, &service, "http://127.0.0.1:9");
    let state = DesktopState::with_config(config, Arc::new(NoWindow));
    state.mark_welcome_done()?;
    let work = state.work().await?;
    let scratch_pad = work.db().scratch_pad().await?;
    let file = tempfile::NamedTempFile::new()?;
    std::fs::write(
        file.path(),
        courier_tests::fixtures::ten_thousand_requests().to_string(),
    )?;
    let summary = work.import_file(&scratch_pad.meta.id, file.path()).await?;
    println!("ready {summary:?}");
    Ok(())
}

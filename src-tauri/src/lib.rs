//! `courier-desktop`: the Tauri 2 shell. It owns the window, the single-instance
//! guard, the IPC commands (generated from the command table in [`ipc`], each a few
//! lines in [`commands`]) and the emission of events ([`shell`]); the state and
//! everything else is `courier-client` (`courier_client::app`). [`run_app`] takes the
//! builder so a test can assemble the app on Tauri's mock runtime.

#![forbid(unsafe_code)]

pub mod commands;
mod ipc;
mod rendering;
mod shell;

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use courier_client::app::DesktopState;
use courier_client::config::{ClientConfig, Environment};
use tauri::{Manager as _, Runtime};

/// When the process started, for the first-screen-ready measurement.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Debug builds use the development folder and keyring service, so they never touch
/// a person's real accounts.
pub fn environment() -> Environment {
    if cfg!(debug_assertions) {
        Environment::Development
    } else {
        Environment::Production
    }
}

/// Configures `builder` with Courier's plugins and commands; at setup, how the window
/// draws ([`rendering`]), the state (over `config`), each signed-in account's live
/// updates and the work database.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, config: ClientConfig) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            // A second launch brings the running window forward instead.
            shell::bring_to_front(app);
        }))
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(ipc::handler())
        .setup(move |app| {
            rendering::choose(app);
            let shell = Arc::new(shell::TauriShell::new(app.handle().clone()));
            let state = DesktopState::with_config(config, shell);
            // Each signed-in account listens for its revocation and profile changes.
            tauri::async_runtime::spawn(state.follow_live_updates());
            // Their workspaces sync with their servers.
            tauri::async_runtime::spawn(state.follow_work_sync());
            // The work database opens now, so the first screen does not wait for it
            // (without a chosen token store it opens on first use instead).
            let opening = Arc::clone(&state);
            tauri::async_runtime::spawn(async move {
                if let Err(error) = opening.work().await {
                    tracing::info!(%error, "the work database opens later");
                }
            });
            app.manage(state);
            Ok(())
        })
}

/// Runs the desktop app until its window closes.
pub fn run() {
    STARTED.get_or_init(Instant::now);
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = ClientConfig::for_environment(environment());
    let app = run_app(tauri::Builder::default(), config);
    if let Err(error) = app.run(tauri::generate_context!()) {
        tracing::error!(%error, "Courier could not start its window");
        std::process::exit(1);
    }
}

/// Milliseconds since the process started.
pub(crate) fn elapsed_ms() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}

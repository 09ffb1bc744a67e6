//! `courier-desktop`: the Tauri 2 shell. It owns the window, the single-instance
//! guard, the IPC commands (thin, in [`commands`]), each account's events channel and
//! the events that keep the UI current; everything else is `courier-client`. [`run_app`] takes the builder so a
//! test can assemble the app on Tauri's mock runtime.

#![forbid(unsafe_code)]

mod channels;
pub mod commands;
mod events;
mod signin;
mod state;

use std::sync::OnceLock;
use std::time::Instant;

use tauri::{Manager as _, Runtime};

pub use state::DesktopState;

/// When the process started, for the first-screen-ready measurement.
static STARTED: OnceLock<Instant> = OnceLock::new();

/// Configures `builder` with Courier's state, plugins and commands.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>, state: DesktopState) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            // A second launch brings the running window forward instead.
            events::bring_to_front(app);
        }))
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::accounts::app_snapshot,
            commands::accounts::switch_account,
            commands::accounts::sign_out,
            commands::accounts::sign_out_all,
            commands::accounts::skip_sign_in,
            commands::accounts::continue_without_keyring,
            commands::accounts::retry_keyring,
            commands::signin::start_sign_in,
            commands::signin::reopen_browser,
            commands::signin::cancel_sign_in,
            commands::settings::account_profile,
            commands::settings::update_profile,
            commands::settings::upload_avatar,
            commands::settings::remove_avatar,
            commands::settings::change_email,
            commands::settings::cancel_email_change,
            commands::settings::change_password,
            commands::settings::notification_preferences,
            commands::settings::set_notification_preferences,
            commands::settings::list_sessions,
            commands::settings::revoke_session,
            commands::settings::revoke_other_sessions,
            commands::settings::support_requests,
            commands::settings::submit_support_request,
            commands::first_screen_ready,
        ])
        .setup(|app| {
            // Each signed-in account listens for its revocation and profile changes.
            channels::forward(app.handle().clone());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                channels::sync(&handle.state::<DesktopState>()).await;
            });
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
    let state = DesktopState::open(state::environment());
    let app = run_app(tauri::Builder::default(), state);
    if let Err(error) = app.run(tauri::generate_context!()) {
        tracing::error!(%error, "Courier could not start its window");
        std::process::exit(1);
    }
}

/// Milliseconds since the process started.
pub(crate) fn elapsed_ms() -> u128 {
    STARTED.get_or_init(Instant::now).elapsed().as_millis()
}

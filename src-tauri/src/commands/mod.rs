//! The IPC commands: each takes its state, calls one function, and maps errors to
//! `{kind, message, fields?}`.

pub mod accounts;
pub mod settings;
pub mod signin;

use courier_client::view::IpcError;
use tauri::State;

use crate::state::DesktopState;

/// Command results as the UI receives them.
pub type CommandResult<T> = Result<T, IpcError>;

/// The UI has drawn its first real screen (measured by the startup benchmark, which
/// also reads how many accounts that screen started with).
#[tauri::command]
pub async fn first_screen_ready(state: State<'_, DesktopState>) -> CommandResult<()> {
    static REPORTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let elapsed_ms = crate::elapsed_ms() as u64;
    if !REPORTED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        let accounts = state.snapshot().await?.accounts.len();
        tracing::info!(elapsed_ms, accounts, "first screen ready");
    }
    Ok(())
}

//! The IPC commands: each takes its state, calls one function, and maps errors to
//! `{kind, message}`.

pub mod accounts;
pub mod signin;

use courier_client::view::IpcError;

/// Command results as the UI receives them.
pub type CommandResult<T> = Result<T, IpcError>;

/// The UI has drawn its first real screen (measured by the startup benchmark).
#[tauri::command]
pub fn first_screen_ready() {
    static REPORTED: std::sync::Once = std::sync::Once::new();
    REPORTED.call_once(|| {
        tracing::info!(
            elapsed_ms = crate::elapsed_ms() as u64,
            "first screen ready"
        );
    });
}

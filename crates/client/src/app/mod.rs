//! The desktop app without its window: what the UI is shown ([`view`]), the state
//! behind it ([`DesktopState`]: the client, where tokens are kept, the sign-in the
//! window waits for, each account's live updates, the person's work on this device:
//! [`work`], kept in step with the accounts' servers by [`work_sync`]; what billing
//! does beyond an API call: `billing`), and the IPC table both sides are generated
//! from ([`ipc`]). The desktop
//! shell (Tauri) implements [`Shell`]; the CLI and tests can drive the same state
//! without WebKit.

mod billing;
pub mod files;
pub mod ipc;
mod live_updates;
mod pending_sign_in;
mod state;
mod token_store;
pub mod transfer;
pub mod view;
pub mod work;
pub mod work_keys;
pub mod work_sync;

pub use ipc::UiEvent;
pub use state::DesktopState;

/// What the desktop shell does for the state: push an event to the UI, bring the
/// window to the front, ask the person for a file.
pub trait Shell: Send + Sync {
    fn emit(&self, event: UiEvent);
    fn bring_to_front(&self);
    /// The OS's file dialog (it blocks until the person answers); `None` when they
    /// cancel, or when the shell has no dialogs (tests, the CLI).
    fn choose_file(&self, choice: &files::FileChoice) -> Option<std::path::PathBuf> {
        let _ = choice;
        None
    }
}

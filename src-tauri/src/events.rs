//! Events pushed to the UI (`account_changed`, `signin_progress`, `profile_changed`)
//! and bringing the window to the front.

use courier_client::view::{AppSnapshot, ProfileChangedEvent, SignInProgress};
use tauri::{AppHandle, Emitter as _, Manager as _, Runtime};

pub const ACCOUNT_CHANGED: &str = "account_changed";
pub const SIGNIN_PROGRESS: &str = "signin_progress";
pub const PROFILE_CHANGED: &str = "profile_changed";

pub fn account_changed<R: Runtime>(app: &AppHandle<R>, snapshot: &AppSnapshot) {
    if let Err(error) = app.emit(ACCOUNT_CHANGED, snapshot) {
        tracing::warn!(%error, "could not tell the UI about an account change");
    }
}

pub fn signin_progress<R: Runtime>(app: &AppHandle<R>, progress: &SignInProgress) {
    if let Err(error) = app.emit(SIGNIN_PROGRESS, progress) {
        tracing::warn!(%error, "could not tell the UI how the sign-in went");
    }
}

pub fn profile_changed<R: Runtime>(app: &AppHandle<R>, event: &ProfileChangedEvent) {
    if let Err(error) = app.emit(PROFILE_CHANGED, event) {
        tracing::warn!(%error, "could not tell the UI about a profile change");
    }
}

/// Shows, unminimises and focuses the main window.
pub fn bring_to_front<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

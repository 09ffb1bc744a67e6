//! The window side of the desktop state ([`Shell`]): its events go to the webview
//! under their table names, and the main window comes to the front.

use courier_client::app::{Shell, UiEvent};
use tauri::{AppHandle, Emitter as _, Manager as _, Runtime};

/// [`Shell`] over a running Tauri app.
pub struct TauriShell<R: Runtime>(pub AppHandle<R>);

impl<R: Runtime> Shell for TauriShell<R> {
    fn emit(&self, event: UiEvent) {
        if let Err(error) = self.0.emit(event.name(), &event) {
            tracing::warn!(%error, event = event.name(), "could not tell the UI");
        }
    }

    fn bring_to_front(&self) {
        bring_to_front(&self.0);
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

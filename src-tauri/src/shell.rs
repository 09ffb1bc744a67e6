//! The window side of the desktop state ([`Shell`]): its events go to the webview
//! under their table names, the main window comes to the front, and files are
//! chosen in the OS's dialog (tauri-plugin-dialog, called from Rust only: the
//! webview has no dialog or file-system permission).
//!
//! `COURIER_TEST_FILE_CHOICE=<path>` answers every dialog with that path instead of
//! showing one: the end-to-end tests' way past a native dialog WebDriver cannot
//! reach (as `BROWSER` is for the sign-in's browser).

use std::path::PathBuf;

use courier_client::app::files::FileChoice;
use courier_client::app::{Shell, UiEvent};
use tauri::{AppHandle, Emitter as _, Manager as _, Runtime};
use tauri_plugin_dialog::DialogExt as _;

/// The variable that answers file dialogs in tests.
const TEST_FILE_CHOICE: &str = "COURIER_TEST_FILE_CHOICE";

/// [`Shell`] over a running Tauri app.
pub struct TauriShell<R: Runtime> {
    app: AppHandle<R>,
    test_file_choice: Option<PathBuf>,
}

impl<R: Runtime> TauriShell<R> {
    pub fn new(app: AppHandle<R>) -> Self {
        Self {
            app,
            test_file_choice: std::env::var_os(TEST_FILE_CHOICE).map(PathBuf::from),
        }
    }
}

impl<R: Runtime> Shell for TauriShell<R> {
    fn emit(&self, event: UiEvent) {
        if let Err(error) = self.app.emit(event.name(), &event) {
            tracing::warn!(%error, event = event.name(), "could not tell the UI");
        }
    }

    fn bring_to_front(&self) {
        bring_to_front(&self.app);
    }

    fn choose_file(&self, choice: &FileChoice) -> Option<PathBuf> {
        if let Some(path) = &self.test_file_choice {
            return Some(path.clone());
        }
        let mut dialog = self.app.dialog().file();
        if let Some(window) = self.app.get_webview_window("main") {
            dialog = dialog.set_parent(&window);
        }
        let chosen = match choice {
            FileChoice::Open { title, extensions } => {
                let dialog = dialog.set_title(title);
                let dialog = if extensions.is_empty() {
                    dialog
                } else {
                    let extensions: Vec<&str> = extensions.iter().map(String::as_str).collect();
                    dialog.add_filter(extensions.join(", "), &extensions)
                };
                dialog.blocking_pick_file()
            }
            FileChoice::Save {
                title,
                suggested_name,
            } => dialog
                .set_title(title)
                .set_file_name(suggested_name)
                .blocking_save_file(),
        };
        chosen.and_then(|path| path.into_path().ok())
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

//! Files the person picks: what the UI asks the shell's dialog for ([`FileChoice`])
//! and [`DesktopState::choose_file`](super::DesktopState::choose_file), which runs
//! the blocking dialog off the async runtime. The webview never touches the file
//! system: it gets a path back and hands it to a command that reads or writes it.

use std::path::PathBuf;

/// What the dialog is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChoice {
    /// An existing file to read; `extensions` filter the list (empty: any file).
    Open {
        title: String,
        extensions: Vec<String>,
    },
    /// Where to write a new file, starting from `suggested_name`.
    Save {
        title: String,
        suggested_name: String,
    },
}

/// The path as the UI gets it (lossy only for names that are not UTF-8, which a
/// dialog on Linux, macOS and Windows does not return in practice).
pub fn path_for_ui(path: PathBuf) -> String {
    path.to_string_lossy().into_owned()
}

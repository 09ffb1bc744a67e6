//! Commands that ask the person for a file: the shell's dialog, through the state.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::files::{FileChoice, path_for_ui};

pub async fn choose_open_file(
    state: &DesktopState,
    title: String,
    extensions: Vec<String>,
) -> Result<Option<String>> {
    let choice = FileChoice::Open { title, extensions };
    Ok(state.choose_file(choice).await?.map(path_for_ui))
}

pub async fn choose_save_file(
    state: &DesktopState,
    title: String,
    suggested_name: String,
) -> Result<Option<String>> {
    let choice = FileChoice::Save {
        title,
        suggested_name,
    };
    Ok(state.choose_file(choice).await?.map(path_for_ui))
}

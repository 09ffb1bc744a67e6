//! Commands for a sign-in through the browser.

use courier_client::view::{SignInChoice, SignInStarted};
use tauri::{AppHandle, Runtime, State};

use super::CommandResult;
use crate::signin;
use crate::state::DesktopState;

#[tauri::command]
pub async fn start_sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    choice: SignInChoice,
) -> CommandResult<SignInStarted> {
    Ok(signin::start(app, &state, choice).await?)
}

#[tauri::command]
pub async fn reopen_browser(state: State<'_, DesktopState>) -> CommandResult<()> {
    Ok(signin::reopen_browser(&state).await?)
}

#[tauri::command]
pub async fn cancel_sign_in(state: State<'_, DesktopState>) -> CommandResult<()> {
    Ok(signin::cancel(&state).await?)
}

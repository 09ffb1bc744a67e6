//! Commands about the accounts on this device and where their tokens are kept.

use courier_client::view::AppSnapshot;
use tauri::{AppHandle, Runtime, State};

use super::CommandResult;
use crate::state::DesktopState;
use crate::{channels, events};

#[tauri::command]
pub async fn app_snapshot(state: State<'_, DesktopState>) -> CommandResult<AppSnapshot> {
    Ok(state.snapshot().await?)
}

#[tauri::command]
pub async fn switch_account<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    id: String,
) -> CommandResult<AppSnapshot> {
    state.courier().await?.switch(&id).await?;
    changed(&app, &state).await
}

#[tauri::command]
pub async fn sign_out<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    id: String,
) -> CommandResult<AppSnapshot> {
    state.courier().await?.sign_out(&id).await?;
    changed(&app, &state).await
}

#[tauri::command]
pub async fn sign_out_all<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
) -> CommandResult<AppSnapshot> {
    state.courier().await?.sign_out_all().await?;
    changed(&app, &state).await
}

#[tauri::command]
pub async fn skip_sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
) -> CommandResult<AppSnapshot> {
    state.mark_welcome_done()?;
    changed(&app, &state).await
}

#[tauri::command]
pub async fn continue_without_keyring<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
) -> CommandResult<AppSnapshot> {
    state.use_memory_vault().await;
    changed(&app, &state).await
}

#[tauri::command]
pub async fn retry_keyring<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
) -> CommandResult<AppSnapshot> {
    state.retry_keyring().await;
    changed(&app, &state).await
}

/// The new snapshot, also pushed as `account_changed` (other views refresh from it);
/// the events channels follow the accounts.
pub(crate) async fn changed<R: Runtime>(
    app: &AppHandle<R>,
    state: &DesktopState,
) -> CommandResult<AppSnapshot> {
    channels::sync(state).await;
    let snapshot = state.snapshot().await?;
    events::account_changed(app, &snapshot);
    Ok(snapshot)
}

//! Commands of the Account Settings screens: one account API call each, for the
//! account the UI names (`accountId`). A call the server refuses because the sign-in
//! has ended also pushes `account_changed`, so the account shows **Sign in again**.

use courier_client::view::AvatarUpload;
use courier_client::{Error, Result};
use courier_proto::{
    EmailChange, NewSupportRequest, NotificationPreferences, PasswordChange, Profile,
    ProfileUpdate, RevokedSessions, Session, SupportRequest,
};
use tauri::{AppHandle, Runtime, State};

use super::CommandResult;
use super::accounts::changed;
use crate::state::DesktopState;

#[tauri::command]
pub async fn account_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<Profile> {
    let courier = state.courier().await?;
    answer(&app, &state, courier.api(&account_id).profile().await).await
}

#[tauri::command]
pub async fn update_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    update: ProfileUpdate,
) -> CommandResult<Profile> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).update_profile(&update).await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn upload_avatar<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    avatar: AvatarUpload,
) -> CommandResult<Profile> {
    let (courier, bytes) = (state.courier().await?, avatar.decode()?);
    let result = courier
        .api(&account_id)
        .upload_avatar(&avatar.content_type, bytes)
        .await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn remove_avatar<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<Profile> {
    let courier = state.courier().await?;
    answer(&app, &state, courier.api(&account_id).remove_avatar().await).await
}

#[tauri::command]
pub async fn change_email<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    change: EmailChange,
) -> CommandResult<Profile> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).change_email(&change).await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn cancel_email_change<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<Profile> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).cancel_email_change().await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn change_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    change: PasswordChange,
) -> CommandResult<()> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).change_password(&change).await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn notification_preferences<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<NotificationPreferences> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).notification_preferences().await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn set_notification_preferences<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    preferences: NotificationPreferences,
) -> CommandResult<NotificationPreferences> {
    let courier = state.courier().await?;
    let api = courier.api(&account_id);
    answer(
        &app,
        &state,
        api.set_notification_preferences(&preferences).await,
    )
    .await
}

#[tauri::command]
pub async fn list_sessions<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<Vec<Session>> {
    let courier = state.courier().await?;
    answer(&app, &state, courier.api(&account_id).sessions().await).await
}

#[tauri::command]
pub async fn revoke_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    session_id: String,
) -> CommandResult<()> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).revoke_session(&session_id).await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn revoke_other_sessions<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<RevokedSessions> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).revoke_other_sessions().await;
    answer(&app, &state, result).await
}

#[tauri::command]
pub async fn support_requests<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
) -> CommandResult<Vec<SupportRequest>> {
    let courier = state.courier().await?;
    answer(
        &app,
        &state,
        courier.api(&account_id).support_requests().await,
    )
    .await
}

#[tauri::command]
pub async fn submit_support_request<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, DesktopState>,
    account_id: String,
    request: NewSupportRequest,
) -> CommandResult<SupportRequest> {
    let courier = state.courier().await?;
    let api = courier.api(&account_id);
    answer(&app, &state, api.submit_support_request(&request).await).await
}

/// The result as the UI receives it. When the server has ended the sign-in the
/// account is now marked signed out: push the new account list first.
async fn answer<R: Runtime, T>(
    app: &AppHandle<R>,
    state: &DesktopState,
    result: Result<T>,
) -> CommandResult<T> {
    if let Err(Error::ReauthRequired { .. }) = &result {
        let _ = changed(app, state).await;
    }
    Ok(result?)
}

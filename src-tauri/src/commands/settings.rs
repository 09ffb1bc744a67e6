//! Commands of the Account Settings screens: one account API call each, for the
//! account the UI names (`accountId`). A call the server refuses because the sign-in
//! has ended also pushes `account_changed`, so the account shows **Sign in again**.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::view::AvatarUpload;
use courier_proto::{
    EmailChange, NewSupportRequest, NotificationPreferences, PasswordChange, Profile,
    ProfileUpdate, RevokedSessions, Session, SupportRequest,
};

pub async fn account_profile(state: &DesktopState, account_id: String) -> Result<Profile> {
    let courier = state.courier().await?;
    state.answer(courier.api(&account_id).profile().await).await
}

pub async fn update_profile(
    state: &DesktopState,
    account_id: String,
    update: ProfileUpdate,
) -> Result<Profile> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).update_profile(&update).await;
    state.answer(result).await
}

pub async fn upload_avatar(
    state: &DesktopState,
    account_id: String,
    avatar: AvatarUpload,
) -> Result<Profile> {
    let (courier, bytes) = (state.courier().await?, avatar.decode()?);
    let result = courier
        .api(&account_id)
        .upload_avatar(&avatar.content_type, bytes)
        .await;
    state.answer(result).await
}

pub async fn remove_avatar(state: &DesktopState, account_id: String) -> Result<Profile> {
    let courier = state.courier().await?;
    state
        .answer(courier.api(&account_id).remove_avatar().await)
        .await
}

pub async fn change_email(
    state: &DesktopState,
    account_id: String,
    change: EmailChange,
) -> Result<Profile> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).change_email(&change).await;
    state.answer(result).await
}

pub async fn cancel_email_change(state: &DesktopState, account_id: String) -> Result<Profile> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).cancel_email_change().await;
    state.answer(result).await
}

pub async fn change_password(
    state: &DesktopState,
    account_id: String,
    change: PasswordChange,
) -> Result<()> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).change_password(&change).await;
    state.answer(result).await
}

pub async fn notification_preferences(
    state: &DesktopState,
    account_id: String,
) -> Result<NotificationPreferences> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).notification_preferences().await;
    state.answer(result).await
}

pub async fn set_notification_preferences(
    state: &DesktopState,
    account_id: String,
    preferences: NotificationPreferences,
) -> Result<NotificationPreferences> {
    let courier = state.courier().await?;
    let api = courier.api(&account_id);
    state
        .answer(api.set_notification_preferences(&preferences).await)
        .await
}

pub async fn list_sessions(state: &DesktopState, account_id: String) -> Result<Vec<Session>> {
    let courier = state.courier().await?;
    state
        .answer(courier.api(&account_id).sessions().await)
        .await
}

pub async fn revoke_session(
    state: &DesktopState,
    account_id: String,
    session_id: String,
) -> Result<()> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).revoke_session(&session_id).await;
    state.answer(result).await
}

pub async fn revoke_other_sessions(
    state: &DesktopState,
    account_id: String,
) -> Result<RevokedSessions> {
    let courier = state.courier().await?;
    let result = courier.api(&account_id).revoke_other_sessions().await;
    state.answer(result).await
}

pub async fn support_requests(
    state: &DesktopState,
    account_id: String,
) -> Result<Vec<SupportRequest>> {
    let courier = state.courier().await?;
    state
        .answer(courier.api(&account_id).support_requests().await)
        .await
}

pub async fn submit_support_request(
    state: &DesktopState,
    account_id: String,
    request: NewSupportRequest,
) -> Result<SupportRequest> {
    let courier = state.courier().await?;
    let api = courier.api(&account_id);
    state
        .answer(api.submit_support_request(&request).await)
        .await
}

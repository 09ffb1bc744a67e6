//! Commands about the accounts on this device and where their tokens are kept. Each
//! change is also pushed as `account_changed`, and the live updates follow it.

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::view::AppSnapshot;

pub async fn app_snapshot(state: &DesktopState) -> Result<AppSnapshot> {
    state.snapshot().await
}

pub async fn switch_account(state: &DesktopState, id: String) -> Result<AppSnapshot> {
    state.courier().await?.switch(&id).await?;
    state.accounts_changed().await
}

pub async fn sign_out(state: &DesktopState, id: String, remove_work: bool) -> Result<AppSnapshot> {
    state.sign_out(&id, remove_work).await
}

pub async fn sign_out_all(state: &DesktopState, remove_work: bool) -> Result<AppSnapshot> {
    state.sign_out_all(remove_work).await
}

pub async fn skip_sign_in(state: &DesktopState) -> Result<AppSnapshot> {
    state.mark_welcome_done()?;
    state.accounts_changed().await
}

pub async fn continue_without_keyring(state: &DesktopState) -> Result<AppSnapshot> {
    state.use_memory_vault().await;
    state.accounts_changed().await
}

pub async fn retry_keyring(state: &DesktopState) -> Result<AppSnapshot> {
    state.retry_keyring().await;
    state.accounts_changed().await
}

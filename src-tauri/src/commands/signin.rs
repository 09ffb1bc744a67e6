//! Commands for a sign-in through the browser.

use std::sync::Arc;

use courier_client::Result;
use courier_client::app::DesktopState;
use courier_client::app::view::{SignInChoice, SignInStarted};

pub async fn start_sign_in(
    state: &Arc<DesktopState>,
    choice: SignInChoice,
) -> Result<SignInStarted> {
    state.start_sign_in(choice).await
}

pub async fn reopen_browser(state: &DesktopState) -> Result<()> {
    state.reopen_browser().await
}

pub async fn cancel_sign_in(state: &DesktopState) -> Result<()> {
    state.cancel_sign_in().await
}

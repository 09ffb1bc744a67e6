//! A sign-in from the desktop: start it (the browser opens), remember how to reopen
//! or skip it, wait for it in the background, and when it ends tell the UI
//! (`signin_progress`, `account_changed`) and bring the window to the front.

use courier_client::browser::{BrowserOpener as _, SystemBrowser};
use courier_client::view::{AccountView, SignInChoice, SignInProgress, SignInStarted};
use courier_client::{Error, Result};
use tauri::{AppHandle, Manager as _, Runtime};

use crate::events;
use crate::state::{DesktopState, PendingSignIn};

/// Starts a sign-in; a previous one still waiting is cancelled first.
pub async fn start<R: Runtime>(
    app: AppHandle<R>,
    state: &DesktopState,
    choice: SignInChoice,
) -> Result<SignInStarted> {
    let courier = state.courier().await?;
    if let Some(previous) = state.pending.lock().await.take() {
        previous.canceller.cancel();
    }
    let attempt = courier.start_sign_in(None, choice.into()).await?;
    let number = state.next_attempt();
    let started = SignInStarted {
        attempt: number,
        url: attempt.url().to_owned(),
        deadline: attempt.deadline(),
        browser_error: attempt.browser_error().map(str::to_owned),
    };
    *state.pending.lock().await = Some(PendingSignIn {
        attempt: number,
        url: started.url.clone(),
        canceller: attempt.canceller(),
    });
    tauri::async_runtime::spawn(async move {
        let outcome = courier.finish_sign_in(attempt).await;
        let state = app.state::<DesktopState>();
        {
            // A newer attempt may have replaced this one; leave that one alone.
            let mut pending = state.pending.lock().await;
            if pending
                .as_ref()
                .is_some_and(|pending| pending.attempt == number)
            {
                pending.take();
            }
        }
        let progress = match outcome {
            Ok(account) => {
                state.channels.start(&courier, &account.id).await;
                if let Err(error) = state.mark_welcome_done() {
                    tracing::warn!(%error, "could not remember that the welcome was passed");
                }
                events::bring_to_front(&app);
                SignInProgress::SignedIn {
                    attempt: number,
                    account: AccountView::new(&account, true),
                }
            }
            Err(error) => {
                if let Error::KeyringUnavailable { reason, .. } = &error {
                    state.keyring_lost(reason.clone()).await;
                }
                let (kind, message) = (error.kind().to_owned(), error.to_string());
                SignInProgress::Failed {
                    attempt: number,
                    kind,
                    message,
                }
            }
        };
        // Accounts first, then the outcome: the UI reads the new account from the snapshot.
        if let Ok(snapshot) = state.snapshot().await {
            events::account_changed(&app, &snapshot);
        }
        events::signin_progress(&app, &progress);
    });
    Ok(started)
}

/// Opens the waiting sign-in's URL in the browser again.
pub async fn reopen_browser(state: &DesktopState) -> Result<()> {
    let pending = state.pending.lock().await;
    let url = &pending.as_ref().ok_or_else(no_sign_in)?.url;
    SystemBrowser.open(url).map_err(Error::Browser)
}

/// Skip: stops waiting; the background task reports `sign_in_cancelled`.
pub async fn cancel(state: &DesktopState) -> Result<()> {
    if let Some(pending) = state.pending.lock().await.as_ref() {
        pending.canceller.cancel();
    }
    Ok(())
}

fn no_sign_in() -> Error {
    Error::sign_in(courier_client::SignInFailure::Cancelled)
}

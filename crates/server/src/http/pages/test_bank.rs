//! Test mode's bank page (`/billing/test-mode/confirm/{handle}`): where a cardholder
//! confirms a payment that asks for an extra step (the test card 4000 0025 0000 3155),
//! as a real bank's 3-D Secure page would. Confirming or refusing goes to the provider,
//! whose signed event then settles the payment through the same path as the webhook.
//! The handle is the capability: the page shows only the amount, and a payment
//! that no longer waits is "not found".

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::html;
use serde::Deserialize;

use super::PageError;
use super::layout::{message_page, page};
use crate::billing::{self, payments};
use crate::state::AppState;

/// The page's path for the payment `handle`.
pub fn page_path(handle: &str) -> String {
    format!("/billing/test-mode/confirm/{handle}")
}

/// `GET`: the amount and two buttons.
pub async fn show(
    State(state): State<AppState>,
    Path(handle): Path<String>,
) -> Result<Response, PageError> {
    let Some((amount, _invoice)) = state.payments.awaiting(&handle) else {
        return Err(PageError::not_found());
    };
    let markup = page(
        "Confirm your payment",
        html! {
            p class="muted" { "Test mode: this page stands in for your bank's." }
            p { "Your bank asks you to confirm a payment of " strong { (amount) } " to Courier." }
            form method="post" action=(page_path(&handle)) {
                input type="hidden" name="answer" value="confirm";
                button type="submit" { "Confirm payment" }
            }
            form method="post" action=(page_path(&handle)) {
                input type="hidden" name="answer" value="refuse";
                button type="submit" class="secondary" { "Refuse" }
            }
        },
    );
    Ok(markup.into_response())
}

#[derive(Debug, Deserialize)]
pub struct Answer {
    answer: String,
}

/// `POST`: the cardholder's answer.
pub async fn submit(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    Form(answer): Form<Answer>,
) -> Result<Response, PageError> {
    let confirmed = answer.answer == "confirm";
    let now = state.clock.now();
    let Some((_charge, events)) = state.payments.answer_confirmation(&handle, confirmed, now)
    else {
        return Err(PageError::not_found());
    };
    let deps = billing::Deps::from(&state);
    payments::deliver(&deps, events).await;
    let markup = if confirmed {
        message_page(
            "Payment confirmed",
            "Your bank confirmed the payment. You can close this page and go back to Courier.",
        )
    } else {
        message_page(
            "Payment refused",
            "You refused the payment; nothing was charged. You can close this page and go back \
             to Courier.",
        )
    };
    Ok(markup.into_response())
}

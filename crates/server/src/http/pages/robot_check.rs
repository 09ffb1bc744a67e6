//! The "I'm not a robot" box a form carries when the server wants a proof of work
//! before acting on it (Trouble signing in?, and sign-ins to an account that has had
//! too many failed ones): the signed challenge for the browser's solver
//! (`/static/altcha.js`), and the answer's check with what to tell the person when it
//! fails. The puzzle itself is `platform::pow`'s.

use axum::http::StatusCode;
use maud::{Markup, html};

use super::PageError;
use crate::platform::pow::Refusal;
use crate::state::AppState;

/// The box, inside a `<form>`: a fresh challenge `extra_doublings` harder than the
/// server's current difficulty, the hidden `altcha` field its answer goes into, and
/// the solver script.
pub fn robot_check(state: &AppState, extra_doublings: u32) -> Result<Markup, PageError> {
    let challenge = state.pow.challenge(state.clock.now(), extra_doublings)?;
    let challenge = serde_json::to_string(&challenge).map_err(|_| {
        PageError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "The server could not finish this. Please try again in a moment.",
        )
    })?;
    Ok(html! {
        div id="pow" class="pow" data-challenge=(challenge) {
            label class="check" for="pow-check" {
                input id="pow-check" type="checkbox";
                span { "I'm not a robot" }
            }
            span id="pow-status" class="muted" aria-live="polite" {}
        }
        input type="hidden" id="altcha" name="altcha" value="";
        noscript { p class="form-error" { "This check needs JavaScript: your browser solves a small puzzle, nothing is sent anywhere else." } }
        script src="/static/altcha.js" defer {}
    })
}

/// Checks (and spends) the answer a form carried: `Err` holds what to tell the person.
pub async fn passed(state: &AppState, answer: &str) -> Result<Result<(), &'static str>, PageError> {
    match state
        .pow
        .verify(state.store.as_ref(), answer, state.clock.now())
        .await?
    {
        Ok(()) => Ok(Ok(())),
        Err(refusal) => {
            tracing::info!(?refusal, "proof-of-work answer refused");
            Ok(Err(match refusal {
                Refusal::Expired => "The check has expired. Tick “I'm not a robot” again.",
                Refusal::Malformed | Refusal::Wrong | Refusal::Replayed => {
                    "The “I'm not a robot” check did not pass. Tick it again."
                }
            }))
        }
    }
}

//! Email confirmation (of a new account's address, and of a changed address: their
//! tokens differ by prefix): the link from the mail opens a page whose button spends
//! the link (so mail scanners that prefetch links cannot use it up), and a resend form
//! that answers the same whether or not the address has an account.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::csrf;
use super::invitation;
use super::layout::{Field, hidden, message_page, page};
use super::signup::signup_rule;
use super::{PageError, PageForm, PageQuery, with_cookies};
use crate::accounts::signup;
use crate::email_change;
use crate::http::client::ClientInfo;
use crate::platform::crypto::token_digest;
use crate::platform::validate;
use crate::state::AppState;
use courier_proto::ServerEvent;
use courier_store::{EmailChangeOutcome, LinkOutcome, LinkPurpose};

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

/// `GET /confirm-email?token=…`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<TokenQuery>,
) -> Result<Response, PageError> {
    if query.token.is_empty() || query.token.len() > 100 {
        return Err(PageError::bad_request(
            "This confirmation link is incomplete.",
        ));
    }
    let token = csrf::token_for(&state, &headers);
    let changing = query.token.starts_with(email_change::TOKEN_PREFIX);
    let markup = page(
        if changing {
            "Confirm your new email address"
        } else {
            "Confirm your email address"
        },
        html! {
            @if changing {
                p { "Press the button to make this your Courier account's email address." }
            } @else {
                p { "Press the button to confirm this address for your Courier account." }
            }
            form method="post" action="/confirm-email" {
                (hidden(&token.value, None))
                input type="hidden" name="token" value=(query.token);
                button type="submit" { "Confirm email address" }
            }
        },
    );
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `POST /confirm-email`.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(form): PageForm<ConfirmForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    if form.token.starts_with(email_change::TOKEN_PREFIX) {
        return changed_email(&state, &form.token).await;
    }
    let digest = token_digest(&form.token);
    let outcome = state
        .store
        .use_mail_link(&digest, LinkPurpose::ConfirmEmail, state.clock.now())
        .await?;
    let outcome = match outcome {
        // Confirmed: the password works from now on, so the next step is Sign In, and
        // after it the invitation this browser signed up from, if any.
        LinkOutcome::Used { user_id } => {
            // `email_verified` changed for any app already holding a token.
            state.events.publish(&user_id, ServerEvent::ProfileChanged);
            let next = invitation::with_return(
                "/signin?notice=email-confirmed",
                invitation::remembered(&state, &headers).as_deref(),
            );
            return Ok(Redirect::to(&next).into_response());
        }
        LinkOutcome::Expired => "expired",
        LinkOutcome::AlreadyUsed => "used",
        LinkOutcome::Unknown => "invalid",
    };
    Ok(Redirect::to(&format!("/confirm-email/result?outcome={outcome}")).into_response())
}

/// Follows an email-change link. The outcome is shown in the answer to the POST
/// itself rather than behind a redirect, because it names the new address and an
/// address in a result URL could be forged by anyone.
async fn changed_email(state: &AppState, token: &str) -> Result<Response, PageError> {
    let again = "Ask for the change again in the Courier app (Account Settings → Profile).";
    let (status, title, message) = match email_change::confirm(
        &*state.store,
        &state.mailer,
        &state.events,
        state.clock.now(),
        token,
    )
    .await?
    {
        EmailChangeOutcome::Changed { new_email, .. } => (
            StatusCode::OK,
            "Email address changed",
            format!("Your email address is now {new_email}. You can return to the app."),
        ),
        EmailChangeOutcome::Taken => (
            StatusCode::CONFLICT,
            "This address is already in use",
            "Another Courier account uses this address now, so nothing has changed: your \
             account keeps its current address."
                .to_owned(),
        ),
        EmailChangeOutcome::Superseded => (
            StatusCode::GONE,
            "This link has been replaced",
            format!("A newer change was asked for after this link was sent. {again}"),
        ),
        EmailChangeOutcome::Expired => (
            StatusCode::GONE,
            "This link has expired",
            format!("Links work for 24 hours. {again}"),
        ),
        EmailChangeOutcome::AlreadyUsed => (
            StatusCode::GONE,
            "This link has already been used",
            "Each link works once.".to_owned(),
        ),
        EmailChangeOutcome::Unknown => (
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            format!("Check that you copied the whole link. {again}"),
        ),
    };
    Ok((status, message_page(title, &message)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ResultQuery {
    #[serde(default)]
    outcome: String,
}

/// `GET /confirm-email/result`: why pressing the button confirmed nothing (a
/// confirmed address goes on to Sign In instead).
pub async fn show_result(PageQuery(query): PageQuery<ResultQuery>) -> Response {
    let resend = "Request a new link from the sign-in page (Resend confirmation).";
    let (status, title, message) = match query.outcome.as_str() {
        "expired" => (
            StatusCode::GONE,
            "This link has expired",
            format!("Links work for 24 hours. {resend}"),
        ),
        "used" => (
            StatusCode::GONE,
            "This link has already been used",
            "Each link works once. If your address is not confirmed yet, request a new link."
                .to_owned(),
        ),
        _ => (
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            format!("Check that you copied the whole link. {resend}"),
        ),
    };
    (status, message_page(title, &message)).into_response()
}

#[derive(Debug, Default, Deserialize)]
pub struct ResendQuery {
    sent: Option<String>,
}

#[derive(Deserialize)]
pub struct ResendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

/// `GET /confirm-email/resend`.
pub async fn show_resend(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<ResendQuery>,
) -> Response {
    let token = csrf::token_for(&state, &headers);
    let markup = page(
        "Resend the confirmation link",
        html! {
            @if query.sent.is_some() {
                p class="notice" role="status" {
                    "If that address belongs to an account that still needs confirming, a new link is on its way."
                }
            }
            form method="post" action="/confirm-email/resend" {
                (hidden(&token.value, None))
                (Field { label: "Email", name: "email", kind: "email", value: "",
                         autocomplete: "email", error: None }.render())
                button type="submit" { "Send a new link" }
            }
            p class="links" { a href="/signin" { "Back to Sign In" } }
        },
    );
    with_cookies(markup.into_response(), token.set_cookie)
}

/// `POST /confirm-email/resend`: the same answer for every well-formed address.
pub async fn resend(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientInfo,
    PageForm(form): PageForm<ResendForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    state
        .limiter
        .hit(signup_rule(&state), &client.ip)
        .map_err(PageError::too_many)?;
    let email = form.email.trim();
    if let Err(message) = validate::email(email) {
        return Err(PageError::bad_request(message));
    }
    signup::resend_confirmation(&signup::Deps::from(&state), email).await?;
    Ok(Redirect::to("/confirm-email/resend?sent=1").into_response())
}

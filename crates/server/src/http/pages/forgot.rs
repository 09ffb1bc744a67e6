//! Trouble signing in?: `/forgot` (email + the proof-of-work "I'm not a robot" check
//! → a mail with the username and a reset link; the same answer whether or not the
//! address has an account) and `/reset?token=` (choose a new password; every session
//! of the account ends). Rules in [`crate::accounts::recovery`] and [`crate::platform::pow`].

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use secrecy::SecretString;
use serde::Deserialize;

use super::csrf;
use super::layout::{Field, hidden, page};
use super::robot_check::{self, robot_check};
use super::{PageError, PageForm, PageQuery, with_cookies};
use crate::accounts::recovery::{self, LinkCheck, ResetError};
use crate::http::client::ClientInfo;
use crate::platform::validate;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ForgotQuery {
    sent: Option<String>,
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    altcha: String,
}

/// The form, with an error (and the address typed) when it was refused.
fn forgot_page(
    state: &AppState,
    csrf: &str,
    email: &str,
    sent: bool,
    error: Option<&str>,
) -> Result<Markup, PageError> {
    let robot_check = robot_check(state, 0)?;
    Ok(page(
        "Trouble signing in?",
        html! {
            @if sent {
                p class="notice" role="status" {
                    "If that address belongs to a Courier account, we've sent it a mail with the \
                     username and a link to choose a new password. The link works for 1 hour."
                }
            }
            p { "Enter your account's email address. We'll mail you your username and a link to reset your password." }
            @if let Some(error) = error {
                p class="form-error" role="alert" { (error) }
            }
            form method="post" action="/forgot" {
                (hidden(csrf, None))
                (Field { label: "Email", name: "email", kind: "email", value: email,
                         autocomplete: "email", error: None }.render())
                (robot_check)
                button type="submit" { "Send me a link" }
            }
            p class="links" { a href="/signin" { "Back to Sign In" } }
        },
    ))
}

/// `GET /forgot`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<ForgotQuery>,
) -> Result<Response, PageError> {
    let token = csrf::token_for(&state, &headers);
    let markup = forgot_page(&state, &token.value, "", query.sent.is_some(), None)?;
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `POST /forgot`: the same redirect for every well-formed address with a valid check.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientInfo,
    PageForm(form): PageForm<ForgotForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    state
        .limiter
        .hit(
            recovery::reset_rule(&state.settings.rate_limits),
            &client.ip,
        )
        .map_err(PageError::too_many)?;
    let email = form.email.trim();
    let refuse = |message: &str| -> Result<Response, PageError> {
        let markup = forgot_page(&state, &form.csrf, email, false, Some(message))?;
        Ok((StatusCode::BAD_REQUEST, markup).into_response())
    };
    if let Err(message) = validate::email(email) {
        return refuse(message);
    }
    if let Err(message) = robot_check::passed(&state, &form.altcha).await? {
        return refuse(message);
    }
    recovery::request_reset(&recovery::Deps::from(&state), email).await?;
    Ok(Redirect::to("/forgot?sent=1").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ResetQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

fn link_error(check: &LinkCheck) -> PageError {
    let again = "Ask for a new one: Sign In → Trouble signing in?";
    match check {
        LinkCheck::Expired => PageError::new(
            StatusCode::GONE,
            "This link has expired",
            format!("Reset links work for 1 hour. {again}"),
        ),
        LinkCheck::Used => PageError::new(
            StatusCode::GONE,
            "This link has already been used",
            format!("Each link works once. {again}"),
        ),
        LinkCheck::Valid(_) | LinkCheck::Invalid => PageError::new(
            StatusCode::BAD_REQUEST,
            "This link is not valid",
            format!("Check that you copied the whole link. {again}"),
        ),
    }
}

fn reset_page(csrf: &str, token: &str, username: &str, error: Option<&str>) -> Markup {
    page(
        "Choose a new password",
        html! {
            p { "For the Courier account " strong { (username) } ". Setting it signs the account out everywhere." }
            form method="post" action="/reset" {
                (hidden(csrf, None))
                input type="hidden" name="token" value=(token);
                input type="text" name="username" value=(username) autocomplete="username" hidden;
                (Field { label: "New password", name: "password", kind: "password", value: "",
                         autocomplete: "new-password", error }.render())
                button type="submit" { "Set new password" }
            }
        },
    )
}

/// `GET /reset?token=…`: the form, if the link is still good (it is not spent yet).
pub async fn show_reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<ResetQuery>,
) -> Result<Response, PageError> {
    if query.token.is_empty() || query.token.len() > 100 {
        return Err(link_error(&LinkCheck::Invalid));
    }
    let user = match recovery::reset_link_user(&recovery::Deps::from(&state), &query.token).await? {
        LinkCheck::Valid(user) => user,
        other => return Err(link_error(&other)),
    };
    let token = csrf::token_for(&state, &headers);
    let markup = reset_page(&token.value, &query.token, &user.username, None);
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `POST /reset`: sets the password, ends every session, then Sign In.
pub async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientInfo,
    PageForm(form): PageForm<ResetForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    state
        .limiter
        .hit(
            recovery::reset_rule(&state.settings.rate_limits),
            &client.ip,
        )
        .map_err(PageError::too_many)?;
    if form.token.is_empty() || form.token.len() > 100 {
        return Err(link_error(&LinkCheck::Invalid));
    }
    let password = SecretString::from(form.password);
    let deps = recovery::Deps::from(&state);
    match recovery::reset(&deps, &form.token, &password).await {
        Ok(user_id) => {
            // The owner proved they hold the address: earlier wrong guesses (maybe
            // someone else's) must not keep them out with the new password.
            super::signin::forget_failed_sign_ins(&state, &user_id).await?;
            Ok(Redirect::to("/signin?notice=password-reset").into_response())
        }
        Err(ResetError::Link(check)) => Err(link_error(&check)),
        Err(ResetError::Weak(message)) => {
            let username = match recovery::reset_link_user(&deps, &form.token).await? {
                LinkCheck::Valid(user) => user.username,
                other => return Err(link_error(&other)),
            };
            let markup = reset_page(&form.csrf, &form.token, &username, Some(&message));
            Ok((StatusCode::BAD_REQUEST, markup).into_response())
        }
        Err(ResetError::Internal(error)) => Err(error.into()),
    }
}

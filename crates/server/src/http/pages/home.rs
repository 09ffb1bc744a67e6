//! The server's front page (who is signed in in this browser), sign-out and the
//! Terms of Use.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::csrf;
use super::layout::{hidden, page};
use super::session::{self, SESSION_COOKIE, clear_cookie, cookie_name};
use super::{PageError, PageForm, with_cookies};
use crate::state::AppState;

/// `GET /`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let current = session::current(&state, &headers).await?;
    let token = csrf::token_for(&state, &headers);
    let markup = match current {
        Some(current) => {
            let user = &current.user;
            page(
                "You're signed in",
                html! {
                    @if user.email_confirmed_at.is_none() {
                        p class="notice" role="status" {
                            "Confirm your email address: we sent a link to " (user.email) ". "
                            a href="/confirm-email/resend" { "Resend it" }
                        }
                    }
                    p { "Signed in as " strong { (user.username) } " (" (user.email) ")." }
                    p class="muted" { "You can close this tab and return to Courier." }
                    form method="post" action="/signout" {
                        (hidden(&token.value, None))
                        button type="submit" class="secondary" { "Sign out" }
                    }
                },
            )
        }
        None => page(
            "Welcome to Courier",
            html! {
                p { "Sign in from the Courier app, or here in your browser." }
                p class="links" {
                    a href="/signin" { "Sign In" }
                    a href="/signup" { "Create Account" }
                }
            },
        ),
    };
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `GET /signout`: a button, so that a link elsewhere cannot sign people out.
pub async fn show_signout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let token = csrf::token_for(&state, &headers);
    let markup = page(
        "Sign out of Courier?",
        html! {
            p { "This signs this browser out. Apps you signed in keep their own sessions." }
            form method="post" action="/signout" {
                (hidden(&token.value, None))
                button type="submit" { "Sign out" }
            }
        },
    );
    with_cookies(markup.into_response(), token.set_cookie)
}

#[derive(Deserialize)]
pub struct SignoutForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /signout`: ends exactly this browser's session.
pub async fn signout(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(form): PageForm<SignoutForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    if let Some(digest) = session::presented_digest(&state, &headers) {
        let live = session::current(&state, &headers).await?;
        state
            .store
            .end_web_session(&digest, state.clock.now())
            .await?;
        if let Some(live) = live {
            crate::sessions::ended(&state.events, &live.user.id, &[live.session.id]);
        }
    }
    let cookie = clear_cookie(&state.issuer, &cookie_name(&state.issuer, SESSION_COOKIE));
    Ok(with_cookies(
        Redirect::to("/signin?notice=signed-out").into_response(),
        [cookie],
    ))
}

/// `GET /terms`.
pub async fn terms() -> Response {
    page(
        "Terms of Use",
        html! {
            p { "Courier is provided to help you design, send and share API requests. By creating an account you agree to these terms." }
            h2 { "Your account" }
            p { "Keep your password to yourself and tell us if you think someone else has used your account. You are responsible for what is done with it." }
            h2 { "Your data" }
            p { "Your collections, environments and variables are yours. We store them to sync them between your devices and your team, and we do not sell them. You can export or delete them at any time." }
            h2 { "Acceptable use" }
            p { "Do not use Courier to attack, overload or gain unauthorised access to systems you are not allowed to test." }
            h2 { "Changes" }
            p { "We will tell you by email before these terms change in ways that matter to you." }
            p class="links" { a href="/signup" { "Back to Create Account" } }
        },
    )
    .into_response()
}

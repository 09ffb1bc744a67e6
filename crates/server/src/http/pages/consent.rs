//! The person's answer to an app's authorization request when this browser is already
//! signed in: the consent page (**Continue as …**, **Use another account**, **Create
//! Account**), and **Cancel**, which every page of a request offers. A code for a
//! loopback redirect is never issued without a click here or a fresh sign-in, so
//! another program on the machine cannot collect one silently (RFC 8252 §8.6).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::authorize;
use super::csrf;
use super::layout::{cancel_form, hidden, page};
use super::session;
use super::{PageError, PageForm, PageQuery, with_cookies};
use crate::http::oauth::clients;
use crate::state::AppState;
use courier_store::AuthRequest;

#[derive(Debug, Deserialize)]
pub struct ConsentQuery {
    req: String,
}

#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(default)]
    csrf: String,
    req: String,
    /// The account the page showed: a click agrees for that account only.
    #[serde(default)]
    account: String,
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    csrf: String,
    req: String,
}

/// The consent page's address for `request`.
pub fn path(request: &AuthRequest) -> String {
    format!("/authorize/choose?req={}", request.id)
}

fn signin_path(request: &AuthRequest) -> String {
    format!("/signin?req={}", request.id)
}

/// `GET /authorize/choose`: "Continue to Courier Desktop" as the signed-in account, or
/// use another.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<ConsentQuery>,
) -> Result<Response, PageError> {
    let request = authorize::pending(&state, &query.req).await?;
    let Some(current) = session::current(&state, &headers).await? else {
        return Ok(Redirect::to(&signin_path(&request)).into_response());
    };
    let token = csrf::token_for(&state, &headers);
    let user = &current.user;
    let app = clients::find(&request.client_id).map_or("an application", |client| client.name);
    let asking = match &request.device_name {
        Some(device) => format!("{app} on {device} asks to sign in to your Courier account:"),
        None => format!("{app} asks to sign in to your Courier account:"),
    };
    let markup = page(
        &format!("Continue to {app}"),
        html! {
            p class="muted" { (asking) }
            p {
                strong { (user.name.as_deref().unwrap_or(&user.username)) } br;
                (user.email)
            }
            p class="muted" { "Continue only if you started this sign-in in " (app) " yourself." }
            form method="post" action="/authorize/choose" {
                (hidden(&token.value, Some(&request.id)))
                input type="hidden" name="account" value=(user.id);
                button type="submit" { "Continue as " (user.email) }
            }
            p class="links" {
                a href=(signin_path(&request)) { "Use another account" }
                a href=(format!("/signup?req={}", request.id)) { "Create Account" }
            }
            (cancel_form(&token.value, Some(&request.id)))
        },
    );
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `POST /authorize/choose`: **Continue as …** finishes the request as the signed-in
/// account, if it is still the one the page showed.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(form): PageForm<ConsentForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    let request = authorize::pending(&state, &form.req).await?;
    let Some(current) = session::current(&state, &headers).await? else {
        return Ok(Redirect::to(&signin_path(&request)).into_response());
    };
    if current.user.id != form.account {
        // Signed in as someone else since the page loaded (another tab): ask again.
        return Ok(Redirect::to(&path(&request)).into_response());
    }
    authorize::finish(
        &state,
        &request,
        &current.user,
        current.session.created_at,
        current.session.keep_signed_in,
    )
    .await
}

/// `POST /authorize/cancel`: **Cancel** on any page of an authorization request.
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(form): PageForm<CancelForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    let request = authorize::pending(&state, &form.req).await?;
    authorize::cancel(&state, &request).await
}

//! **Create Account**: email, username, password and the Terms of Use. The answer is
//! the same whether or not the address already has an account (that address gets a
//! mail saying so instead), so the page cannot be used to find out who uses Courier.
//! Opened from an invitation, it carries the invitation on to Sign In (see
//! [`invitation`]).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use secrecy::SecretString;
use serde::Deserialize;

use super::authorize;
use super::csrf;
use super::invitation;
use super::layout::{Field, cancel_form, hidden, page};
use super::{PageError, PageForm, PageQuery, with_cookies};
use crate::accounts::signup;
use crate::http::client::ClientInfo;
use crate::platform::password;
use crate::platform::ratelimit::Rule;
use crate::platform::validate;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    req: Option<String>,
    /// An invitation link's token: after signing up (and in), back to its page.
    invitation: Option<String>,
}

#[derive(Default, Deserialize)]
pub struct SignupForm {
    #[serde(default)]
    csrf: String,
    req: Option<String>,
    invitation: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    terms: Option<String>,
}

#[derive(Default)]
struct Errors {
    email: Option<String>,
    username: Option<String>,
    password: Option<String>,
    terms: Option<String>,
}

impl Errors {
    fn any(&self) -> bool {
        self.email.is_some()
            || self.username.is_some()
            || self.password.is_some()
            || self.terms.is_some()
    }
}

pub fn signup_rule(state: &AppState) -> Rule {
    Rule {
        name: "signup",
        max: state.settings.rate_limits.signup_per_ip_per_hour,
        window: 3600,
    }
}

fn form(csrf: &str, req: Option<&str>, values: &SignupForm, errors: &Errors) -> Markup {
    let signin = match req {
        Some(id) => format!("/signin?req={id}"),
        None => "/signin".to_owned(),
    };
    let invitation = invitation::return_token(req, values.invitation.as_deref());
    let signin = invitation::with_return(&signin, invitation);
    page(
        "Create your Courier account",
        html! {
            @if invitation.is_some() {
                p class="muted" { "to accept your team invitation" }
            }
            form method="post" action="/signup" novalidate {
                (hidden(csrf, req))
                (invitation::return_field(invitation))
                (Field { label: "Email", name: "email", kind: "email", value: &values.email,
                         autocomplete: "email", error: errors.email.as_deref() }.render())
                (Field { label: "Username", name: "username", kind: "text", value: &values.username,
                         autocomplete: "username", error: errors.username.as_deref() }.render())
                (Field { label: "Password", name: "password", kind: "password", value: "",
                         autocomplete: "new-password", error: errors.password.as_deref() }.render())
                p class="muted" { "At least 8 characters; a few unrelated words work well." }
                label class="check" for="terms" {
                    input id="terms" name="terms" type="checkbox" value="on" required
                        checked[values.terms.is_some()]
                        aria-invalid=[errors.terms.as_ref().map(|_| "true")]
                        aria-describedby=[errors.terms.as_ref().map(|_| "terms-error")];
                    span { "I agree to the " a href="/terms" target="_blank" { "Terms of Use" } "." }
                }
                @if let Some(error) = &errors.terms {
                    p id="terms-error" class="field-error" role="alert" { (error) }
                }
                button type="submit" { "Create free account" }
            }
            p class="links" { span { "Already have an account? " a href=(signin) { "Sign In" } } }
            (cancel_form(csrf, req))
        },
    )
}

/// `GET /signup`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<ShowQuery>,
) -> Result<Response, PageError> {
    if let Some(id) = &query.req {
        authorize::pending(&state, id).await?;
    }
    let token = csrf::token_for(&state, &headers);
    let values = SignupForm {
        invitation: query.invitation,
        ..SignupForm::default()
    };
    let markup = form(
        &token.value,
        query.req.as_deref(),
        &values,
        &Errors::default(),
    );
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `POST /signup`.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientInfo,
    PageForm(values): PageForm<SignupForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &values.csrf)?;
    state
        .limiter
        .hit(signup_rule(&state), &client.ip)
        .map_err(PageError::too_many)?;
    if let Some(id) = &values.req {
        authorize::pending(&state, id).await?;
    }
    let email = values.email.trim().to_owned();
    let username = values.username.trim().to_owned();
    let mut errors = Errors {
        email: validate::email(&email).err().map(str::to_owned),
        username: validate::username(&username).err().map(str::to_owned),
        password: password::check_strength(&values.password, &[&email, &username]).err(),
        terms: values
            .terms
            .is_none()
            .then(|| "Accept the Terms of Use to continue.".to_owned()),
    };
    if errors.username.is_none() && state.store.username_taken(&username).await? {
        errors.username = Some("That username is taken. Try another.".to_owned());
    }
    if errors.any() {
        let markup = form(&values.csrf, values.req.as_deref(), &values, &errors);
        return Ok((StatusCode::BAD_REQUEST, markup).into_response());
    }
    let password = SecretString::from(values.password);
    match signup::sign_up(&signup::Deps::from(&state), &email, &username, &password).await {
        Ok(()) => {}
        Err(signup::SignUpError::UsernameTaken) => {
            errors.username = Some("That username is taken. Try another.".to_owned());
            let values = SignupForm {
                password: String::new(),
                ..values
            };
            let markup = form(&values.csrf, values.req.as_deref(), &values, &errors);
            return Ok((StatusCode::BAD_REQUEST, markup).into_response());
        }
        Err(signup::SignUpError::Internal(error)) => return Err(error.into()),
    }
    let next = match &values.req {
        Some(id) => format!("/signin?notice=check-inbox&req={id}"),
        None => "/signin?notice=check-inbox".to_owned(),
    };
    let invitation = invitation::return_token(values.req.as_deref(), values.invitation.as_deref());
    let response = Redirect::to(&invitation::with_return(&next, invitation)).into_response();
    // For the confirmation link opened in this browser (see `invitation`).
    Ok(with_cookies(
        response,
        invitation.map(|token| invitation::remember(&state, token)),
    ))
}

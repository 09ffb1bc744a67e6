//! **Sign In** (email or username, password, **Keep me signed in**). A successful
//! sign-in always starts a new session id.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use secrecy::SecretString;
use serde::Deserialize;

use super::authorize;
use super::billing;
use super::csrf;
use super::invitation;
use super::layout::{Field, cancel_form, hidden, page};
use super::robot_check::{self, robot_check};
use super::session;
use super::{PageError, PageForm, PageQuery, with_cookies};
use crate::accounts;
use crate::http::client::ClientInfo;
use crate::http::oauth::clients;
use crate::platform::password::MAX_PASSWORD_CHARS;
use crate::platform::ratelimit::Rule;
use crate::state::AppState;
use courier_store::{AuthRequest, User};

#[derive(Debug, Default, Deserialize)]
pub struct ShowQuery {
    req: Option<String>,
    notice: Option<String>,
    /// An invitation link's token: after signing in, back to its page.
    invitation: Option<String>,
    /// A team's URL: after signing in, back to its billing page.
    billing: Option<String>,
}

#[derive(Default, Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    csrf: String,
    req: Option<String>,
    invitation: Option<String>,
    billing: Option<String>,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    password: String,
    keep: Option<String>,
    /// The "I'm not a robot" answer, when the page asked for one.
    #[serde(default)]
    altcha: String,
}

/// Also the answer for an account whose address is not confirmed yet, so it helps
/// both: see [`accounts::password_opens`].
const WRONG_CREDENTIALS: &str = "Incorrect email, username or password. Just created your \
                                 account? Open the link we emailed you first.";
const CHECK_NEEDED: &str =
    "This account has had many failed sign-ins. Tick “I'm not a robot”, then sign in again.";

fn ip_rule(state: &AppState) -> Rule {
    Rule {
        name: "signin-ip",
        max: state.settings.rate_limits.signin_per_ip_per_minute,
        window: 60,
    }
}

/// Failed sign-ins against an account (or a name) are counted, never refused on:
/// refusing would let anyone lock the owner out. Past the limit every attempt needs
/// the "I'm not a robot" check, twice as hard for each further limit's worth.
fn account_rule(state: &AppState) -> Rule {
    Rule {
        name: "signin-account",
        max: state.settings.rate_limits.signin_failures_per_account,
        window: 15 * 60,
    }
}

/// What failed sign-ins count against: the account when the identifier names one (so
/// its email and its username share one limit), else the identifier as typed (so an
/// unknown name is limited exactly like a real one).
fn account_key(identifier: &str, user: Option<&User>) -> String {
    match user {
        Some(user) => user_key(&user.id),
        None => format!("login:{}", identifier.to_lowercase()),
    }
}

/// How much harder than usual the check is after `failures` attempts (this one
/// included) against one account; `None` while no check is needed.
fn guard_doublings(failures: u32, limit: u32) -> Option<u32> {
    (failures > limit).then(|| (failures - limit - 1) / limit.max(1))
}

/// Counts this sign-in attempt against `account_key` and returns the attempts in the
/// window so far. In the database, so that guesses spread over several instances
/// behind a balancer are counted together.
async fn count_attempt(state: &AppState, account_key: &str) -> Result<u32, PageError> {
    let rule = account_rule(state);
    Ok(match state.limiter.shared_key(rule, account_key) {
        Some(key) => {
            let now = state.clock.now();
            state.store.count_attempt(&key, now, rule.window).await?
        }
        None => 0,
    })
}

/// Forgets the failed sign-ins counted against `account_key`.
async fn forget_attempts(state: &AppState, account_key: &str) -> Result<(), PageError> {
    if let Some(key) = state.limiter.shared_key(account_rule(state), account_key) {
        state.store.forget_attempts(&key).await?;
    }
    Ok(())
}

/// Forgets the failed sign-ins counted against an account (after a password reset).
pub(super) async fn forget_failed_sign_ins(
    state: &AppState,
    user_id: &str,
) -> Result<(), PageError> {
    forget_attempts(state, &user_key(user_id)).await
}

fn user_key(user_id: &str) -> String {
    format!("user:{user_id}")
}

fn notice_text(notice: Option<&str>) -> Option<&'static str> {
    match notice? {
        "check-inbox" => Some(
            "Check your inbox: open the link we've sent to confirm your address, then sign in.",
        ),
        "email-confirmed" => Some("Your email address is confirmed. You can sign in now."),
        "signed-out" => Some("You have signed out."),
        "password-reset" => Some(
            "Your password has been changed and every session signed out. Sign in with the new one.",
        ),
        _ => None,
    }
}

/// Who is asking the person to sign in, for the page's subtitle.
fn requester(request: Option<&AuthRequest>) -> Option<String> {
    let request = request?;
    let app = clients::find(&request.client_id).map_or("an application", |client| client.name);
    Some(match &request.device_name {
        Some(device) => format!("to continue to {app} on {device}"),
        None => format!("to continue to {app}"),
    })
}

struct SigninPage<'a> {
    csrf: &'a str,
    request: Option<&'a AuthRequest>,
    /// The invitation to return to (never together with `request`).
    invitation: Option<&'a str>,
    /// The team whose billing page to return to (never with `request` or `invitation`).
    billing: Option<String>,
    identifier: &'a str,
    keep: bool,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    /// The "I'm not a robot" box, when this account's sign-ins need it.
    robot_check: Option<Markup>,
}

impl SigninPage<'_> {
    fn render(&self) -> Markup {
        let req = self.request.map(|request| request.id.as_str());
        let with_req = |path: &str| match req {
            Some(id) => format!("{path}?req={id}"),
            None => path.to_owned(),
        };
        page(
            "Sign in to Courier",
            html! {
                @if let Some(subtitle) = requester(self.request) {
                    p class="muted" { (subtitle) }
                } @else if self.invitation.is_some() {
                    p class="muted" { "to accept your team invitation" }
                } @else if self.billing.is_some() {
                    p class="muted" { "to see your team's billing" }
                }
                @if let Some(notice) = self.notice {
                    p class="notice" role="status" { (notice) }
                }
                @if let Some(error) = self.error {
                    p class="form-error" role="alert" { (error) }
                }
                form method="post" action="/signin" {
                    (hidden(self.csrf, req))
                    (invitation::return_field(self.invitation))
                    (billing::return_field(self.billing.as_deref()))
                    (Field { label: "Email or username", name: "identifier", kind: "text",
                             value: self.identifier, autocomplete: "username", error: None }.render())
                    (Field { label: "Password", name: "password", kind: "password", value: "",
                             autocomplete: "current-password", error: None }.render())
                    label class="check" for="keep" {
                        input id="keep" name="keep" type="checkbox" value="on" checked[self.keep];
                        span { "Keep me signed in" }
                    }
                    @if let Some(robot_check) = &self.robot_check {
                        (robot_check)
                    }
                    button type="submit" { "Sign In" }
                }
                p class="links" {
                    a href=(invitation::with_return(&with_req("/signup"), self.invitation)) {
                        "Create Account"
                    }
                    a href="/confirm-email/resend" { "Resend confirmation" }
                    a href="/forgot" { "Trouble signing in?" }
                }
                (cancel_form(self.csrf, req))
            },
        )
    }
}

async fn optional_request(
    state: &AppState,
    req: Option<&str>,
) -> Result<Option<AuthRequest>, PageError> {
    match req {
        Some(id) => Ok(Some(authorize::pending(state, id).await?)),
        None => Ok(None),
    }
}

/// `GET /signin`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<ShowQuery>,
) -> Result<Response, PageError> {
    let request = optional_request(&state, query.req.as_deref()).await?;
    let token = csrf::token_for(&state, &headers);
    let markup = SigninPage {
        csrf: &token.value,
        request: request.as_ref(),
        invitation: invitation::return_token(query.req.as_deref(), query.invitation.as_deref()),
        billing: billing::return_slug(
            query.req.as_deref(),
            query.invitation.as_deref(),
            query.billing.as_deref(),
        ),
        identifier: request
            .as_ref()
            .and_then(|r| r.login_hint.as_deref())
            .unwrap_or_default(),
        keep: true,
        notice: notice_text(query.notice.as_deref()),
        error: None,
        robot_check: None,
    }
    .render();
    Ok(with_cookies(markup.into_response(), token.set_cookie))
}

/// `POST /signin`.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: ClientInfo,
    PageForm(mut form): PageForm<SigninForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    let password_chars = form.password.chars().count();
    let password = SecretString::from(std::mem::take(&mut form.password));
    state
        .limiter
        .hit(ip_rule(&state), &client.ip)
        .map_err(PageError::too_many)?;
    let request = optional_request(&state, form.req.as_deref()).await?;
    let identifier = form.identifier.trim();
    let user = if identifier.is_empty() {
        None
    } else {
        state.store.user_by_login(identifier).await?
    };
    // Counted before the password is checked (and forgotten on success), so that
    // guesses sent at the same time all see each other.
    let account_key = account_key(identifier, user.as_ref());
    let guard = guard_doublings(
        count_attempt(&state, &account_key).await?,
        account_rule(&state).max,
    );
    let keep = form.keep.is_some();
    let refuse = |status: StatusCode, error: &'static str| -> Result<Response, PageError> {
        let markup = SigninPage {
            csrf: &form.csrf,
            request: request.as_ref(),
            invitation: invitation::return_token(form.req.as_deref(), form.invitation.as_deref()),
            billing: billing::return_slug(
                form.req.as_deref(),
                form.invitation.as_deref(),
                form.billing.as_deref(),
            ),
            identifier,
            keep,
            notice: None,
            error: Some(error),
            robot_check: guard
                .map(|doublings| robot_check(&state, doublings))
                .transpose()?,
        }
        .render();
        Ok((status, markup).into_response())
    };
    if guard.is_some() {
        let answer = if form.altcha.is_empty() {
            Err(CHECK_NEEDED)
        } else {
            robot_check::passed(&state, &form.altcha).await?
        };
        if let Err(message) = answer {
            return refuse(StatusCode::BAD_REQUEST, message);
        }
    }

    let stored_hash = user
        .as_ref()
        .filter(|_| password_chars <= MAX_PASSWORD_CHARS)
        .map(|user| user.password_hash.as_str());
    let verified = state.passwords.verify(&password, stored_hash).await?;
    let user = match user {
        // The right password of an unconfirmed account gets the wrong password's answer
        // (the hash was verified all the same, and the failure still counts).
        Some(user) if verified && accounts::password_opens(&user) => user,
        _ => return refuse(StatusCode::UNAUTHORIZED, WRONG_CREDENTIALS),
    };
    forget_attempts(&state, &account_key).await?;
    let (cookie, signed_in_at) = session::start(&state, &headers, &user, keep, &client).await?;
    let invitation = invitation::return_token(form.req.as_deref(), form.invitation.as_deref());
    let billing = billing::return_slug(
        form.req.as_deref(),
        form.invitation.as_deref(),
        form.billing.as_deref(),
    );
    let response = match (&request, invitation, billing) {
        (Some(request), _, _) => {
            authorize::finish(&state, request, &user, signed_in_at, keep).await?
        }
        (None, Some(token), _) => Redirect::to(&invitation::page_path(token)).into_response(),
        (None, None, Some(slug)) => Redirect::to(&billing::page_path(&slug)).into_response(),
        (None, None, None) => Redirect::to("/").into_response(),
    };
    Ok(with_cookies(response, [cookie]))
}

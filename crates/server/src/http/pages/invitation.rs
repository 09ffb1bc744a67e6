//! The invitation link from the mail (`/invitations/accept?token=…`): the team's
//! name (linking its team page) and what accepting does; signed in, a **Join** button
//! (a CSRF-checked POST, so a mail scanner that prefetches the link accepts nothing);
//! signed out, Sign In or Create Account, both of which come back here. Any signed-in
//! account may accept: the link went to the address, and its holder chooses which
//! account joins.
//!
//! The way back is the invitation's token, never a URL: Sign In and Create Account
//! carry it as `invitation` (a query parameter, then a hidden field) and return only
//! to [`page_path`] of a token that [`looks_like_token`], so it cannot become an open
//! redirect. A new account must confirm its address before it can sign in, often by
//! opening the mailed link in the same tab: Create Account therefore also leaves the
//! token in a short-lived cookie, which the confirmation reads to send the person on
//! to Sign In for the invitation.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;

use super::layout::{hidden, message_page, page};
use super::session::{clear_cookie, cookie_name, read_cookie, set_cookie};
use super::{PageError, PageForm, PageQuery, csrf, session, team, with_cookies};
use crate::accounts::signup::CONFIRM_LINK_LIFETIME;
use crate::platform::crypto::token_digest;
use crate::state::AppState;
use crate::teams::invitations::{self, ACCEPT_PATH, Accepted, refusal_message};
use courier_store::InvitationRefusal;

/// Invitation tokens are `cti_` and 43 base64url characters; anything else is no token.
pub fn looks_like_token(token: &str) -> bool {
    (5..=100).contains(&token.len())
        && token.starts_with("cti_")
        && token[4..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The invitation page for `token` (a token [`looks_like_token`] accepted).
pub fn page_path(token: &str) -> String {
    format!("{ACCEPT_PATH}?token={token}")
}

/// The invitation to return to after signing up or in: only without an OAuth request
/// (which has its own way back), and only a token that [`looks_like_token`].
pub fn return_token<'a>(req: Option<&str>, invitation: Option<&'a str>) -> Option<&'a str> {
    invitation.filter(|token| req.is_none() && looks_like_token(token))
}

/// `path` with `invitation=` added to its query when there is an invitation to return to.
pub fn with_return(path: &str, invitation: Option<&str>) -> String {
    match invitation {
        Some(token) => {
            let separator = if path.contains('?') { '&' } else { '?' };
            format!("{path}{separator}invitation={token}")
        }
        None => path.to_owned(),
    }
}

/// The hidden field that carries the invitation through a form's POST.
pub fn return_field(invitation: Option<&str>) -> Markup {
    html! {
        @if let Some(token) = invitation {
            input type="hidden" name="invitation" value=(token);
        }
    }
}

const RETURN_COOKIE: &str = "courier_invitation";

/// The cookie that keeps the invitation while a new account confirms its address
/// (as long as the confirmation link works).
pub fn remember(state: &AppState, token: &str) -> axum::http::HeaderValue {
    let name = cookie_name(&state.issuer, RETURN_COOKIE);
    set_cookie(&state.issuer, &name, token, Some(CONFIRM_LINK_LIFETIME))
}

/// The invitation [`remember`] kept in this browser, if it still looks like one.
pub fn remembered(state: &AppState, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, &cookie_name(&state.issuer, RETURN_COOKIE))
        .filter(|token| looks_like_token(token))
}

/// Clears [`remember`]'s cookie once the browser is back at the invitation.
pub fn forget(state: &AppState) -> axum::http::HeaderValue {
    clear_cookie(&state.issuer, &cookie_name(&state.issuer, RETURN_COOKIE))
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
}

fn incomplete() -> PageError {
    PageError::bad_request("This invitation link is incomplete. Open it again from the mail.")
}

/// The page that says why a link leads nowhere.
fn refused(refusal: InvitationRefusal) -> Response {
    let status = match refusal {
        InvitationRefusal::Unknown => StatusCode::NOT_FOUND,
        _ => StatusCode::GONE,
    };
    (status, message_page("Invitation", refusal_message(refusal))).into_response()
}

/// `GET /invitations/accept?token=…`.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageQuery(query): PageQuery<TokenQuery>,
) -> Result<Response, PageError> {
    if !looks_like_token(&query.token) {
        return Err(incomplete());
    }
    let now = state.clock.now();
    let live = match state
        .store
        .check_invitation(&token_digest(&query.token), now)
        .await?
    {
        Ok(live) => live,
        Err(refusal) => return Ok(refused(refusal)),
    };
    let Some(team) = state.store.team(&live.team_id).await? else {
        return Ok(refused(InvitationRefusal::Unknown));
    };
    let signed_in = session::current(&state, &headers).await?;
    let csrf = csrf::token_for(&state, &headers);
    let role = invitations::role_words(crate::teams::wire_role(live.role));
    let markup = page(
        &format!("Join {} on Courier", team.name),
        html! {
            p { "This invitation to " strong { (live.email) } " asks you to join the team "
                a href=(team::page_path(&team.slug)) { strong { (team.name) } } " as " (role) "." }
            @match &signed_in {
                Some(current) => {
                    p class="muted" { "You're signed in as " (current.user.email) "." }
                    form method="post" action=(ACCEPT_PATH) {
                        (hidden(&csrf.value, None))
                        input type="hidden" name="token" value=(query.token);
                        button type="submit" { "Join " (team.name) }
                    }
                    p class="links" {
                        a href="/signout" { "Use another account" }
                    }
                }
                None => {
                    p { "Sign in to join, or create a free account first: either brings you back here." }
                    p class="links" {
                        a href=(with_return("/signin", Some(&query.token))) { "Sign In" }
                        a href=(with_return("/signup", Some(&query.token))) { "Create Account" }
                    }
                }
            }
        },
    );
    // Back here signed in: the cookie that found the way back has done its work.
    let forgotten =
        (signed_in.is_some() && remembered(&state, &headers).is_some()).then(|| forget(&state));
    Ok(with_cookies(
        markup.into_response(),
        csrf.set_cookie.into_iter().chain(forgotten),
    ))
}

/// `POST /invitations/accept`: joins the team as the signed-in account.
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    PageForm(form): PageForm<AcceptForm>,
) -> Result<Response, PageError> {
    csrf::verify(&state, &headers, &form.csrf)?;
    if !looks_like_token(&form.token) {
        return Err(incomplete());
    }
    let Some(current) = session::current(&state, &headers).await? else {
        // Signed out meanwhile: the page again, which offers Sign In.
        return Ok(Redirect::to(&page_path(&form.token)).into_response());
    };
    let accepted = invitations::accept(
        &*state.store,
        &state.events,
        state.clock.now(),
        &form.token,
        &current.user.id,
    )
    .await
    .map_err(|error| match error {
        crate::teams::TeamError::Internal(error) => PageError::from(error),
        _ => PageError::bad_request(error.to_string()),
    })?;
    Ok(match accepted {
        Accepted::Joined(team) => message_page(
            &format!("You joined {}", team.name),
            "The team is in the Courier app now. You can close this page.",
        )
        .into_response(),
        Accepted::AlreadyMember(team) => message_page(
            &format!("You're already in {}", team.name),
            "Nothing has changed: you keep your role. You can close this page.",
        )
        .into_response(),
        Accepted::Refused(refusal) => refused(refusal),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_invitation_token_leads_back_to_the_invitation_page() {
        let token = crate::platform::crypto::new_token("cti");
        assert!(looks_like_token(&token));
        for not_a_token in [
            "",
            "cti_",
            "https://evil.example/",
            "cti_abc/../../signout",
            "cti_abc?x=1",
            "cel_abcdef",
            &format!("cti_{}", "a".repeat(100)),
        ] {
            assert!(!looks_like_token(not_a_token), "{not_a_token:?}");
            assert_eq!(return_token(None, Some(not_a_token)), None);
        }
        // An app's sign-in request has its own way back, which wins.
        assert_eq!(return_token(Some("req-id"), Some(&token)), None);
        assert_eq!(return_token(None, Some(&token)), Some(token.as_str()));
    }

    #[test]
    fn the_way_back_is_added_to_a_path_with_or_without_a_query() {
        assert_eq!(
            with_return("/signin", Some("cti_abc")),
            "/signin?invitation=cti_abc"
        );
        assert_eq!(
            with_return("/signin?notice=check-inbox", Some("cti_abc")),
            "/signin?notice=check-inbox&invitation=cti_abc"
        );
        assert_eq!(with_return("/signin", None), "/signin");
    }
}

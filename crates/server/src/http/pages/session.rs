//! Browser sessions: the session cookie (HttpOnly, SameSite=Lax, and `Secure` with
//! the `__Host-` prefix under HTTPS), starting and reading the session behind it. How
//! long a session lasts is [`crate::sessions`]' rule.

use axum::http::{HeaderMap, HeaderValue, header};

use crate::error::Result;
use crate::http::client::ClientInfo;
use crate::platform::clock::UnixTime;
use crate::platform::crypto::{new_id, new_token, token_digest};
use crate::platform::issuer::Issuer;
use crate::sessions::{KEEP_SIGNED_IN_LIFETIME, lifetime};
use crate::state::AppState;
use courier_store::{NewWebSession, User, WebSession};

/// Cookie names, prefixed with `__Host-` when served over HTTPS.
pub fn cookie_name(issuer: &Issuer, base: &str) -> String {
    if issuer.is_https() {
        format!("__Host-{base}")
    } else {
        base.to_owned()
    }
}

pub const SESSION_COOKIE: &str = "courier_session";

/// The value of cookie `name` in the request, if any.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value; `max_age` of `None` makes a browser-session cookie.
pub fn set_cookie(issuer: &Issuer, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if issuer.is_https() {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn clear_cookie(issuer: &Issuer, name: &str) -> HeaderValue {
    set_cookie(issuer, name, "", Some(0))
}

/// The browser's current session, if it has a live one.
pub struct CurrentSession {
    pub session: WebSession,
    pub user: User,
}

/// How stale a browser session's "last seen" may get before a request refreshes it;
/// keeps page views free of writes.
const LAST_SEEN_RESOLUTION: i64 = crate::platform::clock::durations::MINUTE;

pub async fn current(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentSession>> {
    let name = cookie_name(&state.issuer, SESSION_COOKIE);
    let Some(token) = read_cookie(headers, &name) else {
        return Ok(None);
    };
    let digest = token_digest(&token);
    let now = state.clock.now();
    let found = state.store.web_session(&digest, now).await?;
    if let Some((session, _)) = &found
        && now - session.last_seen_at >= LAST_SEEN_RESOLUTION
        && let Err(error) = state.store.touch_web_session(&session.id, now).await
    {
        // "Last seen" on the sessions screen may lag; the page itself is fine.
        tracing::warn!(%error, "recording a browser session's last use failed");
    }
    Ok(found.map(|(session, user)| CurrentSession { session, user }))
}

/// The digest of the session cookie the browser sent, live or not.
pub fn presented_digest(state: &AppState, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, &cookie_name(&state.issuer, SESSION_COOKIE))
        .map(|token| token_digest(&token))
}

/// Starts a fresh session for `user` (a new id, replacing whatever the browser had)
/// and returns the `Set-Cookie` header for it.
pub async fn start(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    keep_signed_in: bool,
    client: &ClientInfo,
) -> Result<(HeaderValue, UnixTime)> {
    let now = state.clock.now();
    let token = new_token("cws");
    let session = NewWebSession {
        digest: token_digest(&token),
        id: new_id(),
        user_id: user.id.clone(),
        keep_signed_in,
        created_at: now,
        expires_at: now + lifetime(keep_signed_in),
        user_agent: client.user_agent.clone(),
        ip: Some(client.ip.clone()),
    };
    let replaced = presented_digest(state, headers);
    state
        .store
        .create_web_session(&session, replaced.as_deref())
        .await?;
    let max_age = keep_signed_in.then_some(KEEP_SIGNED_IN_LIFETIME);
    let name = cookie_name(&state.issuer, SESSION_COOKIE);
    Ok((set_cookie(&state.issuer, &name, &token, max_age), now))
}

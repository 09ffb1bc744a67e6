//! An account's sessions: how long one lasts ([`lifetime`], for browsers and the
//! grants signed in from them), describing each live grant and browser session for
//! the sessions screen, ending sessions and telling the account's event
//! channels at once (every path that revokes goes through [`ended`]), and the
//! "sign-in from a new device" notice. Storage rules live in [`courier_store::Store`].

use courier_proto::{Session, SessionKind};

use crate::error::Result;
use crate::notices;
use crate::platform::clock::UnixTime;
use crate::platform::clock::durations;
use crate::platform::hub::EventHub;
use crate::platform::mail::Mailer;
use crate::platform::useragent;
use courier_store::{
    Grant, KeepSessions, RevokeReason, RevokedGrant, SessionRecord, SessionSource, Store, User,
};

/// How long a session lasts, from sign-in.
pub const KEEP_SIGNED_IN_LIFETIME: i64 = 30 * durations::DAY;
pub const SHORT_SESSION_LIFETIME: i64 = 30 * durations::MINUTE;

/// How long a browser session, or a grant from a sign-in, lasts from sign-in.
pub fn lifetime(keep_signed_in: bool) -> i64 {
    if keep_signed_in {
        KEEP_SIGNED_IN_LIFETIME
    } else {
        SHORT_SESSION_LIFETIME
    }
}

/// The desktop app's OAuth client id and the name the sessions screen gives it.
const DESKTOP_CLIENT: (&str, &str) = ("courier-desktop", "Courier desktop");

/// Tells `user_id`'s event channels that these sessions have ended.
pub fn ended(events: &EventHub, user_id: &str, session_ids: &[String]) {
    if !session_ids.is_empty() {
        events.sessions_revoked(user_id, session_ids);
    }
}

/// Tells the owner of a grant revoked elsewhere (sign-out, token reuse).
pub fn grant_ended(events: &EventHub, revoked: &RevokedGrant) {
    ended(
        events,
        &revoked.user_id,
        std::slice::from_ref(&revoked.grant_id),
    );
}

/// The account's live sessions, most recently used first; `current` is marked.
pub async fn list(
    store: &dyn Store,
    now: UnixTime,
    user_id: &str,
    current: &str,
) -> Result<Vec<Session>> {
    let records = store.live_sessions(user_id, now).await?;
    let mut sessions: Vec<Session> = records
        .into_iter()
        .map(|record| describe(record, current))
        .collect();
    // Within the same second, this device first, then apps before browsers.
    sessions.sort_by_key(|session| {
        (
            std::cmp::Reverse(session.last_seen),
            !session.current,
            session.kind != SessionKind::App,
        )
    });
    Ok(sessions)
}

fn describe(record: SessionRecord, current: &str) -> Session {
    let agent = record.user_agent.as_deref().unwrap_or_default();
    let (kind, client, os) = match record.source {
        SessionSource::Grant => {
            let client = match record.client_id.as_deref() {
                Some(id) if id == DESKTOP_CLIENT.0 => DESKTOP_CLIENT.1.to_owned(),
                Some(id) => id.to_owned(),
                None => "App".to_owned(),
            };
            let os = record.device_os.clone().or_else(|| useragent::os(agent));
            (SessionKind::App, client, os)
        }
        SessionSource::Browser => (
            SessionKind::Browser,
            useragent::browser(agent).unwrap_or_else(|| "Browser".to_owned()),
            useragent::os(agent),
        ),
    };
    Session {
        current: record.id == current,
        id: record.id,
        kind,
        device_name: record.device_name,
        client,
        os,
        ip: record.ip,
        first_seen: record.first_seen,
        last_seen: record.last_seen,
    }
}

/// Ends one session of `user_id`; false when the account has no such live session.
pub async fn revoke(
    store: &dyn Store,
    events: &EventHub,
    now: UnixTime,
    user_id: &str,
    session_id: &str,
) -> Result<bool> {
    let revoked = store
        .revoke_session(user_id, session_id, now, RevokeReason::RevokedByUser)
        .await?;
    if revoked {
        ended(events, user_id, &[session_id.to_owned()]);
    }
    Ok(revoked)
}

/// Ends every session of `user_id` but `keep`; returns how many ended.
pub async fn revoke_others(
    store: &dyn Store,
    events: &EventHub,
    now: UnixTime,
    user_id: &str,
    keep: &str,
) -> Result<usize> {
    let ids = store
        .revoke_sessions(
            user_id,
            KeepSessions::Only(keep),
            now,
            RevokeReason::RevokedByUser,
        )
        .await?;
    ended(events, user_id, &ids);
    Ok(ids.len())
}

/// After a code was redeemed: mails the account when the grant comes from a device it
/// has never signed in from (not for its very first grant).
pub async fn notice_new_device(
    store: &dyn Store,
    mailer: &Mailer,
    grant: &Grant,
    user: &User,
) -> Result<()> {
    let earlier = store.earlier_grants(grant).await?;
    if !earlier.any || earlier.same_device {
        return Ok(());
    }
    let agent = grant.user_agent.as_deref().unwrap_or_default();
    let device = grant
        .device_name
        .clone()
        .or_else(|| useragent::browser(agent))
        .unwrap_or_else(|| "an unnamed device".to_owned());
    let os = grant
        .device_os
        .clone()
        .or_else(|| useragent::os(agent))
        .unwrap_or_else(|| "unknown".to_owned());
    let ip = grant.ip.as_deref().unwrap_or("unknown");
    let when = time::OffsetDateTime::from_unix_timestamp(grant.created_at)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc2822)
                .ok()
        })
        .unwrap_or_else(|| grant.created_at.to_string());
    let app = if grant.client_id == DESKTOP_CLIENT.0 {
        DESKTOP_CLIENT.1
    } else {
        grant.client_id.as_str()
    };
    let body = format!(
        "Your Courier account was just signed in on a new device:\n\n\
         Device: {device}\nOperating system: {os}\nApp: {app}\nIP address: {ip}\nTime: {when}"
    );
    notices::security(
        store,
        mailer,
        notices::Notice::NewDevice,
        user,
        &user.email,
        "New sign-in to your Courier account",
        &body,
    )
    .await
}

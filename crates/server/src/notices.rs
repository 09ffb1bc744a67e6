//! Mails that tell a person about their own account. A sign-in from a new device is
//! sent when their notification preferences ask for security mail; a changed password
//! or address (and a request to change it) is always sent, since it may be the only
//! warning that someone else has the account. Links and confirmations that an action
//! needs (confirming an address, resetting a password) are not notices.

use courier_proto::NotificationPreferences;

use crate::error::Result;
use crate::platform::clock::UnixTime;
use crate::platform::mail::Mail;
use crate::platform::mail::Mailer;
use courier_store::{Store, User};

/// What a security notice is about, which decides whether it can be switched off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A sign-in from a device the account has not used before: optional.
    NewDevice,
    /// The password or the address changed, or a change was asked for: always sent.
    AccountChange,
}

/// A security notice to `to` (usually the account's address; for an email change
/// also the old one). `body` is the paragraph between the greeting and the footer.
pub async fn security(
    store: &dyn Store,
    mailer: &Mailer,
    notice: Notice,
    user: &User,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<()> {
    let settings_hint = match notice {
        Notice::NewDevice => {
            let preferences: NotificationPreferences =
                store.notification_preferences(&user.id).await?;
            if !preferences.security.email {
                return Ok(());
            }
            "You can choose which mail Courier sends you in the app: avatar menu → \
             Account Settings → Notifications."
        }
        Notice::AccountChange => {
            "Courier always sends this notice, whatever your notification settings: it may \
             be the only warning that someone else has your account."
        }
    };
    mailer
        .send(Mail {
            to: to.to_owned(),
            subject: subject.to_owned(),
            body: format!(
                "Hello {username},\n\n{body}\n\nIf this wasn't you, change your password now and \
             revoke the sessions you don't recognise (Account Settings → Sessions).\n\n\
             {settings_hint}\n",
                username = user.username
            ),
            links: Vec::new(),
        })
        .await
}

/// The "password changed" security notice; a failure is logged, never returned (the
/// password has changed either way).
pub(crate) async fn password_changed(
    store: &dyn Store,
    mailer: &Mailer,
    now: UnixTime,
    user: &User,
    how: &str,
) {
    let when = time::OffsetDateTime::from_unix_timestamp(now)
        .ok()
        .and_then(|at| {
            at.format(&time::format_description::well_known::Rfc2822)
                .ok()
        })
        .unwrap_or_default();
    let body = format!("The password of your Courier account was {how} ({when}).");
    if let Err(error) = security(
        store,
        mailer,
        Notice::AccountChange,
        user,
        &user.email,
        "Your Courier password was changed",
        &body,
    )
    .await
    {
        tracing::warn!(%error, "password-changed notice not sent");
    }
}

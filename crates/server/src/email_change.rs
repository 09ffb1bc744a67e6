//! Changing an account's email address: the request (password checked by the
//! caller) mails a single-use 24-hour link to the new address and a notice to the
//! current one; the address changes only when the link is followed. An address that
//! already has an account is treated the same from the outside (its owner gets a
//! mail saying so instead of a link), so the API never reveals who has an account.

use crate::error::Error;
use crate::notices;
use crate::platform::clock::UnixTime;
use crate::platform::clock::durations;
use crate::platform::crypto::{new_token, token_digest};
use crate::platform::hub::EventHub;
use crate::platform::issuer::Issuer;
use crate::platform::mail::Mail;
use crate::platform::mail::Mailer;
use courier_proto::ServerEvent;
use courier_store::{EmailChangeOutcome, LinkPurpose, MailLink, Store, User};

/// How long an email-change link works.
pub const LINK_LIFETIME: i64 = durations::DAY;

/// Email-change tokens start with this, so the confirmation page knows which kind
/// of link it was given.
pub const TOKEN_PREFIX: &str = "cce_";

/// Records `new_email` as waiting and sends the mails. `new_email` is validated and
/// differs from the current address.
pub async fn request(
    store: &dyn Store,
    mailer: &Mailer,
    issuer: &Issuer,
    now: UnixTime,
    user: &User,
    new_email: &str,
) -> Result<(), Error> {
    let owner = store.user_by_email(new_email).await?;
    match owner {
        Some(other) if other.id != user.id => {
            store
                .request_email_change(&user.id, Some(new_email), None, now)
                .await?;
            mail_address_taken(mailer, issuer, new_email).await?;
        }
        _ => {
            let token = new_token(TOKEN_PREFIX.trim_end_matches('_'));
            let link = MailLink {
                digest: token_digest(&token),
                user_id: user.id.clone(),
                purpose: LinkPurpose::ChangeEmail,
                email: new_email.to_owned(),
                created_at: now,
                expires_at: now + LINK_LIFETIME,
            };
            store
                .request_email_change(&user.id, Some(new_email), Some(&link), now)
                .await?;
            let url = issuer.url(&format!("/confirm-email?token={token}"));
            mailer
                .send_on_request(Mail {
                    to: new_email.to_owned(),
                    subject: "Confirm your new email address for Courier".to_owned(),
                    body: format!(
                        "Hello {username},\n\nYou asked to use this address for your Courier \
                     account. Confirm it here:\n\n{url}\n\nThe link works once, for 24 hours. \
                     Until you confirm, your account keeps its current address. If you did \
                     not ask for this, ignore this mail.\n",
                        username = user.username
                    ),
                    links: vec![url],
                })
                .await?;
        }
    }
    // The current owner hears about the request whichever way it went.
    notices::security(
        store,
        mailer,
        notices::Notice::AccountChange,
        user,
        &user.email,
        "Someone asked to change your Courier email address",
        &format!(
            "Someone (probably you) asked to change the email address of your Courier \
             account to {new_email}. Nothing changes until the new address is confirmed \
             from the link sent to it."
        ),
    )
    .await?;
    Ok(())
}

/// The new address already belongs to an account: its owner learns that, and
/// nothing else happens.
async fn mail_address_taken(mailer: &Mailer, issuer: &Issuer, address: &str) -> Result<(), Error> {
    let signin = issuer.url("/signin");
    mailer
        .send_on_request(Mail {
            to: address.to_owned(),
            subject: "Someone tried to move a Courier account to your address".to_owned(),
            body: format!(
                "Hello,\n\nSomeone asked to change the email address of a Courier account to this \
             address, which already belongs to your Courier account. Nothing has changed.\n\n\
             To sign in, go to {signin}\n\nIf this wasn't you, you can ignore this mail.\n"
            ),
            links: vec![signin],
        })
        .await
}

/// Follows an email-change link. On success the old address gets an "email
/// changed" notice and the account's apps are told to refresh.
pub async fn confirm(
    store: &dyn Store,
    mailer: &Mailer,
    events: &EventHub,
    now: UnixTime,
    token: &str,
) -> Result<EmailChangeOutcome, Error> {
    let outcome = store
        .confirm_email_change(&token_digest(token), now)
        .await?;
    if let EmailChangeOutcome::Changed {
        user_id,
        old_email,
        new_email,
    } = &outcome
    {
        if let Some(user) = store.user_by_id(user_id).await? {
            // The address has changed either way: a failed notice is logged, not returned.
            if let Err(error) = notices::security(
                store,
                mailer,
                notices::Notice::AccountChange,
                &user,
                old_email,
                "Your Courier email address was changed",
                &format!(
                    "The email address of your Courier account was changed from {old_email} \
                     to {new_email}. Mail about your account now goes to the new address."
                ),
            )
            .await
            {
                tracing::warn!(%error, "email-changed notice not sent");
            }
        }
        events.publish(user_id, ServerEvent::ProfileChanged);
    }
    Ok(outcome)
}

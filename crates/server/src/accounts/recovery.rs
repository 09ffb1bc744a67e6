//! Trouble signing in?: a mailed reset link (1 hour, single use, stored only as its
//! digest) that sets a new password, confirms the address (opening the link proved
//! the mailbox) and ends every session in the same transaction, tells the event
//! channels and sends the "password changed" security notice.
//! Requesting a link answers the same whether or not the address has an account.

use courier_proto::ServerEvent;
use secrecy::{ExposeSecret as _, SecretString};

use crate::error::Error;
use crate::notices;
use crate::platform::clock::{Clock, durations};
use crate::platform::crypto::{new_token, token_digest};
use crate::platform::hub::EventHub;
use crate::platform::issuer::Issuer;
use crate::platform::mail::{Mail, Mailer};
use crate::platform::password::{self, PasswordHasher};
use crate::platform::ratelimit::Rule;
use crate::sessions;
use crate::settings::RateLimitSettings;
use courier_store::{LinkOutcome, LinkPurpose, MailLink, Store, User};

/// How long a password reset link works.
pub const RESET_LINK_LIFETIME: i64 = durations::HOUR;

/// What requesting and following reset links need from the server.
pub struct Deps<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
    pub passwords: &'a PasswordHasher,
    pub mailer: &'a Mailer,
    /// Builds the link in the mail.
    pub issuer: &'a Issuer,
    /// Tells the account's open event channels that its sessions ended.
    pub events: &'a EventHub,
}

/// Trouble signing in? requests and reset attempts per client address.
pub fn reset_rule(limits: &RateLimitSettings) -> Rule {
    Rule {
        name: "password_reset",
        max: limits.password_reset_per_ip_per_hour,
        window: durations::HOUR,
    }
}

/// Mails a reset link to the account with this address, if there is one. The caller
/// answers the same either way; the token is made and digested either way too.
pub async fn request_reset(deps: &Deps<'_>, email: &str) -> Result<(), Error> {
    let now = deps.clock.now();
    let token = new_token("cpr");
    let digest = token_digest(&token);
    let Some(user) = deps.store.user_by_email(email).await? else {
        tracing::info!("password reset requested for an address without an account");
        return Ok(());
    };
    deps.store
        .insert_mail_link(&MailLink {
            digest,
            user_id: user.id.clone(),
            purpose: LinkPurpose::ResetPassword,
            email: user.email.clone(),
            created_at: now,
            expires_at: now + RESET_LINK_LIFETIME,
        })
        .await?;
    let link = deps.issuer.url(&format!("/reset?token={token}"));
    deps.mailer
        .send_on_request(Mail {
            to: user.email.clone(),
            subject: "Reset your Courier password".to_owned(),
            body: format!(
                "Hello {username},\n\nSomeone (hopefully you) asked to reset the password of the \
             Courier account with this address.\n\nYour username: {username}\n\nTo choose a \
             new password, open this link:\n\n{link}\n\nThe link works once, for 1 hour. \
             Setting a new password signs your account out everywhere.\n\nIf you did not ask \
             for this, ignore this mail: your password has not changed.\n",
                username = user.username
            ),
            links: vec![link],
        })
        .await
}

/// What a reset link is worth right now, without spending it; `Some(user)` if valid.
pub async fn reset_link_user(deps: &Deps<'_>, token: &str) -> Result<LinkCheck, Error> {
    let outcome = deps
        .store
        .check_mail_link(
            &token_digest(token),
            LinkPurpose::ResetPassword,
            deps.clock.now(),
        )
        .await?;
    Ok(match outcome {
        LinkOutcome::Used { user_id } => match deps.store.user_by_id(&user_id).await? {
            Some(user) => LinkCheck::Valid(Box::new(user)),
            None => LinkCheck::Invalid,
        },
        LinkOutcome::Expired => LinkCheck::Expired,
        LinkOutcome::AlreadyUsed => LinkCheck::Used,
        LinkOutcome::Unknown => LinkCheck::Invalid,
    })
}

/// A reset link's deps.
#[derive(Debug)]
pub enum LinkCheck {
    Valid(Box<User>),
    Expired,
    Used,
    Invalid,
}

#[derive(Debug, thiserror::Error)]
pub enum ResetError {
    #[error("the link cannot be used")]
    Link(LinkCheck),
    #[error("{0}")]
    Weak(String),
    #[error(transparent)]
    Internal(#[from] Error),
}

impl From<courier_store::StoreError> for ResetError {
    fn from(error: courier_store::StoreError) -> Self {
        Self::Internal(error.into())
    }
}

/// Sets a new password through a reset link: every session of the account ends.
/// Returns the account's id.
pub async fn reset(
    deps: &Deps<'_>,
    token: &str,
    new_password: &SecretString,
) -> Result<String, ResetError> {
    let user = match reset_link_user(deps, token).await? {
        LinkCheck::Valid(user) => user,
        other => return Err(ResetError::Link(other)),
    };
    password::check_strength(new_password.expose_secret(), &[&user.username, &user.email])
        .map_err(ResetError::Weak)?;
    let hash = deps.passwords.hash(new_password).await?;
    let (outcome, ended) = deps
        .store
        .reset_password(&token_digest(token), &hash, deps.clock.now())
        .await?;
    match outcome {
        LinkOutcome::Used { .. } => {}
        // Spent or expired between the check and now (a double submit).
        LinkOutcome::Expired => return Err(ResetError::Link(LinkCheck::Expired)),
        LinkOutcome::AlreadyUsed => return Err(ResetError::Link(LinkCheck::Used)),
        LinkOutcome::Unknown => return Err(ResetError::Link(LinkCheck::Invalid)),
    }
    sessions::ended(deps.events, &user.id, &ended);
    // A waiting address change was cancelled with the old password.
    deps.events.publish(&user.id, ServerEvent::ProfileChanged);
    notices::password_changed(
        deps.store,
        deps.mailer,
        deps.clock.now(),
        &user,
        "reset with a link sent to this address",
    )
    .await;
    Ok(user.id)
}

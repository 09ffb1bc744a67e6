//! Trouble signing in?: a mailed reset link (1 hour, single use, stored only as its
//! digest) that sets a new password and ends every session in the same transaction,
//! tells the event channels and sends the "password changed" security notice.
//! Requesting a link answers the same whether or not the address has an account.

use secrecy::{ExposeSecret as _, SecretString};

use crate::error::Error;
use crate::notices;
use crate::platform::clock::durations;
use crate::platform::crypto::{new_token, token_digest};
use crate::platform::mail::Mail;
use crate::platform::password;
use crate::platform::ratelimit::Rule;
use crate::sessions;
use crate::settings::RateLimitSettings;
use crate::state::AppState;
use courier_store::{LinkOutcome, LinkPurpose, MailLink, User};

/// How long a password reset link works.
pub const RESET_LINK_LIFETIME: i64 = durations::HOUR;

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
pub async fn request_reset(state: &AppState, email: &str) -> Result<(), Error> {
    let now = state.clock.now();
    let token = new_token("cpr");
    let digest = token_digest(&token);
    let Some(user) = state.store.user_by_email(email).await? else {
        tracing::info!("password reset requested for an address without an account");
        return Ok(());
    };
    state
        .store
        .insert_mail_link(&MailLink {
            digest,
            user_id: user.id.clone(),
            purpose: LinkPurpose::ResetPassword,
            email: user.email.clone(),
            created_at: now,
            expires_at: now + RESET_LINK_LIFETIME,
        })
        .await?;
    let link = state.issuer.url(&format!("/reset?token={token}"));
    state.mailer.send(Mail {
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
    });
    Ok(())
}

/// What a reset link is worth right now, without spending it; `Some(user)` if valid.
pub async fn reset_link_user(state: &AppState, token: &str) -> Result<LinkCheck, Error> {
    let outcome = state
        .store
        .check_mail_link(
            &token_digest(token),
            LinkPurpose::ResetPassword,
            state.clock.now(),
        )
        .await?;
    Ok(match outcome {
        LinkOutcome::Used { user_id } => match state.store.user_by_id(&user_id).await? {
            Some(user) => LinkCheck::Valid(Box::new(user)),
            None => LinkCheck::Invalid,
        },
        LinkOutcome::Expired => LinkCheck::Expired,
        LinkOutcome::AlreadyUsed => LinkCheck::Used,
        LinkOutcome::Unknown => LinkCheck::Invalid,
    })
}

/// A reset link's state.
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
pub async fn reset(
    state: &AppState,
    token: &str,
    new_password: &SecretString,
) -> Result<(), ResetError> {
    let user = match reset_link_user(state, token).await? {
        LinkCheck::Valid(user) => user,
        other => return Err(ResetError::Link(other)),
    };
    password::check_strength(new_password.expose_secret(), &[&user.username, &user.email])
        .map_err(ResetError::Weak)?;
    let hash = state.passwords.hash(new_password).await?;
    let (outcome, ended) = state
        .store
        .reset_password(&token_digest(token), &hash, state.clock.now())
        .await?;
    match outcome {
        LinkOutcome::Used { .. } => {}
        // Spent or expired between the check and now (a double submit).
        LinkOutcome::Expired => return Err(ResetError::Link(LinkCheck::Expired)),
        LinkOutcome::AlreadyUsed => return Err(ResetError::Link(LinkCheck::Used)),
        LinkOutcome::Unknown => return Err(ResetError::Link(LinkCheck::Invalid)),
    }
    sessions::ended(&state.events, &user.id, &ended);
    notices::password_changed(
        &*state.store,
        &state.mailer,
        state.clock.now(),
        &user,
        "reset with a link sent to this address",
    )
    .await;
    Ok(())
}
